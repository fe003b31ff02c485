package io.tokencost.kernels.attentiondecode;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.kernels.BufferChecks;
import io.tokencost.kernels.Half;
import io.tokencost.measure.Workload;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Java twin of kernels/attention_decode.cu: one decode step's attention, every sequence's single
 * query token against its KV cache. The one place the layouts are defined; the CUDA kernels, the
 * emulation and the CPU kernel read them so.
 *
 * <pre>
 * q  F16 [batch x heads x D]                 o  F32 [batch x heads x D]        D = head_dim (64, 128)
 * k, v  [batch x kv_heads x context x D]     (a sequence's kv head: context rows of D, row-major)
 *   fp16  F16
 *   int8  I8, with F16 scales [batch x kv_heads x context] for k and for v, one per token and kv
 *         head:  k[t][d] = k_q[t][d] * k_scale[t]   (symmetric, k_q in -127..127; v likewise)
 * paged (optional): k, v a pool [pages x kv_heads x 16 x D] (int8 scales [pages x kv_heads x 16]) and a
 *   block table U32 [batch x ceil(context / 16)]: token t of sequence b is row t % 16 of page
 *   table[b][t / 16], as serving engines keep caches; each entry < pages (not checked on GPUs)
 * q head h attends with kv head h / (heads / kv_heads)                       (GQA; heads % kv_heads == 0)
 * o[b][h] = sum_t softmax_t(q[b][h] . k[b][kvh][t] / sqrt(D)) v[b][kvh][t]
 * </pre>
 */
public final class AttentionDecode {

    /** How the KV cache is stored. */
    public enum KvFormat {
        FP16, INT8;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The element type of k and v. */
        public DataType type() {
            return this == FP16 ? DataType.F16 : DataType.I8;
        }

        public static KvFormat of(String id) {
            for (KvFormat f : values()) {
                if (f.id().equals(id.toLowerCase(Locale.ROOT))) {
                    return f;
                }
            }
            throw new IllegalArgumentException("unknown KV format '" + id + "' (known: fp16, int8)");
        }
    }

    /** The most q heads per kv head the kernels serve (attention_decode.cu's _g8). */
    public static final int MAX_GROUP = 8;
    /** Tokens per page of a paged cache (attention_decode.cu's _p16 entry points). */
    public static final int PAGE_SIZE = 16;

    private AttentionDecode() {
    }

    /** A decode step's attention shape; the constructor rejects what the layouts do not define. */
    public record Shape(int batch, int heads, int kvHeads, int headDim, int context) {

        public Shape {
            if (batch < 1 || heads < 1 || kvHeads < 1 || context < 1) {
                throw new IllegalArgumentException("attention needs batch, heads, kv_heads, context >= 1, got batch=" + batch
                        + " heads=" + heads + " kv_heads=" + kvHeads + " context=" + context);
            }
            if (heads % kvHeads != 0 || heads / kvHeads > MAX_GROUP) {
                throw new IllegalArgumentException("attention needs heads to be kv_heads times 1.." + MAX_GROUP + ", got heads=" + heads
                        + " kv_heads=" + kvHeads);
            }
            if (headDim != 64 && headDim != 128) {
                throw new IllegalArgumentException("attention implements head_dim 64 and 128, got " + headDim);
            }
            if ((long) batch * Math.max(heads, kvHeads * context) * headDim > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("a KV cache of " + batch + " x " + kvHeads + " x " + context + " x " + headDim
                        + " exceeds one Java array");
            }
        }

        /** q heads per kv head. */
        public int group() {
            return heads / kvHeads;
        }

        public int qElements() {
            return batch * heads * headDim;
        }

        /** Elements of k (and of v). */
        public int kvElements() {
            return batch * kvHeads * context * headDim;
        }

        /** int8 scales of k (and of v): one per token and kv head. */
        public int scaleElements() {
            return batch * kvHeads * context;
        }
    }

    /** Bytes and FLOPs of one step: k, v (and int8 scales) and q read once, o written; 4·batch·heads·context·D. */
    public static Workload workload(KvFormat kv, Shape s) {
        return workload(kv, s.batch(), s.heads(), s.kvHeads(), s.headDim(), s.context());
    }

    /**
     * {@link #workload(KvFormat, Shape)} for any size, including caches no Java array could hold (the
     * estimator's 128k contexts at batch 64): the same counts, in longs, without the shape's checks.
     */
    public static Workload workload(KvFormat kv, long batch, long heads, long kvHeads, long headDim, long context) {
        long tokens = batch * kvHeads * context;
        long cache = 2 * tokens * headDim * kv.type().bytes();
        long scales = kv == KvFormat.INT8 ? 2 * tokens * 2 : 0;
        long q = batch * heads * headDim;
        return new Workload(cache + scales + 2 * q, 4 * q, 4 * batch * heads * context * headDim);
    }

    /** Pages per sequence in a block table: ceil(context / 16). */
    public static int pagesPerSequence(Shape s) {
        return (s.context() + PAGE_SIZE - 1) / PAGE_SIZE;
    }

    /**
     * Checks the buffers' types and sizes against the layouts; fp16 takes no scales; with a block
     * table, k and v are a pool of whole pages (at least one). Every backend calls this.
     */
    public static void checkBuffers(KvFormat kv, Buffer o, Buffer q, Buffer k, Buffer v, Buffer kScales, Buffer vScales, Buffer table,
                                    Shape s) {
        if (kv == null || s == null) {
            throw new IllegalArgumentException("attention needs a KV format and a shape");
        }
        BufferChecks.require("attention", "o", o, DataType.F32, s.qElements());
        BufferChecks.require("attention", "q", q, DataType.F16, s.qElements());
        long rows = s.scaleElements();
        if (table != null) {
            BufferChecks.require("attention", "block table", table, DataType.U32, (long) s.batch() * pagesPerSequence(s));
            long pageRows = (long) s.kvHeads() * PAGE_SIZE;
            BufferChecks.require("attention", "k", k, kv.type(), pageRows * s.headDim());
            if (k.elements() % (pageRows * s.headDim()) != 0) {
                throw new IllegalArgumentException("attention's paged k must hold whole pages of " + pageRows * s.headDim() + " elements, got "
                        + k.elements());
            }
            rows = k.elements() / s.headDim();
        }
        BufferChecks.require("attention", "k", k, kv.type(), rows * s.headDim());
        BufferChecks.require("attention", "v", v, kv.type(), rows * s.headDim());
        if (kv == KvFormat.INT8) {
            BufferChecks.require("attention", "k scales", kScales, DataType.F16, rows);
            BufferChecks.require("attention", "v scales", vScales, DataType.F16, rows);
        } else if (kScales != null || vScales != null) {
            throw new IllegalArgumentException("attention with an fp16 KV cache takes no scales");
        }
    }

    /** A KV cache in one of the layouts: k and v short[] (fp16) or byte[] (int8); scales null for fp16. */
    public record Cache(KvFormat format, Shape shape, Object k, Object v, short[] kScales, short[] vScales) {
    }

    /** Stores float k and v [batch x kv_heads x context x D] in the format (int8: per-token symmetric, round to nearest). */
    public static Cache pack(KvFormat kv, Shape s, float[] k, float[] v) {
        if (kv == KvFormat.FP16) {
            return new Cache(kv, s, Half.fromFloats(k), Half.fromFloats(v), null, null);
        }
        short[] ks = new short[s.scaleElements()];
        short[] vs = new short[s.scaleElements()];
        return new Cache(kv, s, quantize(k, ks, s.headDim()), quantize(v, vs, s.headDim()), ks, vs);
    }

    /** Each row of D values: scale = max|x| / 127 (fp16), codes round(x / scale). */
    private static byte[] quantize(float[] x, short[] scales, int d) {
        byte[] out = new byte[x.length];
        for (int t = 0; t < scales.length; t++) {
            float max = 0;
            for (int i = t * d; i < (t + 1) * d; i++) {
                max = Math.max(max, Math.abs(x[i]));
            }
            scales[t] = Half.fromFloat(max > 0 ? max / 127 : 1f);
            float used = Half.toFloat(scales[t]);
            for (int i = t * d; i < (t + 1) * d; i++) {
                out[i] = (byte) Math.max(-127, Math.min(127, Math.round(x[i] / used)));
            }
        }
        return out;
    }

    /**
     * Random values straight in the layout (fp16 uniform in [-1, 1); int8 random codes, scales in
     * [0.004, 0.012)): how benchmarks fill gigabytes of cache without quantizing floats first.
     */
    public static Cache random(KvFormat kv, Shape s, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Object k = randomTensor(kv, s.kvElements(), r);
        Object v = randomTensor(kv, s.kvElements(), r);
        return kv == KvFormat.FP16 ? new Cache(kv, s, k, v, null, null)
                : new Cache(kv, s, k, v, randomScales(s.scaleElements(), r), randomScales(s.scaleElements(), r));
    }

    /** One random k or v tensor of {@code count} elements in the format: short[] (fp16) or byte[] (int8 codes). */
    public static Object randomTensor(KvFormat kv, int count, SplittableRandom r) {
        if (kv == KvFormat.FP16) {
            short[] h = new short[count];
            for (int i = 0; i < count; i++) {
                h[i] = Half.fromFloat((float) r.nextDouble(-1, 1));
            }
            return h;
        }
        byte[] b = new byte[count];
        for (int i = 0; i < count; i++) {
            b[i] = (byte) (r.nextInt(255) - 127);
        }
        return b;
    }

    /** Random int8 scales, uniform in [0.004, 0.012). */
    public static short[] randomScales(int count, SplittableRandom r) {
        short[] s = new short[count];
        for (int i = 0; i < count; i++) {
            s[i] = Half.fromFloat((float) r.nextDouble(0.004, 0.012));
        }
        return s;
    }

    /** Queries: F16 [batch x heads x D], uniform in [-1, 1). */
    public static short[] randomQueries(Shape s, RandomGenerator random) {
        short[] q = new short[s.qElements()];
        for (int i = 0; i < q.length; i++) {
            q[i] = Half.fromFloat((float) (random.nextDouble() * 2 - 1));
        }
        return q;
    }

    /** Element i of k or v exactly as stored (int8: code times its token's scale). */
    public static double value(Cache c, boolean key, int i) {
        if (c.format() == KvFormat.FP16) {
            return Half.toFloat(((short[]) (key ? c.k() : c.v()))[i]);
        }
        byte code = ((byte[]) (key ? c.k() : c.v()))[i];
        return code * (double) Half.toFloat((key ? c.kScales() : c.vScales())[i / c.shape().headDim()]);
    }

    /** The reference: softmax in float64 (max subtracted), over the cache exactly as stored. */
    public static double[] reference(Cache c, short[] q) {
        Shape s = c.shape();
        int d = s.headDim();
        double[] o = new double[s.qElements()];
        double[] scores = new double[s.context()];
        double scale = 1 / Math.sqrt(d);
        for (int b = 0; b < s.batch(); b++) {
            for (int h = 0; h < s.heads(); h++) {
                int kvh = h / s.group();
                int rowBase = (b * s.kvHeads() + kvh) * s.context();
                int qBase = (b * s.heads() + h) * d;
                double max = Double.NEGATIVE_INFINITY;
                for (int t = 0; t < s.context(); t++) {
                    double dot = 0;
                    for (int i = 0; i < d; i++) {
                        dot += Half.toFloat(q[qBase + i]) * value(c, true, (rowBase + t) * d + i);
                    }
                    scores[t] = dot * scale;
                    max = Math.max(max, scores[t]);
                }
                double sum = 0;
                for (int t = 0; t < s.context(); t++) {
                    scores[t] = Math.exp(scores[t] - max);
                    sum += scores[t];
                }
                for (int t = 0; t < s.context(); t++) {
                    double p = scores[t] / sum;
                    for (int i = 0; i < d; i++) {
                        o[qBase + i] += p * value(c, false, (rowBase + t) * d + i);
                    }
                }
            }
        }
        return o;
    }

    /** A cache in the paged layout: k and v (and scales) as a pool of pages, and the block table. */
    public record PagedCache(Cache cache, Object kPool, Object vPool, short[] kScalePool, short[] vScalePool, int[] table, int pages) {
    }

    /**
     * The same cache paged: every sequence's pages scattered over a pool in random order (with
     * {@code spare} unused pages mixed in), the block table naming them; a kernel reading the
     * paged cache must give what it gives on the contiguous one.
     */
    public static PagedCache page(Cache c, int spare, RandomGenerator random) {
        Shape s = c.shape();
        int perSeq = pagesPerSequence(s);
        int pages = s.batch() * perSeq + spare;
        int[] order = new int[pages];
        for (int i = 0; i < pages; i++) {
            order[i] = i;
        }
        for (int i = pages - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] table = new int[s.batch() * perSeq];
        System.arraycopy(order, 0, table, 0, table.length);
        int d = s.headDim();
        int poolRows = pages * s.kvHeads() * PAGE_SIZE;
        boolean int8 = c.format() == KvFormat.INT8;
        Object kPool = int8 ? new byte[poolRows * d] : new short[poolRows * d];
        Object vPool = int8 ? new byte[poolRows * d] : new short[poolRows * d];
        short[] ks = int8 ? new short[poolRows] : null;
        short[] vs = int8 ? new short[poolRows] : null;
        for (int b = 0; b < s.batch(); b++) {
            for (int kvh = 0; kvh < s.kvHeads(); kvh++) {
                for (int t = 0; t < s.context(); t++) {
                    int from = (b * s.kvHeads() + kvh) * s.context() + t;
                    int to = (table[b * perSeq + t / PAGE_SIZE] * s.kvHeads() + kvh) * PAGE_SIZE + t % PAGE_SIZE;
                    System.arraycopy(c.k(), from * d, kPool, to * d, d);
                    System.arraycopy(c.v(), from * d, vPool, to * d, d);
                    if (int8) {
                        ks[to] = c.kScales()[from];
                        vs[to] = c.vScales()[from];
                    }
                }
            }
        }
        return new PagedCache(c, kPool, vPool, ks, vs, table, pages);
    }
}
