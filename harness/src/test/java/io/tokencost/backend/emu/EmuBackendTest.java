package io.tokencost.backend.emu;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.cuda.LaunchConfig;
import io.tokencost.kernels.CheckResult;
import io.tokencost.kernels.RandomData;
import io.tokencost.kernels.Tolerance;
import io.tokencost.kernels.memorystream.CudaMemoryStream;
import io.tokencost.kernels.memorystream.MemoryStream;
import io.tokencost.kernels.memorystream.MemoryStreamCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The .cu kernels themselves, compiled for the host and launched through the CUDA backend's host
 * code (CudaMemoryStream), against the Java references; and the emulation's own guarantees.
 */
class EmuBackendTest {

    private static EmuSession session;

    @BeforeAll
    static void open() {
        EmuBackend backend = new EmuBackend();
        assertTrue(backend.availability().available(), "the Maven build must build the emulation library: " + backend.availability().reason());
        session = (EmuSession) backend.open(0);
    }

    /** The launcher the CUDA host code uses, for kernels outside the registered families. */
    private static io.tokencost.backend.cuda.KernelLauncher launcher() {
        return session.kernelLauncher().orElseThrow();
    }

    @AfterAll
    static void close() {
        session.close();
    }

    @Test
    void everyMemoryStreamKernelPassesItsCheck() {
        for (CheckResult r : new MemoryStreamCheck().check(session, new SplittableRandom())) {
            assertTrue(r.passed(), r.kernel() + ": max rel error " + r.maxRelError() + " " + r.failure());
        }
    }

    @RepeatedTest(12)
    void randomOddSizesMatchTheReference(RepetitionInfo info) {
        SplittableRandom random = new SplittableRandom(info.getCurrentRepetition() * 104729L);
        int n = 1 + random.nextInt(300_000) | 1;
        for (MemoryStream.Op op : MemoryStream.Op.values()) {
            double err = MemoryStreamCheck.checkOnce(session, op, n, random);
            assertTrue(err < Tolerance.FP32, op + " n=" + n + ": " + err);
        }
    }

    @Test
    void aPlantedOutOfBoundsWriteJustPastTheEndIsCaught() {
        try (Buffer out = session.allocateFloats(1000)) {
            EmuKernelException e = assertThrows(EmuKernelException.class, () -> launcher()
                    .launch("planted_oob", "oob_write", new LaunchConfig(4, 256, 0), out, 1000L, 0L));
            assertTrue(e.getMessage().contains("out-of-bounds write 0 bytes past the end of a 4000-byte buffer"), e.getMessage());
        }
    }

    @Test
    void aPlantedOutOfBoundsWriteIntoTheGuardPageIsCaughtAndTheJvmLivesOn() {
        try (Buffer out = session.allocateFloats(1024)) {
            EmuKernelException e = assertThrows(EmuKernelException.class, () -> launcher()
                    .launch("planted_oob", "oob_write", new LaunchConfig(4, 256, 0), out, 1024L, 100L));
            assertTrue(e.getMessage().contains("out-of-bounds access: 400 bytes past the end of a 4096-byte buffer"), e.getMessage());
        }
        // the fault was contained: the same thread launches again, correctly
        everyMemoryStreamKernelPassesItsCheck();
    }

    @Test
    void aBarrierNotReachedByEveryThreadIsADeadlockNotAHang() {
        try (Buffer out = session.allocateFloats(256)) {
            EmuKernelException e = assertThrows(EmuKernelException.class, () -> launcher()
                    .launch("planted_oob", "divergent_barrier", new LaunchConfig(1, 256, 0), out));
            assertTrue(e.getMessage().contains("deadlock"), e.getMessage());
        }
    }

    @Test
    void sharedMemoryAndBarriersKeepCudaSemantics() {
        int blocks = 37;
        int n = blocks * 256;
        float[] in = RandomData.uniform(n, new SplittableRandom(3));
        float[] expected = new float[n];
        for (int b = 0; b < blocks; b++) {
            for (int t = 0; t < 256; t++) {
                expected[b * 256 + t] = in[b * 256 + 255 - t];
            }
        }
        try (Buffer src = session.allocateFloats(n); Buffer dst = session.allocateFloats(n)) {
            src.upload(in);
            dst.poison();
            launcher().launch("planted_oob", "block_reverse", new LaunchConfig(blocks, 256, 0), dst, src);
            float[] got = new float[n];
            dst.download(got);
            assertArrayEquals(expected, got);
        }
    }

    @Test
    void unknownKernelsAndBadArgumentsAreClearErrors() {
        try (Buffer out = session.allocateFloats(4)) {
            EmuKernelException e = assertThrows(EmuKernelException.class,
                    () -> launcher().launch("memory_stream", "no_such_kernel", new LaunchConfig(1, 32, 0), out));
            assertTrue(e.getMessage().contains("no kernel no_such_kernel in module memory_stream"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> launcher().launch("memory_stream", "stream_write", new LaunchConfig(1, 32, 0), out, "x", 4L));
        }
    }
}
