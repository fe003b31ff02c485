package io.tokencost.backend.emu;

import io.tokencost.backend.cpu.CpuBackend;
import io.tokencost.kernels.CheckResult;
import io.tokencost.kernels.MmaProbeCheck;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The emulation's tensor-core op (tc_mma_m16n8k16_f16f32, mma.sync m16n8k16 with the PTX ISA's
 * fragment layouts) against a plain matrix product: kernels/mma_probe.cu loads the fragments by
 * those layouts, so a wrong layout in the emulation or in the probe fails here.
 */
class EmuMmaTest {

    @Test
    void tilesMatchTheMatrixProduct() {
        try (var session = new EmuBackend().open(0)) {
            List<CheckResult> results = new MmaProbeCheck().check(session, new SplittableRandom());
            assertEquals(1, results.size());
            CheckResult r = results.get(0);
            assertTrue(r.passed() && r.maxRelError() < 1e-6, r.maxRelError() + " " + r.failure());
        }
    }

    @Test
    void theCpuBackendHasNoTensorCoresToCheck() {
        try (var session = new CpuBackend().open(0)) {
            assertTrue(new MmaProbeCheck().check(session, new SplittableRandom()).isEmpty());
        }
    }
}
