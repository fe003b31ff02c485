package io.tokencost.model;

import io.tokencost.backend.Session;
import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.CheckResult;
import io.tokencost.kernels.KernelCheck;
import io.tokencost.kernels.Tolerance;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A whole decode step of a tiny dense model (2 layers, hidden 128, 4 q / 2 kv heads of 64, ffn
 * 256, vocab 512, batch 3 at an odd context), a prefill of an odd prompt, and a decode step of a
 * tiny mixture of experts (the same attention, 8 experts of width 128, top 2, batch 1..6: each of
 * the experts kernels' row chunks) and its prefill of an odd prompt (9..24 tokens: an expert's rows
 * in chunks of 16, twice where it gets more) against {@link ReferenceForward}: the kernels composed as the
 * decode and prefill suites compose them. Verifies the suites' steps on every backend before they
 * are timed.
 */
public final class SyntheticModelCheck implements KernelCheck {

    public static final ModelSpec TINY = new ModelSpec("tiny", 128, 2, 4, 2, 64, 256, 512, false, 0, 0, 0);
    public static final ModelSpec TINY_MOE = new ModelSpec("tiny-moe", 128, 2, 4, 2, 64, 256, 512, false, 8, 2, 128);

    @Override
    public String family() {
        return "model";
    }

    @Override
    public List<CheckResult> check(Session session, RandomGenerator random) {
        List<WeightFormat> formats = List.of(WeightFormat.FP16, WeightFormat.INT8, WeightFormat.INT4_G128);
        return List.of(KernelCheck.worstOf(family(), "decode_step", "fp16/all", Tolerance.FP16, formats, f -> {
            try (SyntheticModel m = new SyntheticModel(session, TINY, f, 3, 17 + random.nextInt(40), random.nextLong(), true)) {
                m.decodeStep();
                return Tolerance.relativeError(m.logits(), ReferenceForward.logits(m));
            }
        }), KernelCheck.worstOf(family(), "moe_decode_step", "fp16/all", Tolerance.FP16, formats, f -> {
            try (SyntheticModel m = new SyntheticModel(session, TINY_MOE, f, 1 + random.nextInt(6), 17 + random.nextInt(40), random.nextLong(), true)) {
                m.decodeStep();
                return Tolerance.relativeError(m.logits(), ReferenceForward.logits(m));
            }
        }), KernelCheck.worstOf(family(), "prefill", "fp16/all", Tolerance.FP16, formats, f -> {
            try (SyntheticModel m = SyntheticModel.forPrefill(session, TINY, f, 9 + random.nextInt(40), random.nextLong(), true)) {
                m.prefill();
                return Tolerance.relativeError(m.logits(), ReferenceForward.prefillLogits(m));
            }
        }), KernelCheck.worstOf(family(), "moe_prefill", "fp16/all", Tolerance.FP16, formats, f -> {
            try (SyntheticModel m = SyntheticModel.forPrefill(session, TINY_MOE, f, 9 + random.nextInt(16), random.nextLong(), true)) {
                m.prefill();
                return Tolerance.relativeError(m.logits(), ReferenceForward.prefillLogits(m));
            }
        }));
    }
}
