package io.tokencost.kernels.gemm;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.backend.cpu.CpuBuffer;
import io.tokencost.backend.cpu.CpuParallel;
import io.tokencost.kernels.CpuScratch;
import io.tokencost.kernels.CpuVectors;
import io.tokencost.kernels.FloatTypes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast CPU twin of kernels/gemm.cu, in {@link Gemm}'s layout, the BLIS way: A is packed once
 * into fp32 strips of {@value #MR} rows stored k-major (so a micro-kernel step broadcasts MR
 * consecutive floats); C is split over the cores in blocks of {@value #MC_STRIPS} strips by
 * {@link #NC} columns; each block walks K in slices of {@value #KC}, packing B's slice transposed
 * into fp32 (KC x NC, L2 resident) and running an MR x 2-vector micro-kernel (12 fp32 vector
 * accumulators, 2 loads and 6 broadcasts per 12 FMAs) over each of its strips. Sums are fp32, as
 * the GPU kernels'; fp16 and bf16 inputs convert to fp32 exactly as they are packed, and C is
 * rounded once to the type.
 */
final class CpuGemm implements GemmKernels {

    private static final VectorSpecies<Float> F = CpuVectors.F;
    private static final int L = CpuVectors.L;
    /** Where a packed B slice's data starts (on a line): its two vector loads per step are the micro-kernel's only ones. */
    private static final int S = CpuScratch.START;
    /** Rows of the micro-tile. */
    static final int MR = 6;
    /** Columns of the micro-tile: two vectors. */
    static final int NR = 2 * L;
    /** Columns of C per task: 256 on AVX-512, 128 on AVX2. */
    static final int NC = 8 * NR;
    /** K per packed B slice: KC x NC floats = 256 KiB (AVX-512), in L2 while every strip uses it. */
    static final int KC = 256;
    /**
     * Strips per M block (6144 rows): bounds a task's accumulators (MC x NC floats, 6 MiB) for tall
     * matrices, while prompt-sized M stays one block, so B's slices are packed once.
     */
    static final int MC_STRIPS = 1024;

    private final CpuParallel parallel;
    /** A packed (the calling thread's); each worker's packed B slice, accumulators and converted row ({@link CpuScratch}). */
    private final CpuScratch packedA = new CpuScratch(1);
    private final CpuScratch packedB;
    private final CpuScratch accumulators;
    private final CpuScratch rows;

    CpuGemm(CpuParallel parallel) {
        this.parallel = parallel;
        packedB = new CpuScratch(parallel.threads());
        accumulators = new CpuScratch(parallel.threads());
        rows = new CpuScratch(parallel.threads());
    }

    @Override
    public void gemm(DataType type, Buffer c, Buffer a, Buffer b, int m, int n, int k) {
        Gemm.checkBuffers(type, c, a, b, m, n, k);
        Object aa = CpuBuffer.array(a, type);
        Object bb = CpuBuffer.array(b, type);
        Object cc = CpuBuffer.array(c, type);
        int strips = (m + MR - 1) / MR;
        if ((long) strips * MR * k > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("gemm on the CPU packs A as " + strips * MR + " x " + k + " floats: beyond one Java array");
        }
        float[] ap = packA(type, aa, m, k, strips);
        int mBlocks = (strips + MC_STRIPS - 1) / MC_STRIPS;
        int nBlocks = (n + NC - 1) / NC;
        // tasks are (M block, N block) pairs: enough for every core, and acc stays MC x NC
        parallel.forRange(mBlocks * nBlocks, 1, (worker, from, to) -> {
            if (from >= to) {
                return;   // an idle worker allocates nothing
            }
            float[] bp = packedB.floats(worker, KC * NC);
            // a prompt's M needs a few strips: an MC-sized acc (6 MiB, a G1 humongous object) zeroed per N block cost more than the block
            float[] acc = accumulators.floats(worker, Math.min(strips, MC_STRIPS) * MR * NC);
            float[] row = rows.floats(worker, KC);
            for (int task = from; task < to; task++) {
                int s0 = (task / nBlocks) * MC_STRIPS;
                multiplyBlock(type, ap, bb, cc, m, n, k, s0, Math.min(strips, s0 + MC_STRIPS), (task % nBlocks) * NC, bp, acc, row);
            }
        });
    }

    /** A as fp32 strips: ap[(s * k + p) * MR + r] = A[s * MR + r][p], zero for rows past m. */
    private float[] packA(DataType type, Object a, int m, int k, int strips) {
        float[] ap = packedA.floats(Math.multiplyExact(strips * MR, k));
        parallel.forRange(strips, 1, (worker, from, to) -> {
            if (from >= to) {
                return;   // an idle worker allocates nothing
            }
            float[] row = rows.floats(worker, k);
            for (int s = from; s < to; s++) {
                for (int r = 0; r < MR; r++) {
                    int base = s * k * MR + r;
                    if (s * MR + r >= m) {
                        for (int p = 0; p < k; p++) {
                            ap[base + p * MR] = 0f;   // a reused array holds the last launch's rows
                        }
                        continue;
                    }
                    CpuVectors.toFloats(type, a, (s * MR + r) * k, k, row);
                    for (int p = 0; p < k; p++) {
                        ap[base + p * MR] = row[p];
                    }
                }
            }
        });
        return ap;
    }

    /** Rows of strips s0 .. s1 and columns j0 .. j0 + NC of C. */
    private static void multiplyBlock(DataType type, float[] ap, Object b, Object c, int m, int n, int k, int s0, int s1, int j0,
                                      float[] bp, float[] acc, float[] row) {
        int nb = Math.min(NC, n - j0);
        java.util.Arrays.fill(acc, 0, (s1 - s0) * MR * NC, 0f);
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            // B's slice transposed: bp[S + p * NC + j] = B[j0 + j][p0 + p], zero past n; from S, so each row of it is on a line
            for (int j = 0; j < NC; j++) {
                if (j < nb) {
                    CpuVectors.toFloats(type, b, (j0 + j) * k + p0, kc, row);
                    for (int p = 0; p < kc; p++) {
                        bp[S + p * NC + j] = row[p];
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        bp[S + p * NC + j] = 0f;
                    }
                }
            }
            for (int jv = 0; jv < nb; jv += NR) {
                for (int s = s0; s < s1; s++) {
                    microKernel(ap, (s * k + p0) * MR, kc, bp, S + jv, acc, (s - s0) * MR * NC + jv);
                }
            }
        }
        for (int i = s0 * MR; i < Math.min(m, s1 * MR); i++) {
            int out = i * n + j0;
            int in = (i - s0 * MR) * NC;
            if (type == DataType.F32) {
                System.arraycopy(acc, in, (float[]) c, out, nb);
            } else {
                short[] h = (short[]) c;
                for (int j = 0; j < nb; j++) {
                    h[out + j] = FloatTypes.fromFloat(type, acc[in + j]);
                }
            }
        }
    }

    /** acc[MR rows x 2 vectors at cOff, row stride NC] += Ap strip slice (kc x MR) x Bp's NR columns at bOff (row stride NC). */
    private static void microKernel(float[] ap, int aOff, int kc, float[] bp, int bOff, float[] acc, int cOff) {
        FloatVector c00 = FloatVector.fromArray(F, acc, cOff);
        FloatVector c01 = FloatVector.fromArray(F, acc, cOff + L);
        FloatVector c10 = FloatVector.fromArray(F, acc, cOff + NC);
        FloatVector c11 = FloatVector.fromArray(F, acc, cOff + NC + L);
        FloatVector c20 = FloatVector.fromArray(F, acc, cOff + 2 * NC);
        FloatVector c21 = FloatVector.fromArray(F, acc, cOff + 2 * NC + L);
        FloatVector c30 = FloatVector.fromArray(F, acc, cOff + 3 * NC);
        FloatVector c31 = FloatVector.fromArray(F, acc, cOff + 3 * NC + L);
        FloatVector c40 = FloatVector.fromArray(F, acc, cOff + 4 * NC);
        FloatVector c41 = FloatVector.fromArray(F, acc, cOff + 4 * NC + L);
        FloatVector c50 = FloatVector.fromArray(F, acc, cOff + 5 * NC);
        FloatVector c51 = FloatVector.fromArray(F, acc, cOff + 5 * NC + L);
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(F, bp, p * NC + bOff);
            FloatVector b1 = FloatVector.fromArray(F, bp, p * NC + bOff + L);
            int ai = aOff + p * MR;
            FloatVector a = FloatVector.broadcast(F, ap[ai]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(F, ap[ai + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(F, ap[ai + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(F, ap[ai + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(F, ap[ai + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(F, ap[ai + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
        }
        c00.intoArray(acc, cOff);
        c01.intoArray(acc, cOff + L);
        c10.intoArray(acc, cOff + NC);
        c11.intoArray(acc, cOff + NC + L);
        c20.intoArray(acc, cOff + 2 * NC);
        c21.intoArray(acc, cOff + 2 * NC + L);
        c30.intoArray(acc, cOff + 3 * NC);
        c31.intoArray(acc, cOff + 3 * NC + L);
        c40.intoArray(acc, cOff + 4 * NC);
        c41.intoArray(acc, cOff + 4 * NC + L);
        c50.intoArray(acc, cOff + 5 * NC);
        c51.intoArray(acc, cOff + 5 * NC + L);
    }

}
