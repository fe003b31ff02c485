package io.tokencost.kernels.attentionprefill;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.backend.cpu.CpuBuffer;
import io.tokencost.backend.cpu.CpuParallel;
import io.tokencost.kernels.CpuScratch;
import io.tokencost.kernels.CpuVectors;
import io.tokencost.kernels.FloatTypes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The CPU twin of kernels/attention_prefill.cu, in {@link AttentionPrefill}'s layouts: the
 * (sequence, q head) pairs split over the cores; each converts its kv head's K and V to fp32 once,
 * then for every query row takes vector dot products with the keys up to it, an exact softmax
 * (exponentials a vector at a time) and p·V as vector FMAs. fp32 throughout; o rounded once.
 */
final class CpuAttentionPrefill implements AttentionPrefillKernels {

    private static final VectorSpecies<Float> F = CpuVectors.F;
    private static final int L = CpuVectors.L;
    /** Where K, V, the query row and the accumulator start in their arrays (on a line); the scores start at 0. */
    private static final int S = CpuScratch.START;

    private final CpuParallel parallel;
    /** Each worker's K and V of its current kv head as floats, its query row, accumulator and scores ({@link CpuScratch}). */
    private final CpuScratch kFloats;
    private final CpuScratch vFloats;
    private final CpuScratch query;
    private final CpuScratch accumulator;
    private final CpuScratch scores;

    CpuAttentionPrefill(CpuParallel parallel) {
        this.parallel = parallel;
        int threads = parallel.threads();
        kFloats = new CpuScratch(threads);
        vFloats = new CpuScratch(threads);
        query = new CpuScratch(threads);
        accumulator = new CpuScratch(threads);
        scores = new CpuScratch(threads);
    }

    @Override
    public void prefill(DataType type, Buffer o, Buffer q, Buffer k, Buffer v, AttentionPrefill.Shape s) {
        AttentionPrefill.checkBuffers(type, o, q, k, v, s);
        short[] out = (short[]) CpuBuffer.array(o, type);
        short[] qh = (short[]) CpuBuffer.array(q, type);
        short[] kh = (short[]) CpuBuffer.array(k, type);
        short[] vh = (short[]) CpuBuffer.array(v, type);
        int d = s.headDim();
        int group = s.heads() / s.kvHeads();
        parallel.forRange(s.batch() * s.heads(), 1, (worker, from, to) -> {
            if (from >= to) {
                return;   // an idle worker allocates nothing
            }
            float[] kf = kFloats.floats(worker, s.seq() * d);
            float[] vf = vFloats.floats(worker, s.seq() * d);
            float[] qf = query.floats(worker, d);
            float[] acc = accumulator.floats(worker, d);
            float[] p = scores.floats(worker, s.seq());
            int loaded = -1;
            for (int pair = from; pair < to; pair++) {
                int b = pair / s.heads();
                int kvPair = b * s.kvHeads() + (pair % s.heads()) / group;
                if (kvPair != loaded) {
                    CpuVectors.toFloats(type, kh, kvPair * s.seq() * d, s.seq() * d, kf, S);
                    CpuVectors.toFloats(type, vh, kvPair * s.seq() * d, s.seq() * d, vf, S);
                    loaded = kvPair;
                }
                float scale = (float) (1 / Math.sqrt(d));
                for (int i = 0; i < s.seq(); i++) {
                    queryRow(type, qh, out, (pair * s.seq() + i) * d, i, d, scale, kf, vf, qf, acc, p);
                }
            }
        });
    }

    /**
     * Query row i of one head (its q and o at {@code at}) against keys 0..i: a method of its own so
     * that C2 compiles it as a root after a few thousand rows. Inlined in the range task's loop, the
     * row ran in whatever code an on-stack replacement of that loop produced, which differed from
     * JVM to JVM: a 2048-token prefill took 1.7 s in some JVMs and 4.7 s in others.
     */
    private static void queryRow(DataType type, short[] qh, short[] out, int at, int i, int d, float scale, float[] kf, float[] vf,
                                 float[] qf, float[] acc, float[] p) {
        for (int c = 0; c < d; c++) {
            qf[S + c] = FloatTypes.value(type, qh, at + c) * scale;
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j <= i; j++) {
            FloatVector dot = FloatVector.zero(F);
            for (int c = 0; c < d; c += L) {
                dot = FloatVector.fromArray(F, qf, S + c).fma(FloatVector.fromArray(F, kf, S + j * d + c), dot);
            }
            p[j] = dot.reduceLanes(VectorOperators.ADD);
            max = Math.max(max, p[j]);
        }
        float sum = CpuVectors.expInPlace(p, i + 1, max);
        java.util.Arrays.fill(acc, S, S + d, 0f);
        for (int j = 0; j <= i; j++) {
            FloatVector pj = FloatVector.broadcast(F, p[j]);
            for (int c = 0; c < d; c += L) {
                pj.fma(FloatVector.fromArray(F, vf, S + j * d + c), FloatVector.fromArray(F, acc, S + c)).intoArray(acc, S + c);
            }
        }
        float inv = 1 / sum;
        for (int c = 0; c < d; c++) {
            out[at + c] = FloatTypes.fromFloat(type, acc[S + c] * inv);
        }
    }
}
