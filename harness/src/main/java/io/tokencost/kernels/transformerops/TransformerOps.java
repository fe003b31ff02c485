package io.tokencost.kernels.transformerops;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.cost.ModelSpec;
import io.tokencost.kernels.BufferChecks;
import io.tokencost.kernels.Half;
import io.tokencost.kernels.attentiondecode.AttentionDecode;
import io.tokencost.kernels.attentionprefill.AttentionPrefill;
import io.tokencost.measure.Workload;

import java.util.Arrays;
import java.util.List;

/**
 * Java twin of kernels/transformer_ops.cu: the per-token operations of a transformer step between
 * its matrix products and attention, with float64 references. Layouts (all row-major):
 * <ul>
 * <li>residual stream h: fp32 [rows x hidden]; norm weight fp16 [hidden]; normed output fp16 [rows x hidden];</li>
 * <li>qkv (the fused product's output): fp32 [rows x (heads + 2 kv_heads) x D], q heads then k then v;
 * a sequence brings {@code tokens} consecutive rows (decode: 1; a prefill: its prompt);
 * q out: fp16 [seqs x heads x tokens x D] ({@link AttentionPrefill}'s q; with one token per
 * sequence simply [rows x heads x D]); K and V caches: fp16 [seqs x kv_heads x context x D]
 * ({@link AttentionDecode}'s contiguous layout), each row's k and v written at {@code positions[row]};</li>
 * <li>merge_heads: attention output fp16 [seqs x heads x tokens x D] to rows [seqs·tokens x heads·D];</li>
 * <li>gate_up (the fused product's output): fp32 [rows x 2F], gate in columns 0..F-1, up in F..2F-1;
 * activation out fp16 [rows x F].</li>
 * </ul>
 * Rotary: Hugging Face Llama's rotate_half, dimension i < D/2 paired with i + D/2 at the angle
 * pos · theta^(-2i/D).
 *
 * <p>A mixture-of-experts layer (decode, T tokens, E experts, top k): the router's logits fp32
 * [T x E]; slot s = t·k + j is token t's j-th expert by rank. moe_route writes per slot its expert
 * (U32), its weight (fp32: softmax over the token's k logits) and its row in expert order (U32,
 * a stable sort by expert), and the list of the experts used, ascending (U32 [min(E, T·k)], expert 0
 * past the used ones) with the first row of each (U32 [min(E, T·k) + 1], the total T·k past the used
 * ones). moe_gather copies the normed hidden row of each slot's token (fp16 [T x hidden]) to the
 * slot's row (fp16 [T·k x hidden]); moe_combine sums the experts' output rows (fp32 [T·k x hidden])
 * back per token, weighted, into fp32 [T x hidden].
 */
public final class TransformerOps {

    private TransformerOps() {
    }

    /** h += add (when add is not null); out = h / sqrt(mean(h²) + eps) · w, per row. Returns the new h too. */
    public static double[][] addRmsnormReference(float[] h, float[] add, short[] w, int rows, int hidden, double eps) {
        double[] newH = new double[rows * hidden];
        double[] out = new double[rows * hidden];
        for (int r = 0; r < rows; r++) {
            double squares = 0;
            for (int i = 0; i < hidden; i++) {
                double x = (double) h[r * hidden + i] + (add == null ? 0 : add[r * hidden + i]);
                newH[r * hidden + i] = x;
                squares += x * x;
            }
            double inv = 1 / Math.sqrt(squares / hidden + eps);
            for (int i = 0; i < hidden; i++) {
                out[r * hidden + i] = newH[r * hidden + i] * inv * Half.toFloat(w[i]);
            }
        }
        return new double[][] {out, newH};
    }

    /** The angle of rotary pair i at position pos. */
    public static double ropeAngle(int i, int headDim, int pos, double theta) {
        return pos * Math.pow(theta, -2.0 * i / headDim);
    }

    /** Rotated q [seqs x heads x tokens x D] of a qkv row block of {@code rows} = seqs x tokens rows. */
    public static double[] ropeQReference(float[] qkv, int[] positions, int rows, int tokens, int heads, int kvHeads, int headDim, double theta) {
        double[] q = new double[rows * heads * headDim];
        for (int b = 0; b < rows; b++) {
            for (int head = 0; head < heads; head++) {
                int to = ((b / tokens * heads + head) * tokens + b % tokens) * headDim;
                rotate(qkv, (b * (heads + 2 * kvHeads) + head) * headDim, q, to, headDim, positions[b], theta);
            }
        }
        return q;
    }

