package io.tokencost.backend.cuda;

import io.tokencost.backend.Availability;
import io.tokencost.backend.Buffer;
import io.tokencost.backend.KernelTimer;
import io.tokencost.backend.Session;
import io.tokencost.kernels.MemoryStream;
import io.tokencost.kernels.MemoryStreamKernels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.OptionalDouble;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Runs every memory_stream kernel on the GPU against MemoryStream's reference; skipped without a GPU. */
class CudaMemoryStreamGpuTest {

    /** Odd sizes: scalar tails of 1..3, one partial block, and one past the resident-grid limit. */
    private static final long[] SIZES = {1, 3, 4, 5, 1027, 1_000_003, 9_000_001};
    private static final double FP32_BOUND = 1e-5;

    private static Session session;

    @BeforeAll
    static void open() {
        Availability a = new CudaBackend().availability();
        assumeTrue(a.available(), "no usable CUDA GPU: " + a.reason());
        session = new CudaBackend().open(0);
    }

    @AfterAll
    static void close() {
        if (session != null) {
            session.close();
        }
    }

    @Test
    void everyKernelMatchesTheReference() {
        MemoryStreamKernels k = session.memoryStream();
        SplittableRandom random = new SplittableRandom(20261128);
        for (long size : SIZES) {
            int n = (int) size;
            float[] b = randomFloats(random, n);
            float[] c = randomFloats(random, n);
            try (Buffer db = session.allocateFloats(n); Buffer dc = session.allocateFloats(n);
                 Buffer da = session.allocateFloats(n); Buffer partials = session.allocateFloats(k.readPartials(n))) {
                db.upload(b);
                dc.upload(c);
                float[] got = new float[n];

                da.poison();
                k.copy(da, db);
                da.download(got);
                assertClose("copy", n, MemoryStream.copyReference(b), got);

                partials.poison();
                k.read(db, partials);
                float[] p = new float[(int) partials.elements()];
                partials.download(p);
                double sum = 0;
                for (float v : p) {
                    sum += v;
                }
                double expected = MemoryStream.readReference(b);
                assertTrue(Math.abs(sum - expected) <= FP32_BOUND * Math.abs(expected),
                        "read n=" + n + ": sum " + sum + " vs reference " + expected);

                da.poison();
                k.write(da, 3.25f);
                da.download(got);
                assertClose("write", n, MemoryStream.writeReference(n, 3.25f), got);

                da.poison();
                k.triad(da, db, dc, 0.4f);
                da.download(got);
                assertClose("triad", n, MemoryStream.triadReference(b, c, 0.4f), got);
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
            session.memoryStream().copy(a, b);
            double s = t.stopSeconds();
            assertTrue(s > 0 && s < 1, "copy of 64 MiB took " + s + " s");
            session.synchronize();
        }
        assertFalse(session.device().name().isBlank());
        assertTrue(session.device().peakBandwidthBytesPerS() > 0);
    }

    private static float[] randomFloats(SplittableRandom random, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextDouble(0.5, 1.5);
        }
        return x;
    }

    /** ‖got − ref‖ / ‖ref‖ under the fp32 bound, with no NaN left from the poison. */
    private static void assertClose(String kernel, int n, double[] ref, float[] got) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < n; i++) {
            if (Float.isNaN(got[i])) {
                throw new AssertionError(kernel + " n=" + n + ": element " + i + " not written (NaN poison left)");
            }
            double d = got[i] - ref[i];
            diff += d * d;
            norm += ref[i] * ref[i];
        }
        double rel = norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
        assertTrue(rel < FP32_BOUND, kernel + " n=" + n + ": relative error " + rel);
    }
}
