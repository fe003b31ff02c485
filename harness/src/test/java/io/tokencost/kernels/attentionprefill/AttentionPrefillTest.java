package io.tokencost.kernels.attentionprefill;

import io.tokencost.backend.DataType;
import io.tokencost.backend.Session;
import io.tokencost.backend.cpu.CpuBackend;
import io.tokencost.kernels.CheckResult;
import io.tokencost.kernels.Half;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The prefill layouts, workload and reference on known answers, and the CPU kernel on random shapes. */
class AttentionPrefillTest {

    /** P and o rounded to the type once each. */
    static final double BOUND = 5e-3;
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
    void shapesAndTheCausalWorkload() {
        assertThrows(IllegalArgumentException.class, () -> new AttentionPrefill.Shape(1, 32, 5, 128, 8));
        assertThrows(IllegalArgumentException.class, () -> new AttentionPrefill.Shape(1, 32, 8, 80, 8));
        assertThrows(IllegalArgumentException.class, () -> new AttentionPrefill.Shape(1, 32, 8, 128, 0));
        assertThrows(IllegalArgumentException.class, () -> AttentionPrefill.checkType(DataType.F32));
        // Llama-3.1-8B over an 8192-token prompt: 32 q heads, 8 kv heads, 128 dims
        AttentionPrefill.Shape s = new AttentionPrefill.Shape(1, 32, 8, 128, 8192);
        assertEquals(8192L * 8193 / 2, s.causalPairs());
        assertEquals(4L * 32 * 128 * (8192L * 8193 / 2), AttentionPrefill.workload(DataType.F16, s).flops());
        assertEquals(2L * (32 + 2 * 8) * 8192 * 128, AttentionPrefill.workload(DataType.BF16, s).bytesRead());
        assertEquals(2L * 32 * 8192 * 128, AttentionPrefill.workload(DataType.F16, s).bytesWritten());
    }

    @Test
    void theFirstRowCopiesTheFirstValueAndEqualKeysAverage() {
        AttentionPrefill.Shape s = new AttentionPrefill.Shape(1, 2, 1, 64, 3);
        SplittableRandom r = new SplittableRandom(4);
        short[] q = AttentionPrefill.random(DataType.F16, s.qElements(), r);
        short[] k = new short[s.kvElements()];
        java.util.Arrays.fill(k, Half.fromFloat(0.5f));
        short[] v = AttentionPrefill.random(DataType.F16, s.kvElements(), r);
        double[] o = AttentionPrefill.reference(DataType.F16, s, q, k, v);
        for (int h = 0; h < 2; h++) {
            for (int c = 0; c < 64; c++) {
                int row0 = (h * 3) * 64 + c;
                assertEquals(Half.toFloat(v[c]), o[row0], 1e-12, "row 0 sees only key 0");
                double mean = ((double) Half.toFloat(v[c]) + Half.toFloat(v[64 + c]) + Half.toFloat(v[128 + c])) / 3;
                assertEquals(mean, o[(h * 3 + 2) * 64 + c], 1e-12, "row 2: equal keys weigh equally");
            }
        }
    }

    @Test
    void theCpuKernelPassesItsCheck() {
        for (CheckResult c : new AttentionPrefillCheck().check(session, new SplittableRandom())) {
            assertTrue(c.passed() && c.maxRelError() < BOUND, c.kernel() + ": " + c.maxRelError() + " " + c.failure());
        }
    }

    @RepeatedTest(4)
    void theCpuKernelOnRandomShapes(RepetitionInfo info) {
        SplittableRandom r = new SplittableRandom(info.getCurrentRepetition() * 3L);
        int kvHeads = 1 + r.nextInt(2);
        AttentionPrefill.Shape s = new AttentionPrefill.Shape(1 + r.nextInt(2), kvHeads * (1 + r.nextInt(4)), kvHeads,
                r.nextBoolean() ? 64 : 128, 1 + r.nextInt(300));
        for (DataType type : AttentionPrefill.TYPES) {
            double err = AttentionPrefillCheck.checkOnce(session, type, s, r);
            assertTrue(err < BOUND, type + " " + s + ": " + err);
        }
    }
}