    /**
     * The K and V caches after this step: {@code kBefore} / {@code vBefore} (fp16, the caches as
     * they were) with each row's rotated k and its v written at its position in its sequence's cache.
     */
    public static double[][] ropeCacheReference(float[] qkv, int[] positions, short[] kBefore, short[] vBefore, int rows, int tokens,
                                                int heads, int kvHeads, int headDim, int context, double theta) {
        double[] k = halves(kBefore);
        double[] v = halves(vBefore);
        int width = (heads + 2 * kvHeads) * headDim;
        for (int b = 0; b < rows; b++) {
            for (int kvh = 0; kvh < kvHeads; kvh++) {
                int at = ((b / tokens * kvHeads + kvh) * context + positions[b]) * headDim;
                rotate(qkv, b * width + (heads + kvh) * headDim, k, at, headDim, positions[b], theta);
                for (int d = 0; d < headDim; d++) {
                    v[at + d] = qkv[b * width + (heads + kvHeads + kvh) * headDim + d];
                }
            }
        }
        return new double[][] {k, v};
    }

    private static void rotate(float[] src, int from, double[] dst, int to, int headDim, int pos, double theta) {
        int half = headDim / 2;
        for (int i = 0; i < half; i++) {
            double angle = ropeAngle(i, headDim, pos, theta);
            double x1 = src[from + i];
            double x2 = src[from + i + half];
            dst[to + i] = x1 * Math.cos(angle) - x2 * Math.sin(angle);
            dst[to + i + half] = x2 * Math.cos(angle) + x1 * Math.sin(angle);
        }
    }

