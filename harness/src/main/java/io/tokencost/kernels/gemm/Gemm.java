package io.tokencost.kernels.gemm;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.kernels.BufferChecks;
import io.tokencost.kernels.FloatTypes;
import io.tokencost.kernels.Tolerance;
import io.tokencost.measure.Workload;

import java.util.List;

/**
 * Java twin of kernels/gemm.cu: dense matrix products, the prefill step's linear layers. The one
 * place their layout is defined; the CUDA kernels, the emulation and the CPU kernel read it so.
 *
 * <pre>
 * C[m][n] = sum_k A[m][k] * B[n][k]      m < M (tokens), n < N (output features), k < K
 * A [M x K] row-major (activations)      B [N x K] row-major (weights, nn.Linear's layout)
 * C [M x N] row-major
 * fp16, bf16: A, B, C of that type; products and sums in fp32, C rounded once (tensor cores)
 * fp32:       A, B, C fp32 (CUDA cores)
 * </pre>
 */
public final class Gemm {

    /** The element types the family implements, tensor-core types first. */
    public static final List<DataType> TYPES = List.of(DataType.F16, DataType.BF16, DataType.F32);

    private Gemm() {
    }

    /** The relative-error bound for the type ({@link Tolerance}). */
    public static double tolerance(DataType type) {
        return type == DataType.F32 ? Tolerance.FP32 : Tolerance.FP16;
    }

    /** Rejects shapes the layout cannot hold, with a message naming the rule. */
    public static void checkShape(DataType type, int m, int n, int k) {
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("gemm does not implement " + type + " (fp16, bf16, fp32)");
        }
        if (m < 1 || n < 1 || k < 1) {
            throw new IllegalArgumentException("gemm needs m, n, k >= 1, got m=" + m + " n=" + n + " k=" + k);
        }
        long most = Math.max((long) m * n, Math.max((long) m * k, (long) n * k));
        if (most > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("gemm " + m + "x" + n + "x" + k + " has a matrix beyond one Java array");
        }
    }

    /** Bytes and FLOPs of one product: A and B read once, C written once (the roofline's ideal). */
    public static Workload workload(DataType type, int m, int n, int k) {
        long e = type.bytes();
        return new Workload(e * ((long) m * k + (long) n * k), e * m * n, 2L * m * n * k);
    }

    /** Checks the three buffers' types and sizes (at least what the shape needs). Every backend calls this. */
    public static void checkBuffers(DataType type, Buffer c, Buffer a, Buffer b, int m, int n, int k) {
        checkShape(type, m, n, k);
        BufferChecks.require("gemm", "c", c, type, (long) m * n);
        BufferChecks.require("gemm", "a", a, type, (long) m * k);
        BufferChecks.require("gemm", "b", b, type, (long) n * k);
    }

    /** The reference: inputs exactly as stored, products summed in float64, no rounding of C. */
    public static double[] reference(DataType type, Object a, Object b, int m, int n, int k) {
        checkShape(type, m, n, k);
        double[] ad = toDoubles(type, a, m * k);
        double[] bd = toDoubles(type, b, n * k);
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += ad[i * k + p] * bd[j * k + p];
                }
                c[i * n + j] = sum;
            }
        }
        return c;
    }

    private static double[] toDoubles(DataType type, Object array, int count) {
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            out[i] = FloatTypes.value(type, array, i);
        }
        return out;
    }
}
