package io.tokencost.kernels.mmaprobe;

import io.tokencost.kernels.Half;

/**
 * Java twin of kernels/mma_probe.cu: one m16n8k16 tensor-core tile, D = A·B + C, with A fp16
 * [16 x 16] row-major, B fp16 stored column-major ([8 x 16], b[n·16 + k]), C and D fp32 [16 x 8];
 * and the fragments ldmatrix .x4 and .x4.trans hand each lane from four 8x8 matrices.
 */
public final class MmaProbe {

    public static final int M = 16;
    public static final int N = 8;
    public static final int K = 16;

    private MmaProbe() {
    }

    /** Elements in the four 8x8 matrices ldmatrix .x4 reads: matrix i row r col c at 64 i + 8 r + c. */
    public static final int LDMATRIX_ELEMENTS = 4 * 64;

    /**
     * What ldmatrix hands lane l in r[i] (out[4 l + i]), by the PTX ISA's "Matrix fragments for
     * ldmatrix": .x4 gives row l / 4 of matrix i, columns 2 (l % 4) and 2 (l % 4) + 1 (the lower
     * column in the low half); .x4.trans gives column l / 4 of matrix i, rows 2 (l % 4) and
     * 2 (l % 4) + 1 (the lower row in the low half).
     */
    public static int[] ldmatrixReference(short[] in, boolean trans) {
        int[] out = new int[32 * 4];
        for (int lane = 0; lane < 32; lane++) {
            for (int i = 0; i < 4; i++) {
                int lo;
                int hi;
                if (trans) {
                    lo = in[64 * i + 8 * (2 * (lane % 4)) + lane / 4];
                    hi = in[64 * i + 8 * (2 * (lane % 4) + 1) + lane / 4];
                } else {
                    lo = in[64 * i + 8 * (lane / 4) + 2 * (lane % 4)];
                    hi = in[64 * i + 8 * (lane / 4) + 2 * (lane % 4) + 1];
                }
                out[4 * lane + i] = (lo & 0xffff) | (hi & 0xffff) << 16;
            }
        }
        return out;
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
