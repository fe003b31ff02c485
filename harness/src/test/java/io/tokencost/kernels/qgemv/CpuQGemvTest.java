package io.tokencost.kernels.qgemv;

import io.tokencost.backend.Session;
import io.tokencost.backend.cpu.CpuBackend;
import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.CheckResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fast CPU qgemv against the exact reference, on random shapes and data. */
class CpuQGemvTest {

    /** fp32 accumulation: far inside the fp16 contract bound of 1e-2. */
    static final double BOUND = 1e-4;
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
    void everyFormatPassesItsCheck() {
        for (CheckResult r : new QGemvCheck().check(session, new SplittableRandom())) {
            assertTrue(r.passed() && r.maxRelError() < BOUND, r.kernel() + ": " + r.maxRelError() + " " + r.failure());
        }
    }

    @RepeatedTest(15)
    void randomShapesAndBatches(RepetitionInfo info) {
        SplittableRandom r = new SplittableRandom(info.getCurrentRepetition() * 31L);
        int n = 1 + r.nextInt(150);
        int batch = 1 + r.nextInt(16);
        for (WeightFormat f : QGemv.FORMATS) {
            int k = f == WeightFormat.INT4_G128 ? 128 * (1 + r.nextInt(12)) : 1 + r.nextInt(1500);
            double err = QGemvCheck.checkOnce(session, f, n, k, batch, r);
            assertTrue(err < BOUND, f + " n=" + n + " k=" + k + " batch=" + batch + ": " + err);
        }
    }

    @Test
    void randomCodesAtALlamaShapeMatchTheReference() {
        SplittableRandom r = new SplittableRandom(5);
        for (WeightFormat f : QGemv.FORMATS) {
            double err = QGemvCheck.checkOnce(session, QGemv.random(f, 512, 4096, 11), 1, r);
            assertTrue(err < BOUND, f + ": " + err);
        }
    }
}
