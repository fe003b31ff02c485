package io.tokencost.kernels.qgemv;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.BufferChecks;
import io.tokencost.kernels.Half;
import io.tokencost.kernels.RandomData;
import io.tokencost.kernels.transformerops.TransformerOps;
import io.tokencost.measure.Workload;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Java twin of kernels/qgemv.cu: weight-only quantized matrix-vector (and small-batch) products,
 * the decode step's linear layers. This class is the one place the weight layouts are defined:
 * the packer here, the CUDA kernel, the emulation and the CPU kernel all read them as follows.
 *
 * <pre>
 * y[b][n] = sum_k x[b][k] * W[n][k]        b < batch (past 64: chunks of 64), n < N (output features), k < K
 * x  F16 [batch x K] row-major (activations)      y  F32 [batch x N] row-major
 *
 * fp16       w  F16 [N x K] row-major; no scales.
 * int8       q  I8  [N x K] row-major, signed;  s F16 [N] (one per output row)
 *            W[n][k] = q[n][k] * s[n]                     (symmetric, q in -127..127)
 * int4_g128  q  U32 [N x K/8]; word (n, j) holds k = 8j..8j+7, nibble i (bits 4i..4i+3) holds k = 8j+i
 *            as an unsigned u in 0..15;  s F16 [N x K/128] (one per 128 consecutive k of a row)
 *            W[n][k] = (u[n][k] - 8) * s[n][k/128]       (symmetric, implicit zero point 8; K % 128 == 0)
 * </pre>
 * The nibble order is the natural one: a kernel that unpacks nibbles i and i+4 of a word into one
 * half2 ((word >> 4i) & 0x000f000f | 0x64006400, Marlin's trick) pairs them with x[8j+i], x[8j+i+4].
 */
public final class QGemv {

    /** The formats this family implements (bf16 weights: later). */
    public static final WeightFormat[] FORMATS = {WeightFormat.FP16, WeightFormat.INT8, WeightFormat.INT4_G128};
    /**
     * The largest batch one pass over the weights takes. A larger batch (a prompt's tokens) runs as
     * chunks of it, each a pass: {@link #passes}.
     */
    public static final int MAX_BATCH = 64;
    /**
     * The fewest prompt tokens whose int8 / int4 products a prefill runs as dequantise + 16-bit GEMM;
     * a shorter prompt runs them on qgemv (in chunks of {@link #MAX_BATCH}), which reads the stored
     * weights and never writes a 16-bit copy. vLLM's AWQ layer switches at the same count
     * (FP16_MATMUL_HEURISTIC_CONDITION: tokens >= 256).
     */
    public static final int DEQUANTIZE_FROM_TOKENS = 256;
    /** Above this batch the CUDA kernels run on tensor cores only, which take k in {@link #tensorCoreStep} steps. */
    public static final int CUDA_CORE_MAX_BATCH = 16;
    public static final int GROUP = 128;

    private QGemv() {
    }

    /** A weight matrix in one of the layouts above: {@code weights} is short[], byte[] or int[]; scales null for fp16. */
    public record QuantizedMatrix(WeightFormat format, int n, int k, Object weights, short[] scales) {

        public QuantizedMatrix {
            checkShape(format, n, k, 1);
        }

        /** The device type of the weights array. */
        public DataType weightType() {
            return QGemv.weightType(format);
        }

        public int weightElements() {
            return QGemv.weightElements(format, n, k);
        }
    }

    public static DataType weightType(WeightFormat f) {
        return switch (f) {
            case FP16, BF16 -> DataType.F16;
            case INT8 -> DataType.I8;
            case INT4_G128 -> DataType.U32;
        };
    }

    public static int weightElements(WeightFormat f, int n, int k) {
        return f == WeightFormat.INT4_G128 ? n * (k / 8) : n * k;
    }

    /** Number of F16 scales: none, one per row, or one per row and group of 128. */
    public static int scaleElements(WeightFormat f, int n, int k) {
        return switch (f) {
            case FP16, BF16 -> 0;
            case INT8 -> n;
            case INT4_G128 -> n * (k / GROUP);
        };
    }

    /** Rejects shapes the layouts do not define, with a message naming the rule. */
    public static void checkShape(WeightFormat f, int n, int k, int batch) {
        if (f == WeightFormat.BF16) {
            throw new IllegalArgumentException("qgemv does not implement bf16 weights yet");
        }
        if (n < 1 || k < 1 || batch < 1) {
            throw new IllegalArgumentException("qgemv needs n, k and batch >= 1, got n=" + n + " k=" + k + " batch=" + batch);
        }
        if (f == WeightFormat.INT4_G128 && k % GROUP != 0) {
            throw new IllegalArgumentException("int4_g128 needs k to be a multiple of " + GROUP + ", got " + k);
        }
        if (batch > CUDA_CORE_MAX_BATCH && k % tensorCoreStep(f) != 0) {
            throw new IllegalArgumentException("qgemv " + f.id() + " at batch > " + CUDA_CORE_MAX_BATCH + " needs k to be a multiple of "
                    + tensorCoreStep(f) + ", got " + k);
        }
        if ((long) n * k > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("qgemv matrix " + n + "x" + k + " exceeds one Java array");
        }
    }

    /**
     * The k a tensor-core warp step covers: what one 16-byte load per lane of two rows holds, times
     * 4 lanes (fp16 32, int8 64, int4 128 = one scale group). qgemv.cu's tc_qmma_step.
     */
    public static int tensorCoreStep(WeightFormat f) {
        return switch (f) {
            case FP16, BF16 -> 32;
            case INT8 -> 64;
            case INT4_G128 -> 128;
        };
    }

    /** Bytes of the weights in the format, scales included: the cost model's {@link WeightFormat#matrixBytes}. */
    public static long weightBytes(WeightFormat f, int n, int k) {
        return (long) f.matrixBytes(n, k);
    }

    /** Whether a prefill of {@code tokens} runs its products in {@code f} on qgemv: int8 / int4 below {@link #DEQUANTIZE_FROM_TOKENS}. */
    public static boolean prefillRunsQgemv(WeightFormat f, double tokens) {
        return f.quantized() && tokens < DEQUANTIZE_FROM_TOKENS;
    }

    /** Passes over the weights a batch takes: chunks of {@link #MAX_BATCH} (at least one, so batch 0 reads the weights once). */
    public static int passes(int batch) {
        return Math.max(1, (batch + MAX_BATCH - 1) / MAX_BATCH);
    }

    /** One pass of a batch: its rows {@code first .. first + rows - 1}. */
    @FunctionalInterface
    public interface Pass {
        void run(int first, int rows);
    }

    /** Runs a batch's {@link #passes}, in order: every backend splits a batch past {@link #MAX_BATCH} so. */
    public static void forEachPass(int batch, Pass pass) {
        for (int first = 0; first < batch; first += MAX_BATCH) {
            pass.run(first, Math.min(MAX_BATCH, batch - first));
        }
    }

    /** Bytes and FLOPs of one product: the weights (scales included) once per {@link #passes pass}, x read once, y written. */
    public static Workload workload(WeightFormat f, int n, int k, int batch) {
        long weights = passes(batch) * weightBytes(f, n, k);
        long x = 2L * batch * k;
        long y = 4L * batch * n;
        return new Workload(weights + x, y, 2L * batch * n * k);
    }

    /**
     * Checks a product's buffers against the layouts: types, and sizes at least what the shape
     * needs (larger buffers are fine: only the shape's elements are read); fp16 takes no scales.
     * Every backend calls this.
     */
    public static void checkBuffers(WeightFormat f, Buffer y, Buffer x, Buffer weights, Buffer scales, int n, int k, int batch) {
        if (f == null) {
            throw new IllegalArgumentException("qgemv needs a weight format");
        }
        checkShape(f, n, k, batch);
        BufferChecks.require("qgemv", "y", y, DataType.F32, (long) batch * n);
        BufferChecks.require("qgemv", "x", x, DataType.F16, (long) batch * k);
        checkWeights(f, weights, scales, n, k);
    }

    /** The weights in the format's type, and its scales (none for fp16), for an n x k matrix. */
    private static void checkWeights(WeightFormat f, Buffer weights, Buffer scales, int n, int k) {
        BufferChecks.require("qgemv", "weights", weights, weightType(f), weightElements(f, n, k));
        int scaleCount = scaleElements(f, n, k);
        if (scaleCount == 0) {
            if (scales != null) {
                throw new IllegalArgumentException("qgemv " + f.id() + " takes no scales, got a buffer of " + scales.elements());
            }
        } else {
            BufferChecks.require("qgemv", "scales", scales, DataType.F16, scaleCount);
        }
    }

    /** Quantizes a float matrix [n x k] row-major into the format (round to nearest, symmetric). */
    public static QuantizedMatrix pack(WeightFormat f, float[] w, int n, int k) {
        checkShape(f, n, k, 1);
        switch (f) {
            case FP16 -> {
                return new QuantizedMatrix(f, n, k, Half.fromFloats(w), null);
            }
            case INT8 -> {
                byte[] q = new byte[n * k];
                short[] s = new short[n];
                for (int r = 0; r < n; r++) {
                    float scale = scaleFor(w, r * k, k, 127);
                    s[r] = Half.fromFloat(scale);
                    float used = Half.toFloat(s[r]);
                    for (int c = 0; c < k; c++) {
                        q[r * k + c] = (byte) clamp(Math.round(w[r * k + c] / used), -127, 127);
                    }
                }
                return new QuantizedMatrix(f, n, k, q, s);
            }
            case INT4_G128 -> {
                int groups = k / GROUP;
                int[] q = new int[n * (k / 8)];
                short[] s = new short[n * groups];
                for (int r = 0; r < n; r++) {
                    for (int g = 0; g < groups; g++) {
                        int from = r * k + g * GROUP;
                        s[r * groups + g] = Half.fromFloat(scaleFor(w, from, GROUP, 7));
                        float used = Half.toFloat(s[r * groups + g]);
                        for (int c = 0; c < GROUP; c++) {
                            int u = clamp(Math.round(w[from + c] / used), -8, 7) + 8;
                            int kk = g * GROUP + c;
                            q[r * (k / 8) + kk / 8] |= u << (4 * (kk % 8));
                        }
                    }
                }
                return new QuantizedMatrix(f, n, k, q, s);
            }
            default -> throw new IllegalArgumentException("unsupported format " + f);
        }
    }

    /** max|w| / qmax as the scale, never zero (an all-zero row still gets a usable scale). */
    private static float scaleFor(float[] w, int from, int len, int qmax) {
        float max = 0;
        for (int i = from; i < from + len; i++) {
            max = Math.max(max, Math.abs(w[i]));
        }
        return max > 0 ? max / qmax : 1f;
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /**
     * Random codes and random positive scales, straight in the layout: how benchmarks get
     * gigabytes of non-zero weights without quantizing a float matrix first.
     */
    public static QuantizedMatrix random(WeightFormat f, int n, int k, long seed) {
        checkShape(f, n, k, 1);
        SplittableRandom r = new SplittableRandom(seed);
        int elements = weightElements(f, n, k);
        long weightSeed = r.nextLong();
        Object weights = switch (f) {
            case FP16, BF16 -> {
                short[] h = new short[elements];
                RandomData.fillParallel(elements, weightSeed, (g, from, to) -> {
                    for (int i = from; i < to; i++) {
                        h[i] = Half.fromFloat((float) g.nextDouble(-0.05, 0.05));
                    }
                });
                yield h;
            }
            case INT8 -> {
                byte[] b = new byte[elements];
                RandomData.fillParallel(elements, weightSeed, (g, from, to) -> {
                    for (int i = from; i < to; i++) {
                        b[i] = (byte) (g.nextInt(255) - 127);
                    }
                });
                yield b;
            }
            case INT4_G128 -> {
                int[] q = new int[elements];
                RandomData.fillParallel(elements, weightSeed, (g, from, to) -> {
                    for (int i = from; i < to; i++) {
                        q[i] = g.nextInt();
                    }
                });
                yield q;
            }
        };
        short[] scales = null;
        int ns = scaleElements(f, n, k);
        if (ns > 0) {
            // scales inversely to the codes' reach (int4 ±8, int8 ±128), so every format's weights span
            // about fp16's ±0.05: int8 weights 16x larger grew a tiny model's activations layer by layer,
            // until its softmaxes turned fp16 rounding into errors 10x the other formats' (up to 1.1e-2)
            double perCode = 8.0 / (f == WeightFormat.INT8 ? 128 : 8);
            scales = new short[ns];
            for (int i = 0; i < ns; i++) {
                scales[i] = Half.fromFloat((float) (r.nextDouble(0.001, 0.01) * perCode));
            }
        }
        return new QuantizedMatrix(f, n, k, weights, scales);
    }

    /** Activations: F16 [batch x k], uniform in [-1, 1). */
    public static short[] randomActivations(int batch, int k, RandomGenerator random) {
        short[] x = new short[batch * k];
        for (int i = 0; i < x.length; i++) {
            x[i] = Half.fromFloat((float) (random.nextDouble() * 2 - 1));
        }
        return x;
    }

    /** W[row][col] exactly as the layout defines it. */
    public static double weight(QuantizedMatrix m, int row, int col) {
        return switch (m.format()) {
            case FP16, BF16 -> Half.toFloat(((short[]) m.weights())[row * m.k() + col]);
            case INT8 -> ((byte[]) m.weights())[row * m.k() + col] * (double) Half.toFloat(m.scales()[row]);
            case INT4_G128 -> {
                int word = ((int[]) m.weights())[row * (m.k() / 8) + col / 8];
                int u = (word >>> (4 * (col % 8))) & 0xf;
                yield (u - 8) * (double) Half.toFloat(m.scales()[row * (m.k() / GROUP) + col / GROUP]);
            }
        };
    }

    /** W rounded once to fp16, row-major [n x k]: what {@link QGemvKernels#dequantize} must write, bit for bit. */
    public static short[] dequantizeReference(QuantizedMatrix m) {
        short[] out = new short[m.n() * m.k()];
        for (int r = 0; r < m.n(); r++) {
            for (int c = 0; c < m.k(); c++) {
                out[r * m.k() + c] = Half.fromFloat((float) weight(m, r, c));
            }
        }
        return out;
    }

    /** Dequantisation's work: the stored weights (and scales) read once, 2 bytes per weight written; no FLOPs counted. */
    public static Workload dequantizeWorkload(WeightFormat f, int n, int k) {
        return new Workload(weightBytes(f, n, k), 2L * n * k, 0);
    }

    /** dequantize's buffers: a scaled format's weights and scales, out F16 [n x k]. */
    public static void checkDequantize(WeightFormat f, Buffer out, Buffer weights, Buffer scales, int n, int k) {
        if (f != WeightFormat.INT8 && f != WeightFormat.INT4_G128) {
            throw new IllegalArgumentException("dequantize takes int8 or int4_g128 weights, got " + f.id());
        }
        checkShape(f, n, k, 1);
        BufferChecks.require("qgemv dequantize", "out", out, DataType.F16, (long) n * k);
        BufferChecks.require("qgemv dequantize", "weights", weights, weightType(f), weightElements(f, n, k));
        BufferChecks.require("qgemv dequantize", "scales", scales, DataType.F16, scaleElements(f, n, k));
    }

    /** The reference: weights dequantized exactly, products summed in float64. */
    public static double[] reference(QuantizedMatrix m, short[] x, int batch) {
        checkShape(m.format(), m.n(), m.k(), batch);
        double[] y = new double[batch * m.n()];
        double[] row = new double[m.k()];
        for (int r = 0; r < m.n(); r++) {
            for (int c = 0; c < m.k(); c++) {
                row[c] = weight(m, r, c);
            }
            for (int b = 0; b < batch; b++) {
                double sum = 0;
                for (int c = 0; c < m.k(); c++) {
                    sum += row[c] * Half.toFloat(x[b * m.k() + c]);
                }
                y[b * m.n() + r] = sum;
            }
        }
        return y;
    }

    /**
     * An MoE layer's experts, stored as one matrix of {@code experts} x n rows (expert e's rows
     * e·n .. e·n + n − 1, scales alike), over rows of x sorted by expert: listed expert i =
     * {@code expertIds[i]} owns rows {@code starts[i] .. starts[i + 1] − 1} of x and of y
     * ({@link TransformerOps#moeRouteReference} writes both lists).
     */
    public static double[] expertsReference(QuantizedMatrix stacked, int experts, short[] x, int rows, int[] expertIds, int[] starts) {
        int n = stacked.n() / experts;
        int k = stacked.k();
        double[] y = new double[rows * n];
        for (int i = 0; i + 1 < starts.length; i++) {
            for (int r = 0; r < n; r++) {
                int wr = expertIds[i] * n + r;
                for (int b = starts[i]; b < starts[i + 1]; b++) {
                    double sum = 0;
                    for (int c = 0; c < k; c++) {
                        sum += weight(stacked, wr, c) * Half.toFloat(x[b * k + c]);
                    }
                    y[b * n + r] = sum;
                }
            }
        }
        return y;
    }

    /**
     * The experts product's buffers: weights of {@code experts} stacked n x k matrices; x F16 and
     * y F32 of {@code rows} rows; the expert list U32 [min(experts, rows)] and its starts U32
     * [min(experts, rows) + 1]. An expert gets at most {@code maxRowsPerExpert} rows (the step's
     * tokens: one per token), which picks the kernel; any number, since the kernels take an expert's
     * rows in chunks (a prefill's expert can get hundreds).
     */
    public static void checkExperts(WeightFormat f, Buffer y, Buffer x, Buffer weights, Buffer scales, Buffer expertIds, Buffer starts,
                                    int experts, int n, int k, int rows, int maxRowsPerExpert) {
        if (experts < 1 || rows < 1 || maxRowsPerExpert < 1 || maxRowsPerExpert > rows) {
            throw new IllegalArgumentException("qgemv experts needs experts, rows >= 1 and 1 <= rows per expert <= rows, got " + experts
                    + " experts, " + rows + " rows, " + maxRowsPerExpert + " per expert");
        }
        if (f == null) {
            throw new IllegalArgumentException("qgemv needs a weight format");
        }
        if ((long) experts * n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("qgemv experts: " + experts + " x " + n + " rows exceed one Java array");
        }
        checkShape(f, experts * n, k, 1);
        checkWeights(f, weights, scales, experts * n, k);
        BufferChecks.require("qgemv", "y", y, DataType.F32, (long) rows * n);
        BufferChecks.require("qgemv", "x", x, DataType.F16, (long) rows * k);
        int listed = Math.min(experts, rows);
        BufferChecks.require("qgemv", "expert list", expertIds, DataType.U32, listed);
        BufferChecks.require("qgemv", "expert starts", starts, DataType.U32, listed + 1L);
    }

    /**
     * Bytes and FLOPs of an experts product over {@code rows} rows that touches {@code touched}
     * experts (fractional: an expectation): each touched expert's weights once, x read, y written.
     */
    public static Workload expertsWorkload(WeightFormat f, int n, int k, int rows, double touched) {
        long weights = Math.round(touched * weightBytes(f, n, k));
        return new Workload(weights + 2L * rows * k, 4L * rows * n, 2L * rows * n * k);
    }
}
