package io.tokencost.backend.emu;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.cuda.KernelLauncher;
import io.tokencost.backend.cuda.LaunchConfig;
import io.tokencost.kernels.RandomData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules a GPU enforces and a CPU run would not notice, each broken by one planted kernel
 * (kernels/test/planted_rules.cu) and caught by the emulation with a message naming the kernel,
 * the block and thread (or lanes) and the rule.
 */
class EmuRulesTest {

    private static EmuSession session;

    @BeforeAll
    static void open() {
        EmuBackend backend = new EmuBackend();
        assertTrue(backend.availability().available(), backend.availability().reason());
        session = (EmuSession) backend.open(0);
    }

    @AfterAll
    static void close() {
        session.close();
    }

    private static KernelLauncher launcher() {
        return session.kernelLauncher().orElseThrow();
    }

    private static String failure(String kernel, LaunchConfig config, Object... args) {
        EmuKernelException e = assertThrows(EmuKernelException.class, () -> launcher().launch("planted_rules", kernel, config, args));
        return e.getMessage();
    }

    /** cp.async lands when its group is waited for: read before, the tile is 0xFF (NaN); after, it is the data. */
    @Test
    void aCpAsyncReadBeforeItsWaitReadsPoison() {
        float[] data = RandomData.uniform(128, new SplittableRandom(5));
        float[] expected = data.clone();
        try (Buffer in = session.allocateFloats(128); Buffer out = session.allocateFloats(128)) {
            in.upload(data);
            launcher().launch("planted_rules", "cp_async_read_before_wait", new LaunchConfig(1, 32, 512), out, in, 1);
            float[] got = new float[128];
            out.download(got);
            assertArrayEquals(expected, got);
            launcher().launch("planted_rules", "cp_async_read_before_wait", new LaunchConfig(1, 32, 512), out, in, 0);
            out.download(got);
            for (float v : got) {
                assertTrue(Float.isNaN(v), "a value read before its cp.async group was waited for: " + v);
            }
        }
    }

    @Test
    void aCpAsyncIntoGlobalMemoryIsAnError() {
        try (Buffer in = session.allocateFloats(128); Buffer out = session.allocateFloats(128)) {
            String m = failure("cp_async_to_global", new LaunchConfig(1, 32, 0), out, in);
            assertTrue(m.contains("kernel planted_rules/cp_async_to_global, block (0,0,0), thread (0,0,0): cp.async: destination")
                    && m.contains("is not in shared memory"), m);
        }
    }

    @Test
    void aMisalignedLdmatrixRowIsAnError() {
        try (Buffer out = session.allocateFloats(32)) {
            String m = failure("ldmatrix_misaligned", new LaunchConfig(1, 32, 2048), out);
            assertTrue(m.contains("thread (0,0,0): ldmatrix.sync.aligned.m8n8.x4: row address") && m.contains("is not 16-byte aligned"), m);
        }
    }

    @Test
    void anMmaHalfTheWarpLeftIsAnError() {
        try (Buffer out = session.allocateFloats(32)) {
            String m = failure("mma_half_warp", new LaunchConfig(1, 32, 0), out);
            assertTrue(m.contains("kernel planted_rules/mma_half_warp, block (0,0,0): warp 0: lanes 16-31 exited before mma.sync.aligned.m16n8k16"), m);
        }
    }

    @Test
    void aShuffleReachedAtTwoPlacesIsADivergence() {
        try (Buffer out = session.allocateFloats(32)) {
            String m = failure("shuffle_diverged", new LaunchConfig(1, 32, 0), out);
            assertTrue(m.contains("warp 0 diverged: lanes 0-15 at __shfl_xor_sync (planted_rules.cu:")
                    && m.contains("lanes 16-31 at __shfl_xor_sync (planted_rules.cu:"), m);
        }
    }

    @Test
    void aSyncthreadsPartOfTheBlockSkippedIsAnError() {
        try (Buffer out = session.allocateFloats(64)) {
            String m = failure("barrier_after_exit", new LaunchConfig(1, 64, 0), out);
            assertTrue(m.contains("threads 32-63 exited before __syncthreads (planted_rules.cu:") && m.contains("only part of the block"), m);
        }
    }

    @Test
    void aMisalignedFloat4LoadIsAnError() {
        try (Buffer in = session.allocateFloats(160); Buffer out = session.allocateFloats(32)) {
            String m = failure("float4_misaligned", new LaunchConfig(1, 32, 0), out, in);
            assertTrue(m.contains("thread (0,0,0): misaligned access to 'const struct float4'") && m.contains("it needs 16-byte alignment"), m);
        }
    }
}
