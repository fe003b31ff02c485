package io.tokencost.kernels.attentiondecode;

import io.tokencost.backend.Session;
import io.tokencost.backend.cpu.CpuBackend;
import io.tokencost.kernels.CheckResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fast CPU decode attention against the float64 reference, on random shapes, caches and queries. */
class CpuAttentionDecodeTest {

    /** fp32 sums and a vector exp: far inside the contract's 1e-2. */
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
    void everyKvFormatPassesItsCheck() {
        for (CheckResult r : new AttentionDecodeCheck().check(session, new SplittableRandom())) {
            assertTrue(r.passed() && r.maxRelError() < BOUND, r.kernel() + ": " + r.maxRelError() + " " + r.failure());
        }
    }

    @RepeatedTest(6)
    void randomShapes(RepetitionInfo info) {
        SplittableRandom r = new SplittableRandom(info.getCurrentRepetition() * 7L);
        int kvHeads = 1 + r.nextInt(4);
        AttentionDecode.Shape s = new AttentionDecode.Shape(1 + r.nextInt(3), kvHeads * (1 + r.nextInt(8)), kvHeads,
                r.nextBoolean() ? 64 : 128, 1 + r.nextInt(1200));
        for (AttentionDecode.KvFormat kv : AttentionDecode.KvFormat.values()) {
            double err = AttentionDecodeCheck.checkOnce(session, kv, s, r);
            assertTrue(err < BOUND, kv.id() + " " + s + ": " + err);
        }
    }
}
