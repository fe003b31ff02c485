package io.tokencost.kernels.attentionprefill;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.backend.Session;
import io.tokencost.kernels.CheckResult;
import io.tokencost.kernels.FloatTypes;
import io.tokencost.kernels.KernelCheck;
import io.tokencost.kernels.Tolerance;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * prefill attention against {@link AttentionPrefill#reference} (float64, causal): per type, both
 * head dims, MHA and GQA groups, sequence lengths that are not multiples of the 64-row tiles (1,
 * 65, 130, 200), one random shape; fresh random inputs, o poisoned with NaN first.
 */
public final class AttentionPrefillCheck implements KernelCheck {

    @Override
    public String family() {
        return CudaAttentionPrefill.MODULE;
    }

    static List<AttentionPrefill.Shape> shapes(RandomGenerator random) {
        int kvHeads = 1 + random.nextInt(2);
        return List.of(new AttentionPrefill.Shape(1, 2, 2, 64, 1), new AttentionPrefill.Shape(1, 4, 1, 128, 65),
                new AttentionPrefill.Shape(2, 4, 2, 64, 130), new AttentionPrefill.Shape(1, 2, 1, 128, 200),
                new AttentionPrefill.Shape(1, kvHeads * (1 + random.nextInt(3)), kvHeads, random.nextBoolean() ? 64 : 128,
                        1 + random.nextInt(160)));
    }

    @Override
    public List<CheckResult> check(Session session, RandomGenerator random) {
        List<CheckResult> out = new ArrayList<>();
        List<AttentionPrefill.Shape> shapes = shapes(random);
        for (DataType type : AttentionPrefill.TYPES) {
            out.add(KernelCheck.worstOf(family(), FloatTypes.id(type), FloatTypes.id(type), Tolerance.FP16, shapes,
                    s -> checkOnce(session, type, s, random)));
        }
        return out;
    }

    /** Relative error of one causal attention on fresh random q, k, v. */
    public static double checkOnce(Session session, DataType type, AttentionPrefill.Shape s, RandomGenerator random) {
        short[] q = AttentionPrefill.random(type, s.qElements(), random);
        short[] k = AttentionPrefill.random(type, s.kvElements(), random);
        short[] v = AttentionPrefill.random(type, s.kvElements(), random);
        short[] o = new short[s.qElements()];
        try (Buffer bo = session.allocate(type, o.length); Buffer bq = session.allocate(type, q.length);
             Buffer bk = session.allocate(type, k.length); Buffer bv = session.allocate(type, v.length)) {
            bq.upload(q);
            bk.upload(k);
            bv.upload(v);
            bo.poison();
            AttentionPrefillFamily.on(session).prefill(type, bo, bq, bk, bv, s);
            session.synchronize();
            bo.download(o);
        }
        return Tolerance.relativeError(FloatTypes.toFloats(type, o, o.length), AttentionPrefill.reference(type, s, q, k, v));
    }
}
