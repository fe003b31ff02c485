package io.tokencost.kernels;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.backend.Session;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * decode attention against {@link AttentionDecode#reference} (float64, over the cache exactly as
 * stored): per KV format, MHA and GQA groups of 2, 4 and 8, both head dims, contexts that are not
 * multiples of any tile (1, 65, 300, 1000), one random shape, and a long context split over many
 * slices; fresh random queries and caches (packed from random floats), o poisoned with NaN first.
 */
public final class AttentionDecodeCheck implements KernelCheck {

    @Override
    public String family() {
        return "attention_decode";
    }

    /** (batch, heads, kv_heads, head_dim, context). */
    static List<AttentionDecode.Shape> shapes(RandomGenerator random) {
        int kvHeads = 1 + random.nextInt(3);
        return List.of(new AttentionDecode.Shape(1, 4, 4, 64, 1), new AttentionDecode.Shape(2, 8, 2, 128, 65),
                new AttentionDecode.Shape(1, 16, 2, 64, 300), new AttentionDecode.Shape(3, 6, 3, 128, 129),
                new AttentionDecode.Shape(1, 32, 8, 128, 1000),
                new AttentionDecode.Shape(1 + random.nextInt(3), kvHeads * (1 + random.nextInt(AttentionDecode.MAX_GROUP)), kvHeads,
                        random.nextBoolean() ? 64 : 128, 1 + random.nextInt(700)),
                new AttentionDecode.Shape(1, 8, 1, 128, 4099));
    }

    @Override
    public List<CheckResult> check(Session session, RandomGenerator random) {
        List<CheckResult> out = new ArrayList<>();
        List<AttentionDecode.Shape> shapes = shapes(random);
        for (AttentionDecode.KvFormat kv : AttentionDecode.KvFormat.values()) {
            out.add(KernelCheck.worstOf(family(), kv.id(), "fp16/" + kv.id(), Tolerance.FP16, shapes, s -> checkOnce(session, kv, s, random)));
        }
        return out;
    }

    /** Relative error of one step on a fresh random cache (floats in [-1, 1) stored in the format) and queries. */
    public static double checkOnce(Session session, AttentionDecode.KvFormat kv, AttentionDecode.Shape s, RandomGenerator random) {
        float[] k = new float[s.kvElements()];
        float[] v = new float[s.kvElements()];
        for (int i = 0; i < k.length; i++) {
            k[i] = (float) (random.nextDouble() * 2 - 1);
            v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        AttentionDecode.Cache cache = AttentionDecode.pack(kv, s, k, v);
        short[] q = AttentionDecode.randomQueries(s, random);
        return Tolerance.relativeError(run(session, cache, q), AttentionDecode.reference(cache, q));
    }

    /** One decode step on the backend; returns o. */
    public static float[] run(Session session, AttentionDecode.Cache cache, short[] q) {
        AttentionDecode.Shape s = cache.shape();
        AttentionDecode.KvFormat kv = cache.format();
        AttentionDecodeKernels kernels = session.attentionDecode();
        long work = kernels.workspaceElements(s);
        float[] o = new float[s.qElements()];
        try (Buffer bo = session.allocate(DataType.F32, o.length);
             Buffer bq = session.allocate(DataType.F16, q.length);
             Buffer bk = session.allocate(kv.type(), s.kvElements());
             Buffer bv = session.allocate(kv.type(), s.kvElements());
             Buffer bks = cache.kScales() == null ? null : session.allocate(DataType.F16, s.scaleElements());
             Buffer bvs = cache.vScales() == null ? null : session.allocate(DataType.F16, s.scaleElements());
             Buffer bw = work == 0 ? null : session.allocate(DataType.F32, work)) {
            bq.upload(q);
            bk.upload(cache.k());
            bv.upload(cache.v());
            if (bks != null) {
                bks.upload(cache.kScales());
                bvs.upload(cache.vScales());
            }
            if (bw != null) {
                bw.poison();
            }
            bo.poison();
            kernels.decode(kv, bo, bq, bk, bv, bks, bvs, bw, s);
            session.synchronize();
            bo.download(o);
        }
        return o;
    }
}
