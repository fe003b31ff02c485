package io.tokencost.kernels.attentiondecode;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.cpu.CpuBuffer;
import io.tokencost.backend.cpu.CpuParallel;
import io.tokencost.kernels.CpuScratch;
import io.tokencost.kernels.CpuVectors;
import io.tokencost.kernels.Half;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast CPU twin of kernels/attention_decode.cu, in {@link AttentionDecode}'s layouts: the
 * (sequence, kv head) pairs split over the cores; each pair streams its K and V rows from memory
 * once, in tiles of {@value #TILE}, serving its group's q heads four at a time from each row (a
 * group of 8 takes a tile twice, the second time from cache): scores by vector
 * dot products (each K vector converted once, in registers), an online softmax per head
 * (exponentials a vector at a time), then p·V with the accumulators in registers across the
 * tile's rows. No workspace.
 */
final class CpuAttentionDecode implements AttentionDecodeKernels {

    private static final VectorSpecies<Float> F = CpuVectors.F;
    private static final int L = CpuVectors.L;
    /** Where a head's q starts in its array (on a line): four q vectors are loaded per K vector. */
    private static final int S = CpuScratch.START;
    /** Context rows per tile: the tile's scores (group x TILE floats) stay in L1. */
    static final int TILE = 256;

    private final CpuParallel parallel;
    /** Each worker's arrays, kept from launch to launch while the head layout stays (see {@link CpuScratch} for why). */
    private final Scratch[] scratch;

    CpuAttentionDecode(CpuParallel parallel) {
        this.parallel = parallel;
        this.scratch = new Scratch[parallel.threads()];
    }

    @Override
    public long workspaceElements(AttentionDecode.Shape shape) {
        return 0;
    }

    @Override
    public void decode(AttentionDecode.KvFormat kv, Buffer o, Buffer q, Buffer k, Buffer v, Buffer kScales, Buffer vScales,
                       Buffer table, Buffer workspace, AttentionDecode.Shape s) {
        AttentionDecode.checkBuffers(kv, o, q, k, v, kScales, vScales, table, s);
        int[] pages = table == null ? null : CpuBuffer.ints(table);
        float[] out = CpuBuffer.floats(o);
        short[] qh = CpuBuffer.halves(q);
        Object kc = CpuBuffer.array(k, kv.type());
        Object vc = CpuBuffer.array(v, kv.type());
        short[] ks = kScales == null ? null : CpuBuffer.halves(kScales);
        short[] vs = vScales == null ? null : CpuBuffer.halves(vScales);
        parallel.forRange(s.batch() * s.kvHeads(), 1, (worker, from, to) -> {
            if (from >= to) {
                return;   // an idle worker allocates nothing
            }
            Scratch w = scratch[worker];
            if (w == null || !w.fits(s)) {
                w = new Scratch(s);
                scratch[worker] = w;
            }
            for (int pair = from; pair < to; pair++) {
                attend(s, pair, out, qh, kc, vc, ks, vs, pages, w);
            }
        });
    }

    /** One thread's working arrays. */
    private static final class Scratch {
        /** Each head's scaled q, from {@link #S}. */
        final float[][] q;
        final float[][] acc;
        final float[][] p;
        final float[] max;
        final float[] sum;
        /** The cache row of each of the tile's tokens. */
        final int[] rows = new int[TILE];

        Scratch(AttentionDecode.Shape s) {
            q = new float[s.group()][S + s.headDim()];
            acc = new float[s.group()][s.headDim()];
            p = new float[s.group()][TILE];
            max = new float[s.group()];
            sum = new float[s.group()];
        }

        /** Sized for this shape's group and head_dim (attend sets every value it reads). */
        boolean fits(AttentionDecode.Shape s) {
            return q.length == s.group() && q[0].length == S + s.headDim();
        }
    }

    /** Sequence b, kv head kvh (pair = b * kv_heads + kvh): its group's q heads over its whole cache. */
    private static void attend(AttentionDecode.Shape s, int pair, float[] out, short[] qh, Object k, Object v, short[] ks,
                               short[] vs, int[] table, Scratch w) {
        int d = s.headDim();
        int group = s.group();
        int firstHead = pair * group;   // = (b * heads + kvh * group): heads of one sequence are contiguous
        int rowBase = pair * s.context();
        float scale = (float) (1 / Math.sqrt(d));
        for (int g = 0; g < group; g++) {
            for (int i = 0; i < d; i++) {
                w.q[g][S + i] = Half.toFloat(qh[(firstHead + g) * d + i]) * scale;
            }
            java.util.Arrays.fill(w.acc[g], 0f);
            w.max[g] = Float.NEGATIVE_INFINITY;
            w.sum[g] = 0;
        }
        for (int t0 = 0; t0 < s.context(); t0 += TILE) {
            int rows = Math.min(TILE, s.context() - t0);
            for (int r = 0; r < rows; r++) {
                w.rows[r] = table == null ? rowBase + t0 + r : pagedRow(s, table, pair, t0 + r);
            }
            for (int g0 = 0; g0 < group; g0 += 4) {
                scores(k, ks, rows, d, w, g0, group);
            }
            for (int g = 0; g < group; g++) {
                float[] p = w.p[g];
                float tileMax = Float.NEGATIVE_INFINITY;
                for (int r = 0; r < rows; r++) {
                    tileMax = Math.max(tileMax, p[r]);
                }
                float newMax = Math.max(w.max[g], tileMax);
                float alpha = (float) Math.exp(w.max[g] - newMax);   // 0 on the first tile
                w.max[g] = newMax;
                float tileSum = CpuVectors.expInPlace(p, rows, newMax);
                w.sum[g] = w.sum[g] * alpha + tileSum;
                scale(w.acc[g], alpha, d);
                if (vs != null) {
                    for (int r = 0; r < rows; r++) {
                        p[r] *= Half.toFloat(vs[w.rows[r]]);
                    }
                }
            }
            for (int g0 = 0; g0 < group; g0 += 4) {
                weightedValues(v, rows, d, w, g0, group);
            }
        }
        for (int g = 0; g < group; g++) {
            float inv = 1 / w.sum[g];
            int at = (firstHead + g) * d;
            for (int i = 0; i < d; i++) {
                out[at + i] = w.acc[g][i] * inv;
            }
        }
    }

