package io.tokencost.kernels.memorystream;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.Session;
import io.tokencost.backend.cpu.CpuBackend;
import io.tokencost.kernels.CheckResult;
import io.tokencost.kernels.RandomData;
import io.tokencost.kernels.Tolerance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fast CPU kernels against the float64 references, on random data and random odd sizes. */
class CpuMemoryStreamTest {

    private static Session session;

    @BeforeAll
    static void open() {
        session = new CpuBackend().open(0);
    }

    @AfterAll
    static void close() {
        session.close();
    }

    @Test
    void everyKernelPassesItsCheck() {
        for (CheckResult r : new MemoryStreamCheck().check(session, new SplittableRandom())) {
            assertTrue(r.passed(), r.kernel() + ": max rel error " + r.maxRelError() + " " + r.failure());
            assertEquals(7, r.cases());
        }
    }

    @RepeatedTest(20)
    void randomSizesMatchTheReferenceExactlyOrWithinFp32(org.junit.jupiter.api.RepetitionInfo info) {
        SplittableRandom random = new SplittableRandom(info.getCurrentRepetition() * 7919L);
        int n = 1 + random.nextInt(200_000);
        for (MemoryStream.Op op : MemoryStream.Op.values()) {
            double err = MemoryStreamCheck.checkOnce(session, op, n, random);
            // copy and write are exact; triad rounds once (fma); read sums in float lanes folded into double
            double bound = op == MemoryStream.Op.READ ? 1e-6 : op == MemoryStream.Op.TRIAD ? 1e-7 : 0;
            assertTrue(err <= bound, op + " n=" + n + " error " + err);
        }
    }

    @Test
    void readSumsAreCloseToFloat64OnALongArray() {
        float[] data = RandomData.uniformParallel(50_000_017, 42);
        try (Buffer src = session.allocateFloats(data.length);
             Buffer partials = session.allocateFloats(MemoryStreamFamily.on(session).readPartials(data.length))) {
            src.upload(data);
            MemoryStreamFamily.on(session).read(src, partials);
            float[] p = new float[(int) partials.elements()];
            partials.download(p);
            double sum = 0;
            for (float v : p) {
                sum += v;
            }
            assertEquals(MemoryStream.readReference(data), sum, 1e-6 * Math.abs(sum));
        }
    }

    @Test
    void aPoisonedOutputThatIsNotWrittenFailsTheCheck() {
        float[] out = {1f, Float.NaN, 3f};
        assertEquals(Double.POSITIVE_INFINITY, Tolerance.relativeError(out, new double[] {1, 2, 3}));
    }

    @Test
    void workloadsCountStreamBytes() {
        assertEquals(2 * 4000L, MemoryStream.Op.COPY.workload(1000).bytesMoved());
        assertEquals(4000L, MemoryStream.Op.READ.workload(1000).bytesRead());
        assertEquals(4000L, MemoryStream.Op.WRITE.workload(1000).bytesWritten());
        assertEquals(3 * 4000L, MemoryStream.Op.TRIAD.workload(1000).bytesMoved());
        assertEquals(2000L, MemoryStream.Op.TRIAD.workload(1000).flops());
    }

    @Test
    void randomDataIsNeverZeroOrConstant() {
        float[] a = RandomData.uniformParallel(3_000_000, 1);
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : a) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertTrue(min >= 0.5f && max < 1.5f && max - min > 0.9f, min + ".." + max);
    }
}
