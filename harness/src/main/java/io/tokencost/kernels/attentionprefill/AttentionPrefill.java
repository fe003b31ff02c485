package io.tokencost.kernels.attentionprefill;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.kernels.BufferChecks;
import io.tokencost.kernels.FloatTypes;
import io.tokencost.measure.Workload;

import java.util.random.RandomGenerator;

/**
 * Java twin of kernels/attention_prefill.cu: a prompt's causal self-attention. The one place the
 * layouts are defined; the CUDA kernels, the emulation and the CPU kernel read them so.
 *
 * <pre>
 * q, o  [batch x heads x seq x D]       k, v  [batch x kv_heads x seq x D]       D = head_dim (64, 128)
 * all F16 or all BF16; q head h attends with kv head h / (heads / kv_heads)
 * o[b][h][i] = sum_{j <= i} softmax_j(q[b][h][i] . k[b][kvh][j] / sqrt(D)) v[b][kvh][j]     (causal)
 * </pre>
 */
public final class AttentionPrefill {

    /** The element types the family implements. */
    public static final java.util.List<DataType> TYPES = java.util.List.of(DataType.F16, DataType.BF16);

    private AttentionPrefill() {
    }

    /** A prompt's attention shape; the constructor rejects what the layouts do not define. */
    public record Shape(int batch, int heads, int kvHeads, int headDim, int seq) {

        public Shape {
            if (batch < 1 || heads < 1 || kvHeads < 1 || seq < 1) {
                throw new IllegalArgumentException("prefill attention needs batch, heads, kv_heads, seq >= 1, got batch=" + batch
                        + " heads=" + heads + " kv_heads=" + kvHeads + " seq=" + seq);
            }
            if (heads % kvHeads != 0) {
                throw new IllegalArgumentException("prefill attention needs heads to be a multiple of kv_heads, got " + heads + " and " + kvHeads);
            }
            if (headDim != 64 && headDim != 128) {
                throw new IllegalArgumentException("prefill attention implements head_dim 64 and 128, got " + headDim);
            }
            if ((long) batch * heads * seq * headDim > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("prefill attention of " + batch + " x " + heads + " x " + seq + " x " + headDim
                        + " exceeds one Java array");
            }
        }

        public int qElements() {
            return batch * heads * seq * headDim;
        }

        public int kvElements() {
            return batch * kvHeads * seq * headDim;
        }

        /** (query, key) pairs the causal mask keeps, per (sequence, head): seq (seq + 1) / 2. */
        public long causalPairs() {
            return (long) seq * (seq + 1) / 2;
        }
    }

    public static void checkType(DataType type) {
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("prefill attention implements fp16 and bf16, got " + type);
        }
    }

    /** q, k, v read once and o written; FLOPs 4·batch·heads·D per kept (query, key) pair (causal halving). */
    public static Workload workload(DataType type, Shape s) {
        long e = type.bytes();
        return new Workload(e * (s.qElements() + 2L * s.kvElements()), e * s.qElements(),
                4L * s.batch() * s.heads() * s.headDim() * s.causalPairs());
    }

    public static void checkBuffers(DataType type, Buffer o, Buffer q, Buffer k, Buffer v, Shape s) {
        checkType(type);
        BufferChecks.require("prefill attention", "o", o, type, s.qElements());
        BufferChecks.require("prefill attention", "q", q, type, s.qElements());
        BufferChecks.require("prefill attention", "k", k, type, s.kvElements());
        BufferChecks.require("prefill attention", "v", v, type, s.kvElements());
    }

    /** The reference: float64 scores, softmax with the max subtracted, over the inputs exactly as stored. */
    public static double[] reference(DataType type, Shape s, short[] q, short[] k, short[] v) {
        int d = s.headDim();
        int group = s.heads() / s.kvHeads();
        double[] o = new double[s.qElements()];
        double[] scores = new double[s.seq()];
        double scale = 1 / Math.sqrt(d);
        for (int b = 0; b < s.batch(); b++) {
            for (int h = 0; h < s.heads(); h++) {
                int qBase = (b * s.heads() + h) * s.seq();
                int kvBase = (b * s.kvHeads() + h / group) * s.seq();
                for (int i = 0; i < s.seq(); i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= i; j++) {
                        double dot = 0;
                        for (int c = 0; c < d; c++) {
                            dot += FloatTypes.value(type, q, (qBase + i) * d + c) * FloatTypes.value(type, k, (kvBase + j) * d + c);
                        }
                        scores[j] = dot * scale;
                        max = Math.max(max, scores[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j <= i; j++) {
                        scores[j] = Math.exp(scores[j] - max);
                        sum += scores[j];
                    }
                    for (int j = 0; j <= i; j++) {
                        double p = scores[j] / sum;
                        for (int c = 0; c < d; c++) {
                            o[(qBase + i) * d + c] += p * FloatTypes.value(type, v, (kvBase + j) * d + c);
                        }
                    }
                }
            }
        }
        return o;
    }

    /** Values uniform in [-1, 1) in the type. */
    public static short[] random(DataType type, int count, RandomGenerator random) {
        return (short[]) FloatTypes.random(type, count, random);
    }
}
