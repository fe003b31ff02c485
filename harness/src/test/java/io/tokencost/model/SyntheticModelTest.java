package io.tokencost.model;

import io.tokencost.backend.Backend;
import io.tokencost.backend.Backends;
import io.tokencost.backend.Session;
import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.CheckResult;
import io.tokencost.kernels.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A whole decode step of a tiny dense model (2 layers, hidden 128, 4 q / 2 kv heads of 64, ffn
 * 256, vocab 512; 3 sequences at an odd context of 37), a prefill, and a decode step of a tiny
 * mixture of experts, on the CPU and on the emulation (the CUDA host code and .cu kernels), against
 * the float64 reference forward pass, in every weight format.
 */
class SyntheticModelTest {

    static final ModelSpec TINY = new ModelSpec("tiny", 128, 2, 4, 2, 64, 256, 512, false, 0, 0, 0);

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"cpu, FP16", "cpu, INT8", "cpu, INT4_G128", "emu, FP16", "emu, INT8", "emu, INT4_G128"})
    void aDecodeStepMatchesTheReferenceForwardPass(String backendId, WeightFormat format) {
        Backend backend = Backends.byId(backendId);
        assertTrue(backend.availability().available(), backend.availability().reason());
        try (Session session = backend.open(0); SyntheticModel model = new SyntheticModel(session, TINY, format, 3, 37, 42, true)) {
            model.decodeStep();
            double error = Tolerance.relativeError(model.logits(), ReferenceForward.logits(model));
            assertTrue(error < Tolerance.FP16, backendId + " " + format + ": logits relative error " + error);
        }
    }

    /**
     * Prompts of 45 tokens (odd: partial GEMM tiles and attention blocks; int8 / int4 on qgemv), 130
     * (qgemv's chunks of 64, the last partial) and 256 (int8 / int4 dequantised, then the GEMM).
     */
    @ParameterizedTest(name = "{0} {1} prompt {2}")
    @CsvSource({"cpu, FP16, 45", "cpu, INT8, 45", "cpu, INT4_G128, 45", "emu, FP16, 45", "emu, INT4_G128, 45",
        "cpu, INT4_G128, 130", "emu, INT8, 130", "cpu, INT8, 256", "emu, INT4_G128, 256"})
    void aPrefillMatchesTheReferenceForwardPass(String backendId, WeightFormat format, int prompt) {
        Backend backend = Backends.byId(backendId);
        assertTrue(backend.availability().available(), backend.availability().reason());
        try (Session session = backend.open(0); SyntheticModel model = SyntheticModel.forPrefill(session, TINY, format, prompt, 7, true)) {
            model.prefill();
            double error = Tolerance.relativeError(model.logits(), ReferenceForward.prefillLogits(model));
            assertTrue(error < Tolerance.FP16, backendId + " " + format + ": logits relative error " + error);
            assertThrows(IllegalStateException.class, model::decodeStep);
        }
    }

    /** A tiny mixture of experts (8 experts of width 128, top 2): 1, 3 and 6 sequences run the experts kernels' chunks of 1, 4 and 16 rows. */
    @ParameterizedTest(name = "{0} {1} batch {2}")
    @CsvSource({"cpu, FP16, 3", "cpu, INT8, 1", "cpu, INT4_G128, 6", "emu, FP16, 1", "emu, INT8, 6", "emu, INT4_G128, 3"})
    void aMixtureOfExpertsDecodeStepMatchesTheReferenceForwardPass(String backendId, WeightFormat format, int batch) {
        Backend backend = Backends.byId(backendId);
        assertTrue(backend.availability().available(), backend.availability().reason());
        try (Session session = backend.open(0);
             SyntheticModel model = new SyntheticModel(session, SyntheticModelCheck.TINY_MOE, format, batch, 29, 5, true)) {
            model.decodeStep();
            double error = Tolerance.relativeError(model.logits(), ReferenceForward.logits(model));
            assertTrue(error < Tolerance.FP16, backendId + " " + format + ": logits relative error " + error);
        }
    }

    /**
     * A captured step (a CUDA graph's semantics: capturing runs nothing) replays the same launches:
     * one plain step, the capture, one replay give the logits two plain steps give, bit for bit.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"cpu", "emu"})
    void aCapturedDecodeStepReplaysThePlainStep(String backendId) {
        try (Session session = Backends.byId(backendId).open(0);
             SyntheticModel plain = new SyntheticModel(session, TINY, WeightFormat.INT4_G128, 1, 29, 11, false);
             SyntheticModel captured = new SyntheticModel(session, TINY, WeightFormat.INT4_G128, 1, 29, 11, false)) {
            plain.decodeStep();
            float[] afterOne = plain.logits();
            plain.decodeStep();
            captured.decodeStep();
            Runnable replay = session.capture(captured::decodeStep);
            assertArrayEquals(afterOne, captured.logits(), "capturing launches nothing");
            replay.run();
            assertArrayEquals(plain.logits(), captured.logits());
        }
    }

    /**
     * The random router spreads a batch as uniform routing would: 32 tokens choosing 4 of 64 experts
     * touch 64·(1 − (60/64)^32) = 55.9 on average (standard deviation about 2).
     */
    @Test
    void theRandomRouterSpreadsTokensLikeUniformRouting() {
        ModelSpec spec = new ModelSpec("moe-64", 128, 1, 4, 2, 64, 256, 512, false, 64, 4, 128);
        assertEquals(55.9, spec.expectedExpertsTouched(32), 0.05);
        try (Session session = Backends.byId("cpu").open(0); SyntheticModel model = new SyntheticModel(session, spec, WeightFormat.FP16, 32, 8, 3)) {
            model.decodeStep();
            int used = model.expertsUsedInLastLayer();
            assertTrue(used >= 50 && used <= 62, "experts used by 32 tokens, top 4 of 64: " + used);
        }
    }

    /**
     * A tiny mixture of experts' prefill: the MoE block over the prompt's tokens. 70 tokens give an
     * expert more rows than qgemv's largest batch (17.5 on average, up to 70); on the emulation 20
     * (5 on average, up to 20: the experts kernel's chunks of 16, twice where an expert gets more).
     */
    @ParameterizedTest(name = "{0} {1} prompt {2}")
    @CsvSource({"cpu, INT4_G128, 70", "cpu, INT8, 23", "emu, INT4_G128, 20"})
    void aMixtureOfExpertsPrefillMatchesTheReferenceForwardPass(String backendId, WeightFormat format, int prompt) {
        try (Session session = Backends.byId(backendId).open(0);
             SyntheticModel model = SyntheticModel.forPrefill(session, SyntheticModelCheck.TINY_MOE, format, prompt, 13, true)) {
            model.prefill();
            double error = Tolerance.relativeError(model.logits(), ReferenceForward.prefillLogits(model));
            assertTrue(error < Tolerance.FP16, backendId + " " + format + ": logits relative error " + error);
            assertTrue(model.expertsUsedInLastLayer() == 8, "a prompt of " + prompt + " tokens, top 2 of 8, touches every expert");
        }
    }

    /**
     * The checks `verify` and `run` make before timing keep a wide margin under their bound on any
     * draw: a check at the edge of its bound fails at random. Int8's random weights once spanned 16x
     * fp16's, and the MoE prefill's logits then erred by up to 1.1e-2 (p90 1e-3); every format now
     * stays near 2e-4 (300 draws each).
     */
    @Test
    void theModelChecksStayFarUnderTheirBoundOnRandomDraws() {
        SplittableRandom random = new SplittableRandom(2026);
        try (Session session = Backends.byId("cpu").open(0)) {
            for (int draw = 0; draw < 8; draw++) {
                for (CheckResult r : new SyntheticModelCheck().check(session, random)) {
                    assertTrue(r.passed(), r.toString());
                    assertTrue(r.maxRelError() < r.bound() / 20, "draw " + draw + ": " + r);
                }
            }
        }
    }
}
