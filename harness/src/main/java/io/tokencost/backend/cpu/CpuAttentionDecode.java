package io.tokencost.backend.cpu;

import io.tokencost.backend.Buffer;
import io.tokencost.kernels.AttentionDecode;
import io.tokencost.kernels.AttentionDecodeKernels;
import io.tokencost.kernels.Half;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast CPU twin of kernels/attention_decode.cu, in {@link AttentionDecode}'s layouts: the
 * (sequence, kv head) pairs split over the cores; each pair streams its K and V rows once, in tiles
 * of {@value #TILE}, serving all of its group's q heads from each row: scores by vector dot
 * products, an online softmax per head (exponentials a vector at a time), then p·V as vector FMAs
 * into fp32 accumulators. No workspace.
 */
final class CpuAttentionDecode implements AttentionDecodeKernels {

    private static final VectorSpecies<Float> F = CpuVectors.F;
    private static final int L = CpuVectors.L;
    /** Context rows per tile: the tile's scores (group x TILE floats) stay in L1. */
    static final int TILE = 256;

    private final CpuParallel parallel;

    CpuAttentionDecode(CpuParallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public long workspaceElements(AttentionDecode.Shape shape) {
        return 0;
    }

    @Override
    public void decode(AttentionDecode.KvFormat kv, Buffer o, Buffer q, Buffer k, Buffer v, Buffer kScales, Buffer vScales,
                       Buffer workspace, AttentionDecode.Shape s) {
        AttentionDecode.checkBuffers(kv, o, q, k, v, kScales, vScales, s);
        float[] out = CpuBuffer.floats(o);
        short[] qh = CpuBuffer.halves(q);
        Object kc = CpuBuffer.array(k, kv.type());
        Object vc = CpuBuffer.array(v, kv.type());
        short[] ks = kScales == null ? null : CpuBuffer.halves(kScales);
        short[] vs = vScales == null ? null : CpuBuffer.halves(vScales);
        parallel.forRange(s.batch() * s.kvHeads(), 1, (worker, from, to) -> {
            Scratch scratch = new Scratch(s);
            for (int pair = from; pair < to; pair++) {
                attend(s, pair, out, qh, kc, vc, ks, vs, scratch);
            }
        });
    }

    /** One thread's working arrays. */
    private static final class Scratch {
        final float[][] q;
        final float[][] acc;
        final float[][] p;
        final float[] row;
        final float[] max;
        final float[] sum;

        Scratch(AttentionDecode.Shape s) {
            q = new float[s.group()][s.headDim()];
            acc = new float[s.group()][s.headDim()];
            p = new float[s.group()][TILE];
            row = new float[s.headDim()];
            max = new float[s.group()];
            sum = new float[s.group()];
        }
    }

    /** Sequence b, kv head kvh (pair = b * kv_heads + kvh): its group's q heads over its whole cache. */
    private static void attend(AttentionDecode.Shape s, int pair, float[] out, short[] qh, Object k, Object v, short[] ks,
                               short[] vs, Scratch w) {
        int d = s.headDim();
        int group = s.group();
        int firstHead = pair * group;   // = (b * heads + kvh * group): heads of one sequence are contiguous
        int rowBase = pair * s.context();
        float scale = (float) (1 / Math.sqrt(d));
        for (int g = 0; g < group; g++) {
            for (int i = 0; i < d; i++) {
                w.q[g][i] = Half.toFloat(qh[(firstHead + g) * d + i]) * scale;
            }
            java.util.Arrays.fill(w.acc[g], 0f);
            w.max[g] = Float.NEGATIVE_INFINITY;
            w.sum[g] = 0;
        }
        for (int t0 = 0; t0 < s.context(); t0 += TILE) {
            int rows = Math.min(TILE, s.context() - t0);
            for (int r = 0; r < rows; r++) {
                int t = rowBase + t0 + r;
                loadRow(k, t * d, d, w.row);
                float kScale = ks == null ? 1f : Half.toFloat(ks[t]);
                for (int g = 0; g < group; g++) {
                    w.p[g][r] = dot(w.q[g], w.row, d) * kScale;
                }
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
                float tileSum = expInPlace(p, rows, newMax);
                w.sum[g] = w.sum[g] * alpha + tileSum;
                scale(w.acc[g], alpha, d);
                if (vs != null) {
                    for (int r = 0; r < rows; r++) {
                        p[r] *= Half.toFloat(vs[rowBase + t0 + r]);
                    }
                }
            }
            for (int r = 0; r < rows; r++) {
                loadRow(v, (rowBase + t0 + r) * d, d, w.row);
                for (int g = 0; g < group; g++) {
                    axpy(w.p[g][r], w.row, w.acc[g], d);
                }
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

    /** Row of D elements from {@code offset} as floats (int8: the codes). */
    private static void loadRow(Object cache, int offset, int d, float[] row) {
        if (cache instanceof short[] h) {
            CpuVectors.halvesToFloats(h, offset, d, row);
        } else {
            byte[] b = (byte[]) cache;
            for (int i = 0; i < d; i++) {
                row[i] = b[offset + i];
            }
        }
    }

    /** D is 64 or 128: a whole number of vectors. */
    private static float dot(float[] a, float[] b, int d) {
        FloatVector acc = FloatVector.zero(F);
        for (int i = 0; i < d; i += L) {
            acc = FloatVector.fromArray(F, a, i).fma(FloatVector.fromArray(F, b, i), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** p[r] = exp(p[r] - max) for r < rows; returns their sum. */
    private static float expInPlace(float[] p, int rows, float max) {
        FloatVector sum = FloatVector.zero(F);
        int r = 0;
        for (; r <= rows - L; r += L) {
            FloatVector e = FloatVector.fromArray(F, p, r).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(p, r);
            sum = sum.add(e);
        }
        float total = sum.reduceLanes(VectorOperators.ADD);
        for (; r < rows; r++) {
            p[r] = (float) Math.exp(p[r] - max);
            total += p[r];
        }
        return total;
    }

    private static void scale(float[] acc, float alpha, int d) {
        for (int i = 0; i < d; i += L) {
            FloatVector.fromArray(F, acc, i).mul(alpha).intoArray(acc, i);
        }
    }

    private static void axpy(float a, float[] x, float[] y, int d) {
        FloatVector av = FloatVector.broadcast(F, a);
        for (int i = 0; i < d; i += L) {
            av.fma(FloatVector.fromArray(F, x, i), FloatVector.fromArray(F, y, i)).intoArray(y, i);
        }
    }
}
