package io.tokencost.kernels;

/**
 * Java twin of kernels/mma_probe.cu: one m16n8k16 tensor-core tile, D = A·B + C, with A fp16
 * [16 x 16] row-major, B fp16 stored column-major ([8 x 16], b[n·16 + k]), C and D fp32 [16 x 8].
 */
public final class MmaProbe {

    public static final int M = 16;
    public static final int N = 8;
    public static final int K = 16;

    private MmaProbe() {
    }

    /** The product in float64 from the fp16 inputs. */
    public static double[] reference(short[] a, short[] b, float[] c) {
        double[] d = new double[M * N];
        for (int row = 0; row < M; row++) {
            for (int n = 0; n < N; n++) {
                double sum = c[row * N + n];
                for (int k = 0; k < K; k++) {
                    sum += (double) Half.toFloat(a[row * K + k]) * Half.toFloat(b[n * K + k]);
                }
                d[row * N + n] = sum;
            }
        }
        return d;
    }
}