    /** The pool row of token t of (sequence, kv head) {@code pair} in a paged cache. */
    private static int pagedRow(AttentionDecode.Shape s, int[] table, int pair, int t) {
        int b = pair / s.kvHeads();
        int kvh = pair % s.kvHeads();
        int page = table[b * AttentionDecode.pagesPerSequence(s) + t / AttentionDecode.PAGE_SIZE];
        return (page * s.kvHeads() + kvh) * AttentionDecode.PAGE_SIZE + t % AttentionDecode.PAGE_SIZE;
    }

    /**
     * Scores of q heads g0 .. g0+3 (those below {@code group}) for the tile's rows (w.rows): each K
     * vector converted once, in registers, and multiplied into four accumulators (heads past the
     * group repeat the last one; their results are dropped).
     */
    private static void scores(Object k, short[] ks, int rows, int d, Scratch w, int g0, int group) {
        float[] q0 = w.q[g0];
        float[] q1 = w.q[Math.min(g0 + 1, group - 1)];
        float[] q2 = w.q[Math.min(g0 + 2, group - 1)];
        float[] q3 = w.q[Math.min(g0 + 3, group - 1)];
        for (int r = 0; r < rows; r++) {
            int at = w.rows[r] * d;
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            for (int i = 0; i < d; i += L) {
                FloatVector kv = chunk(k, at + i);
                a0 = FloatVector.fromArray(F, q0, S + i).fma(kv, a0);
                a1 = FloatVector.fromArray(F, q1, S + i).fma(kv, a1);
                a2 = FloatVector.fromArray(F, q2, S + i).fma(kv, a2);
                a3 = FloatVector.fromArray(F, q3, S + i).fma(kv, a3);
            }
            float kScale = ks == null ? 1f : Half.toFloat(ks[w.rows[r]]);
            w.p[g0][r] = a0.reduceLanes(VectorOperators.ADD) * kScale;
            if (g0 + 1 < group) {
                w.p[g0 + 1][r] = a1.reduceLanes(VectorOperators.ADD) * kScale;
            }
            if (g0 + 2 < group) {
                w.p[g0 + 2][r] = a2.reduceLanes(VectorOperators.ADD) * kScale;
            }
            if (g0 + 3 < group) {
                w.p[g0 + 3][r] = a3.reduceLanes(VectorOperators.ADD) * kScale;
            }
        }
    }

    /**
     * acc[g] += sum_r p[g][r] V[r] for heads g0 .. g0+3, a vector of dims at a time: the four
     * accumulators stay in registers over the tile's rows (whose V chunks come from L1/L2 after
     * the first), so acc is loaded and stored once per tile.
     */
    private static void weightedValues(Object v, int rows, int d, Scratch w, int g0, int group) {
        float[] p0 = w.p[g0];
        float[] p1 = w.p[Math.min(g0 + 1, group - 1)];
        float[] p2 = w.p[Math.min(g0 + 2, group - 1)];
        float[] p3 = w.p[Math.min(g0 + 3, group - 1)];
        for (int i = 0; i < d; i += L) {
            FloatVector a0 = FloatVector.fromArray(F, w.acc[g0], i);
            FloatVector a1 = FloatVector.fromArray(F, w.acc[Math.min(g0 + 1, group - 1)], i);
            FloatVector a2 = FloatVector.fromArray(F, w.acc[Math.min(g0 + 2, group - 1)], i);
            FloatVector a3 = FloatVector.fromArray(F, w.acc[Math.min(g0 + 3, group - 1)], i);
            for (int r = 0; r < rows; r++) {
                FloatVector vv = chunk(v, w.rows[r] * d + i);
                a0 = vv.fma(FloatVector.broadcast(F, p0[r]), a0);
                a1 = vv.fma(FloatVector.broadcast(F, p1[r]), a1);
                a2 = vv.fma(FloatVector.broadcast(F, p2[r]), a2);
                a3 = vv.fma(FloatVector.broadcast(F, p3[r]), a3);
            }
            // heads past the group repeated the last one: not stored
            if (g0 + 3 < group) {
                a3.intoArray(w.acc[g0 + 3], i);
            }
            if (g0 + 2 < group) {
                a2.intoArray(w.acc[g0 + 2], i);
            }
            if (g0 + 1 < group) {
                a1.intoArray(w.acc[g0 + 1], i);
            }
            a0.intoArray(w.acc[g0], i);
        }
    }

    /** One vector of K or V elements from {@code offset}, as floats (int8: the codes). */
    private static FloatVector chunk(Object cache, int offset) {
        if (cache instanceof short[] h) {
            return CpuVectors.halvesToScaledFloats(h, offset).mul(CpuVectors.FP16_X_SCALE);
        }
        return (FloatVector) ByteVector.fromArray(CpuVectors.B, (byte[]) cache, offset).castShape(F, 0);
    }

    private static void scale(float[] acc, float alpha, int d) {
        for (int i = 0; i < d; i += L) {
            FloatVector.fromArray(F, acc, i).mul(alpha).intoArray(acc, i);
        }
    }

}
