package io.tokencost.model;

import io.tokencost.backend.Backend;
import io.tokencost.backend.Backends;
import io.tokencost.backend.Session;
import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.Tolerance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A whole decode step of a tiny dense model (2 layers, hidden 128, 4 q / 2 kv heads of 64, ffn
 * 256, vocab 512; 3 sequences at an odd context of 37) on the CPU and on the emulation (the CUDA
 * host code and .cu kernels), against the float64 reference forward pass, in every weight format.
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

    /** A prompt of 45 tokens (odd: partial GEMM tiles and attention blocks). */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"cpu, FP16", "cpu, INT8", "cpu, INT4_G128", "emu, FP16", "emu, INT4_G128"})
    void aPrefillMatchesTheReferenceForwardPass(String backendId, WeightFormat format) {
        Backend backend = Backends.byId(backendId);
        assertTrue(backend.availability().available(), backend.availability().reason());
        try (Session session = backend.open(0); SyntheticModel model = SyntheticModel.forPrefill(session, TINY, format, 45, 7, true)) {
            model.prefill();
            double error = Tolerance.relativeError(model.logits(), ReferenceForward.prefillLogits(model));
            assertTrue(error < Tolerance.FP16, backendId + " " + format + ": logits relative error " + error);
            assertThrows(IllegalStateException.class, model::decodeStep);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"Mixtral-8x7B"})
    void mixturesOfExpertsAreRefusedClearly(String preset) {
        try (Session session = Backends.byId("cpu").open(0)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new SyntheticModel(session, io.tokencost.cost.ModelPresets.byName(preset), WeightFormat.INT4_G128, 1, 16, 1));
            assertTrue(e.getMessage().contains("mixture of experts"), e.getMessage());
        }
    }
}
