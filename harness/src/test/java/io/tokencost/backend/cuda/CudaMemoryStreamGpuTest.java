package io.tokencost.backend.cuda;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.KernelTimer;
import io.tokencost.backend.Session;
import io.tokencost.kernels.CheckResult;
import io.tokencost.kernels.Tolerance;
import io.tokencost.kernels.memorystream.MemoryStream;
import io.tokencost.kernels.memorystream.MemoryStreamCheck;
import io.tokencost.kernels.memorystream.MemoryStreamFamily;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.OptionalDouble;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs every memory_stream kernel on the GPU against MemoryStream's reference; skipped without a GPU. */
class CudaMemoryStreamGpuTest {

    /** Odd sizes: scalar tails of 1..3, one partial block, and one past the resident-grid limit. */
    private static final long[] SIZES = {1, 3, 4, 5, 1027, 1_000_003, 9_000_001};

    private static Session session;

    @BeforeAll
    static void open() {
        session = GpuTests.openOrSkip(CudaMemoryStreamGpuTest.class);
    }

    @AfterAll
    static void close() {
        if (session != null) {
            session.close();
        }
    }

    @Test
    void everyKernelMatchesTheReference() {
        SplittableRandom random = new SplittableRandom();
        for (CheckResult r : new MemoryStreamCheck().check(session, random)) {
            assertTrue(r.passed(), r.kernel() + ": max rel error " + r.maxRelError() + " " + r.failure());
        }
        for (long size : SIZES) {
            for (MemoryStream.Op op : MemoryStream.Op.values()) {
                double err = MemoryStreamCheck.checkOnce(session, op, (int) size, random);
                assertTrue(err < Tolerance.FP32, op + " n=" + size + ": relative error " + err);
            }
        }
    }

    @Test
    void clocksTimersAndFlush() {
        OptionalDouble mhz = session.measureClockMhz();
        assertTrue(mhz.isPresent(), "clock probe returned no clock");
        assertTrue(mhz.getAsDouble() > 100 && mhz.getAsDouble() < 5000, "SM clock " + mhz.getAsDouble() + " MHz");
        assertTrue(session.nominalClockMhz() > 100, "nominal clock " + session.nominalClockMhz());
        int n = 1 << 24;
        try (Buffer a = session.allocateFloats(n); Buffer b = session.allocateFloats(n); KernelTimer t = session.newTimer()) {
            b.poison();
            session.flushCaches();
            t.start();
            MemoryStreamFamily.on(session).copy(a, b);
            double s = t.stopSeconds();
            assertTrue(s > 0 && s < 1, "copy of 64 MiB took " + s + " s");
            session.synchronize();
        }
        assertFalse(session.device().name().isBlank());
        assertTrue(session.device().peakBandwidthBytesPerS() > 0);
    }
}