    /** silu(gate) · up per row: [rows x F] from [rows x 2F]. */
    public static double[] swigluReference(float[] gateUp, int rows, int ffn) {
        double[] out = new double[rows * ffn];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < ffn; j++) {
                double g = gateUp[r * 2 * ffn + j];
                out[r * ffn + j] = g / (1 + Math.exp(-g)) * gateUp[r * 2 * ffn + ffn + j];
            }
        }
        return out;
    }

    /** merge_heads: [seqs x heads x tokens x D] to [seqs x tokens x heads x D] (a permutation: exact). */
    public static short[] mergeHeadsReference(short[] in, int seqs, int heads, int tokens, int headDim) {
        short[] out = new short[in.length];
        for (int s = 0; s < seqs; s++) {
            for (int h = 0; h < heads; h++) {
                for (int t = 0; t < tokens; t++) {
                    System.arraycopy(in, ((s * heads + h) * tokens + t) * headDim, out, ((s * tokens + t) * heads + h) * headDim, headDim);
                }
            }
        }
        return out;
    }

    private static double[] halves(short[] h) {
        double[] d = new double[h.length];
        for (int i = 0; i < h.length; i++) {
            d[i] = Half.toFloat(h[i]);
        }
        return d;
    }

    // bytes per token and width unit: add_rmsnorm reads h and the add (fp32) and the weight (fp16), writes h (fp32) and
    // the normed row (fp16); rope_qkv reads the fp32 qkv row, writes q, k, v in fp16; swiglu reads gate and up (fp32), writes fp16
    private static final long NORM_READ = 12;
    private static final long NORM_WRITTEN = 6;
    private static final long ROPE_READ = 4;
    private static final long ROPE_WRITTEN = 2;
    private static final long SWIGLU_READ = 8;
    private static final long SWIGLU_WRITTEN = 2;

    /** The ops a layer runs that are timed one by one (the ops-grid suite): each over rows of one sequence. */
    public static final List<String> SINGLE_OPS = List.of("add_rmsnorm", "rope_qkv", "swiglu");

    /** One of {@link #SINGLE_OPS} over {@code tokens} rows of a dense model's widths: bytes as the op touches them, no FLOPs counted. */
    public static Workload opWorkload(String op, long tokens, ModelSpec m) {
        long qkvWidth = (long) (m.heads() + 2 * m.kvHeads()) * m.headDim();
        return switch (op) {
            case "add_rmsnorm" -> new Workload(tokens * NORM_READ * m.hidden(), tokens * NORM_WRITTEN * m.hidden(), 0);
            case "rope_qkv" -> new Workload(tokens * ROPE_READ * qkvWidth, tokens * ROPE_WRITTEN * qkvWidth, 0);
            case "swiglu" -> new Workload(tokens * SWIGLU_READ * m.ffn(), tokens * SWIGLU_WRITTEN * m.ffn(), 0);
            default -> throw new IllegalArgumentException("no single op '" + op + "' (known: " + String.join(", ", SINGLE_OPS) + ")");
        };
    }

    /**
     * One layer's ops over {@code tokens} rows as the synthetic model runs them (see
     * {@code TransformerOpsBench}): two add_rmsnorm (h read and written, the add read, fp16 out), rope_qkv
     * (the qkv row read, q, k, v written in fp16) and swiglu (gate/up read, fp16 out); a decode step
     * adds to_half of attention's output, a prefill to_float of its four GEMM outputs and merge_heads.
     * A mixture of experts (its prefill converts two GEMM outputs, q/k/v and o): swiglu over each token's k slots of the experts' width, and
     * moe_route (the router's logits read; per slot its expert, weight and row written), moe_gather
     * (the normed row read and written per slot) and moe_combine (the slots' rows read, one row
     * written). Bytes as the ops touch them; no FLOPs counted.
     */
    public static Workload layerWorkload(boolean prefill, long tokens, ModelSpec m) {
        long hidden = m.hidden();
        long qkvWidth = (long) (m.heads() + 2 * m.kvHeads()) * m.headDim();
        long attnWidth = (long) m.heads() * m.headDim();
        boolean moe = m.experts() > 0;
        long slots = moe ? m.expertsPerToken() : 1;
        // the SwiGLU width a token brings: its slots' experts
        long ffn = moe ? slots * m.moeFfn() : m.ffn();
        long read = 2 * NORM_READ * hidden + ROPE_READ * qkvWidth + SWIGLU_READ * ffn;
        long written = 2 * NORM_WRITTEN * hidden + ROPE_WRITTEN * qkvWidth + SWIGLU_WRITTEN * ffn;
        if (moe) {
            read += 4L * m.experts() + slots * (2 * hidden + 4 * hidden + 8);
            written += 12 * slots + 2 * slots * hidden + 4 * hidden;
        }
        if (prefill) {
            // the GEMMs' fp16 outputs converted; a mixture of experts' products (experts kernel) write fp32
            long products = qkvWidth + hidden + (moe ? 0 : 2L * ffn + hidden);
            read += 2 * products + 2 * attnWidth;
            written += 4 * products + 2 * attnWidth;
        } else {
            read += 4 * attnWidth;
            written += 2 * attnWidth;
        }
        return new Workload(tokens * read, tokens * written, 0);
    }

    /** moe_route's output (see the class comment); {@code expertIds} and {@code starts} have min(E, T·k) and one more entries. */
    public record Routing(int[] slotExpert, float[] slotWeight, int[] slotRow, int[] expertIds, int[] starts) {
    }

    /**
     * The routing of {@code tokens} tokens over {@code experts} experts, top {@code topK}: highest
     * logits first (ties to the lower expert), softmax over the chosen, slots sorted stably by expert.
     * Its weights are float64 rounded once to float; every backend must choose the same experts.
     */
    public static Routing moeRouteReference(float[] logits, int tokens, int experts, int topK) {
        int slots = tokens * topK;
        int[] slotExpert = new int[slots];
        float[] slotWeight = new float[slots];
        for (int t = 0; t < tokens; t++) {
            boolean[] taken = new boolean[experts];
            double[] chosen = new double[topK];
            for (int j = 0; j < topK; j++) {
                int best = -1;
                for (int e = 0; e < experts; e++) {
                    if (!taken[e] && (best < 0 || logits[t * experts + e] > logits[t * experts + best])) {
                        best = e;
                    }
                }
                taken[best] = true;
                slotExpert[t * topK + j] = best;
                chosen[j] = logits[t * experts + best];
            }
            double sum = 0;
            for (int j = 0; j < topK; j++) {
                sum += Math.exp(chosen[j] - chosen[0]);
            }
            for (int j = 0; j < topK; j++) {
                slotWeight[t * topK + j] = (float) (Math.exp(chosen[j] - chosen[0]) / sum);
            }
        }
        int[] count = new int[experts];
        for (int e : slotExpert) {
            count[e]++;
        }
        int listed = Math.min(experts, slots);
        int[] expertIds = new int[listed];
        int[] starts = new int[listed + 1];
        int[] next = new int[experts];
        int row = 0;
        int a = 0;
        for (int e = 0; e < experts; e++) {
            if (count[e] > 0) {
                expertIds[a] = e;
                starts[a++] = row;
            }
            next[e] = row;
            row += count[e];
        }
        Arrays.fill(starts, a, listed + 1, row);
        int[] slotRow = new int[slots];
        for (int s = 0; s < slots; s++) {
            slotRow[s] = next[slotExpert[s]]++;
        }
        return new Routing(slotExpert, slotWeight, slotRow, expertIds, starts);
    }

    /** moe_gather: row slotRow[s] of the result = row s / k of x (a copy: exact). */
    public static short[] moeGatherReference(short[] x, int[] slotRow, int tokens, int topK, int hidden) {
        short[] out = new short[tokens * topK * hidden];
        for (int s = 0; s < tokens * topK; s++) {
            System.arraycopy(x, s / topK * hidden, out, slotRow[s] * hidden, hidden);
        }
        return out;
    }

    /** moe_combine: out[t] = Σ_j weight[t·k + j] · y[slotRow[t·k + j]]. */
    public static double[] moeCombineReference(float[] y, float[] slotWeight, int[] slotRow, int tokens, int topK, int hidden) {
        double[] out = new double[tokens * hidden];
        for (int t = 0; t < tokens; t++) {
            for (int j = 0; j < topK; j++) {
                int s = t * topK + j;
                for (int c = 0; c < hidden; c++) {
                    out[t * hidden + c] += (double) slotWeight[s] * y[slotRow[s] * hidden + c];
                }
            }
        }
        return out;
    }

    /** The most experts moe_route counts (transformer_ops.cu's TC_MOE_MAX_EXPERTS: shared-memory counters). */
    public static final int MOE_MAX_EXPERTS = 1024;

    /** moe_route's buffers (see the class comment). */
    public static void checkMoeRoute(Buffer slotExpert, Buffer slotWeight, Buffer slotRow, Buffer expertIds, Buffer starts, Buffer logits,
                                     int tokens, int experts, int topK) {
        if (tokens < 1 || experts < 1 || experts > MOE_MAX_EXPERTS || topK < 1 || topK > experts) {
            throw new IllegalArgumentException("moe_route needs tokens >= 1, 1 <= experts <= " + MOE_MAX_EXPERTS + " and 1 <= top k <= experts, got "
                    + tokens + "/" + experts + "/" + topK);
        }
        long slots = (long) tokens * topK;
        long listed = Math.min(experts, slots);
        BufferChecks.require(FAMILY, "slot experts", slotExpert, DataType.U32, slots);
        BufferChecks.require(FAMILY, "slot weights", slotWeight, DataType.F32, slots);
        BufferChecks.require(FAMILY, "slot rows", slotRow, DataType.U32, slots);
        BufferChecks.require(FAMILY, "expert list", expertIds, DataType.U32, listed);
        BufferChecks.require(FAMILY, "expert starts", starts, DataType.U32, listed + 1);
        BufferChecks.require(FAMILY, "router logits", logits, DataType.F32, (long) tokens * experts);
    }

    /** moe_gather's buffers: out fp16 [T·k x hidden], x fp16 [T x hidden], slot rows U32 [T·k]. */
    public static void checkMoeGather(Buffer out, Buffer x, Buffer slotRow, int tokens, int topK, int hidden) {
        checkMoeSizes("moe_gather", tokens, topK, hidden);
        BufferChecks.require(FAMILY, "out", out, DataType.F16, (long) tokens * topK * hidden);
        BufferChecks.require(FAMILY, "x", x, DataType.F16, (long) tokens * hidden);
        BufferChecks.require(FAMILY, "slot rows", slotRow, DataType.U32, (long) tokens * topK);
    }

    /** moe_combine's buffers: out fp32 [T x hidden], y fp32 [T·k x hidden], slot weights fp32 and rows U32 [T·k]. */
    public static void checkMoeCombine(Buffer out, Buffer y, Buffer slotWeight, Buffer slotRow, int tokens, int topK, int hidden) {
        checkMoeSizes("moe_combine", tokens, topK, hidden);
        BufferChecks.require(FAMILY, "out", out, DataType.F32, (long) tokens * hidden);
        BufferChecks.require(FAMILY, "y", y, DataType.F32, (long) tokens * topK * hidden);
        BufferChecks.require(FAMILY, "slot weights", slotWeight, DataType.F32, (long) tokens * topK);
        BufferChecks.require(FAMILY, "slot rows", slotRow, DataType.U32, (long) tokens * topK);
    }

    private static void checkMoeSizes(String op, int tokens, int topK, int hidden) {
        if (tokens < 1 || topK < 1 || hidden < 1) {
            throw new IllegalArgumentException(op + " needs tokens, top k and hidden >= 1, got " + tokens + "/" + topK + "/" + hidden);
        }
    }

    private static final String FAMILY = "transformer_ops";

    /** add_rmsnorm's buffers: out fp16 [rows x hidden]; h fp32 and add fp32 (or null) [firstRow + rows x hidden]; w fp16 [hidden]. */
    public static void checkAddRmsnorm(Buffer out, Buffer h, Buffer add, Buffer w, long firstRow, int rows, int hidden) {
        if (rows < 1 || hidden < 1 || firstRow < 0) {
            throw new IllegalArgumentException("add_rmsnorm needs rows and hidden >= 1 and first_row >= 0, got " + rows + " x " + hidden
                    + " from row " + firstRow);
        }
        long through = (firstRow + rows) * hidden;
        BufferChecks.require(FAMILY, "out", out, DataType.F16, (long) rows * hidden);
        BufferChecks.require(FAMILY, "h", h, DataType.F32, through);
        if (add != null) {
            BufferChecks.require(FAMILY, "add", add, DataType.F32, through);
        }
        BufferChecks.require(FAMILY, "norm weight", w, DataType.F16, hidden);
    }

    /** rope_qkv's buffers (see the class comment); positions: U32 holding int positions below context. */
    public static void checkRope(Buffer q, Buffer kCache, Buffer vCache, Buffer qkv, Buffer positions, int rows, int tokens, int heads,
                                 int kvHeads, int headDim, int context) {
        if (rows < 1 || tokens < 1 || rows % tokens != 0 || heads < 1 || kvHeads < 1 || context < 1 || headDim < 2 || headDim % 2 != 0) {
            throw new IllegalArgumentException("rope_qkv needs rows a multiple of tokens >= 1, heads, kv_heads, context >= 1 and an even head_dim, got "
                    + rows + "/" + tokens + "/" + heads + "/" + kvHeads + "/" + headDim + "/" + context);
        }
        long seqs = rows / tokens;
        BufferChecks.require(FAMILY, "q", q, DataType.F16, (long) rows * heads * headDim);
        BufferChecks.require(FAMILY, "k cache", kCache, DataType.F16, seqs * kvHeads * context * headDim);
        BufferChecks.require(FAMILY, "v cache", vCache, DataType.F16, seqs * kvHeads * context * headDim);
        BufferChecks.require(FAMILY, "qkv", qkv, DataType.F32, (long) rows * (heads + 2L * kvHeads) * headDim);
        BufferChecks.require(FAMILY, "positions", positions, DataType.U32, rows);
    }

    /** merge_heads' buffers: out and in fp16, seqs x heads x tokens x D elements. */
    public static void checkMergeHeads(Buffer out, Buffer in, int seqs, int heads, int tokens, int headDim) {
        if (seqs < 1 || heads < 1 || tokens < 1 || headDim < 1) {
            throw new IllegalArgumentException("merge_heads needs seqs, heads, tokens, head_dim >= 1, got " + seqs + "/" + heads + "/" + tokens
                    + "/" + headDim);
        }
        long n = (long) seqs * heads * tokens * headDim;
        BufferChecks.require(FAMILY, "out", out, DataType.F16, n);
        BufferChecks.require(FAMILY, "in", in, DataType.F16, n);
    }

    /** swiglu's buffers: out fp16 [rows x F], gate_up fp32 [rows x 2F]. */
    public static void checkSwiglu(Buffer out, Buffer gateUp, long rows, int ffn) {
        if (rows < 1 || ffn < 1) {
            throw new IllegalArgumentException("swiglu needs rows and ffn >= 1, got " + rows + " x " + ffn);
        }
        BufferChecks.require(FAMILY, "out", out, DataType.F16, rows * ffn);
        BufferChecks.require(FAMILY, "gate_up", gateUp, DataType.F32, rows * 2 * ffn);
    }

    /** to_half's buffers: out fp16 and in fp32, n elements; to_float's the other way round. */
    public static void checkConvert(Buffer out, Buffer in, long n) {
        boolean toHalf = out.type() == DataType.F16;
        BufferChecks.require(FAMILY, "out", out, toHalf ? DataType.F16 : DataType.F32, n);
        BufferChecks.require(FAMILY, "in", in, toHalf ? DataType.F32 : DataType.F16, n);
    }
}
