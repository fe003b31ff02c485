package io.tokencost.kernels.attentiondecode;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.backend.Session;
import io.tokencost.kernels.CheckResult;
import io.tokencost.kernels.KernelCheck;
import io.tokencost.kernels.Tolerance;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * decode attention against {@link AttentionDecode#reference} (float64, over the cache exactly as
 * stored): per KV format, MHA and GQA groups of 2, 4 and 8, both head dims, contexts that are not
 * multiples of any tile (1, 65, 300, 1000), one random shape, and a long context split over many
 * slices, and paged caches (pages scattered over a pool) read through their block tables; fresh
 * random queries and caches (packed from random floats), o poisoned with NaN first.
 */
public final class AttentionDecodeCheck implements KernelCheck {

    @Override
    public String family() {
        return CudaAttentionDecode.MODULE;
    }

    /** One checked step: a shape, on a contiguous or a paged cache. */
    record Case(AttentionDecode.Shape shape, boolean paged) {
    }

    /** (batch, heads, kv_heads, head_dim, context), contiguous; then three of them paged, a partial last page each. */
    static List<Case> cases(RandomGenerator random) {
        int kvHeads = 1 + random.nextInt(3);
        AttentionDecode.Shape randomShape = new AttentionDecode.Shape(1 + random.nextInt(3),
                kvHeads * (1 + random.nextInt(AttentionDecode.MAX_GROUP)), kvHeads, random.nextBoolean() ? 64 : 128, 1 + random.nextInt(700));
        List<Case> out = new ArrayList<>();
        for (AttentionDecode.Shape s : List.of(new AttentionDecode.Shape(1, 4, 4, 64, 1), new AttentionDecode.Shape(2, 8, 2, 128, 65),
                new AttentionDecode.Shape(1, 16, 2, 64, 300), new AttentionDecode.Shape(3, 6, 3, 128, 129),
                new AttentionDecode.Shape(1, 32, 8, 128, 1000), randomShape, new AttentionDecode.Shape(1, 8, 1, 128, 4099))) {
            out.add(new Case(s, false));
        }
        out.add(new Case(new AttentionDecode.Shape(2, 8, 2, 128, 65), true));
        out.add(new Case(new AttentionDecode.Shape(1, 16, 2, 64, 300), true));
        out.add(new Case(randomShape, true));
        return out;
    }

    @Override
    public List<CheckResult> check(Session session, RandomGenerator random) {
        List<CheckResult> out = new ArrayList<>();
        List<Case> cases = cases(random);
        for (AttentionDecode.KvFormat kv : AttentionDecode.KvFormat.values()) {
            out.add(KernelCheck.worstOf(family(), kv.id(), "fp16/" + kv.id(), Tolerance.FP16, cases,
                    c -> checkOnce(session, kv, c.shape(), c.paged(), random)));
        }
        return out;
    }

    /**
     * Relative error of one step on a fresh random cache (floats in [-1, 1) stored in the format)
     * and queries; paged: the same cache scattered over a pool with spare pages, read through its
     * block table.
     */
    public static double checkOnce(Session session, AttentionDecode.KvFormat kv, AttentionDecode.Shape s, boolean paged,
                                   RandomGenerator random) {
        float[] k = new float[s.kvElements()];
        float[] v = new float[s.kvElements()];
        for (int i = 0; i < k.length; i++) {
            k[i] = (float) (random.nextDouble() * 2 - 1);
            v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        AttentionDecode.Cache cache = AttentionDecode.pack(kv, s, k, v);
        short[] q = AttentionDecode.randomQueries(s, random);
        float[] o = paged ? run(session, AttentionDecode.page(cache, 3, random), q) : run(session, cache, q);
        return Tolerance.relativeError(o, AttentionDecode.reference(cache, q));
    }

    public static double checkOnce(Session session, AttentionDecode.KvFormat kv, AttentionDecode.Shape s, RandomGenerator random) {
        return checkOnce(session, kv, s, false, random);
    }

    /** One decode step on the backend over a contiguous cache; returns o. */
    public static float[] run(Session session, AttentionDecode.Cache cache, short[] q) {
        return run(session, cache.format(), cache.shape(), q, cache.k(), cache.v(), cache.kScales(), cache.vScales(), null);
    }

    /** One decode step on the backend over a paged cache; returns o. */
    public static float[] run(Session session, AttentionDecode.PagedCache paged, short[] q) {
        AttentionDecode.Cache c = paged.cache();
        return run(session, c.format(), c.shape(), q, paged.kPool(), paged.vPool(), paged.kScalePool(), paged.vScalePool(), paged.table());
    }

    private static float[] run(Session session, AttentionDecode.KvFormat kv, AttentionDecode.Shape s, short[] q, Object k, Object v,
                               short[] kScales, short[] vScales, int[] table) {
        AttentionDecodeKernels kernels = AttentionDecodeFamily.on(session);
        long work = kernels.workspaceElements(s);
        int kvElements = java.lang.reflect.Array.getLength(k);
        float[] o = new float[s.qElements()];
        try (Buffer bo = session.allocate(DataType.F32, o.length);
             Buffer bq = session.allocate(DataType.F16, q.length);
             Buffer bk = session.allocate(kv.type(), kvElements);
             Buffer bv = session.allocate(kv.type(), kvElements);
             Buffer bks = kScales == null ? null : session.allocate(DataType.F16, kScales.length);
             Buffer bvs = vScales == null ? null : session.allocate(DataType.F16, vScales.length);
             Buffer bt = table == null ? null : session.allocate(DataType.U32, table.length);
             Buffer bw = work == 0 ? null : session.allocate(DataType.F32, work)) {
            bq.upload(q);
            bk.upload(k);
            bv.upload(v);
            if (bks != null) {
                bks.upload(kScales);
                bvs.upload(vScales);
            }
            if (bt != null) {
                bt.upload(table);
            }
            if (bw != null) {
                bw.poison();
            }
            bo.poison();
            kernels.decode(kv, bo, bq, bk, bv, bks, bvs, bt, bw, s);
            session.synchronize();
            bo.download(o);
        }
        return o;
    }
}
