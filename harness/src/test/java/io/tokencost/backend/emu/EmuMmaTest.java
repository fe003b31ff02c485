package io.tokencost.backend.emu;

import io.tokencost.backend.cpu.CpuBackend;
import io.tokencost.kernels.CheckResult;
import io.tokencost.kernels.mmaprobe.MmaProbeCheck;
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
            assertEquals(List.of("m16n8k16", "ldmatrix_x4", "ldmatrix_x4_trans"), results.stream().map(CheckResult::kernel).toList());
            CheckResult r = results.get(0);
            assertTrue(r.passed() && r.maxRelError() < 1e-6, r.maxRelError() + " " + r.failure());
            for (CheckResult ld : results.subList(1, 3)) {
                assertTrue(ld.passed() && ld.maxRelError() == 0, ld.kernel() + ": " + ld.maxRelError() + " words wrong, " + ld.failure());
            }
        }
    }

    /**
     * The layouts the probe is judged by, on a matrix whose elements name their place (matrix i,
     * row r, col c as 0xIRC): lane 5 takes row 1, columns 2 and 3 of each matrix (.x4), or column 1,
     * rows 2 and 3 (.x4.trans), the lower element in the low half.
     */
    @Test
    void theLdmatrixLayoutsFollowThePtxIsa() {
        short[] named = new short[io.tokencost.kernels.mmaprobe.MmaProbe.LDMATRIX_ELEMENTS];
        for (int i = 0; i < named.length; i++) {
            named[i] = (short) ((i / 64) << 8 | (i % 64 / 8) << 4 | i % 8);
        }
        int[] x4 = io.tokencost.kernels.mmaprobe.MmaProbe.ldmatrixReference(named, false);
        int[] trans = io.tokencost.kernels.mmaprobe.MmaProbe.ldmatrixReference(named, true);
        for (int i = 0; i < 4; i++) {
            assertEquals((i << 8 | 0x13) << 16 | (i << 8 | 0x12), x4[4 * 5 + i], "x4 matrix " + i);
            assertEquals((i << 8 | 0x31) << 16 | (i << 8 | 0x21), trans[4 * 5 + i], "trans matrix " + i);
        }
    }

    @Test
    void theCpuBackendHasNoTensorCoresToCheck() {
        try (var session = new CpuBackend().open(0)) {
            assertTrue(new MmaProbeCheck().check(session, new SplittableRandom()).isEmpty());
        }
    }
}
