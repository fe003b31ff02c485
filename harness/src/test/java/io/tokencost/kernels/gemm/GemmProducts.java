package io.tokencost.kernels.gemm;

import io.tokencost.backend.DataType;
import io.tokencost.backend.Session;
import io.tokencost.kernels.FloatTypes;
import io.tokencost.kernels.Tolerance;

import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs one gemm on a backend and checks it element by element, tighter than the contract's norm:
 * each C element within its own error bound (fp32 accumulation, then one rounding to the type),
 * and nothing written past C (the buffer has a poisoned tail that must stay NaN).
 */
public final class GemmProducts {

    /** Elements after C's m x n that the kernel must not touch. */
    static final int TAIL = 97;

    private GemmProducts() {
    }

    /** Unit roundoff of C's type: half an ulp, relative. */
    static double outputRounding(DataType type) {
        return switch (type) {
            case F16 -> 0x1p-11;
            case BF16 -> 0x1p-8;
            default -> 0;
        };
    }

    /** Runs C = A·Bᵀ on fresh random inputs, asserts every element's bound; returns the norm-relative error. */
    public static double check(Session session, DataType type, int m, int n, int k, RandomGenerator random) {
        Object a = FloatTypes.random(type, m * k, random);
        Object b = FloatTypes.random(type, n * k, random);
        Object c = GemmCheck.run(session, type, a, b, m, n, k, TAIL);
        String what = FloatTypes.id(type) + " m=" + m + " n=" + n + " k=" + k;
        float[] out = FloatTypes.toFloats(type, c, m * n + TAIL);
        for (int i = m * n; i < out.length; i++) {
            assertTrue(Float.isNaN(out[i]), what + ": wrote past C at element " + i);
        }
        double[] ref = Gemm.reference(type, a, b, m, n, k);
        double gamma = k * 0x1p-24;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double magnitude = 0;
                for (int p = 0; p < k; p++) {
                    magnitude += Math.abs((double) FloatTypes.value(type, a, i * k + p) * FloatTypes.value(type, b, j * k + p));
                }
                double r = ref[i * n + j];
                double bound = outputRounding(type) * Math.abs(r) + 2 * gamma * magnitude + 0x1p-24;
                double got = out[i * n + j];
                assertTrue(Math.abs(got - r) <= bound, what + ": C[" + i + "][" + j + "] = " + got + ", reference " + r + " (bound " + bound + ")");
            }
        }
        float[] inside = java.util.Arrays.copyOf(out, m * n);
        return Tolerance.relativeError(inside, ref);
    }
}
