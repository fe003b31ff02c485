package io.tokencost.kernels.gemm;

import io.tokencost.backend.DataType;
import io.tokencost.backend.Session;
import io.tokencost.backend.cpu.CpuBackend;
import io.tokencost.kernels.CheckResult;
import io.tokencost.kernels.FloatTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fast CPU gemm against the float64 reference, element by element, on random shapes and data. */
class CpuGemmTest {

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
    void everyTypePassesItsCheck() {
        for (CheckResult r : new GemmCheck().check(session, new SplittableRandom())) {
            assertTrue(r.passed(), r.kernel() + ": " + r.maxRelError() + " " + r.failure());
        }
    }

    /** Edges of every blocking level: 6-row strips, 2-vector micro-tiles, 256-column tasks, 256-k slices, 6144-row M blocks. */
    @Test
    void blockingEdges() {
        SplittableRandom r = new SplittableRandom(3);
        int[][] shapes = {{1, 1, 1}, {6, 32, 256}, {7, 33, 257}, {5, 257, 511}, {13, 300, 40}, {12, 16, 600}, {6150, 20, 9}};
        for (DataType type : Gemm.TYPES) {
            for (int[] s : shapes) {
                GemmProducts.check(session, type, s[0], s[1], s[2], r);
            }
        }
    }

    @RepeatedTest(8)
    void randomShapes(RepetitionInfo info) {
        SplittableRandom r = new SplittableRandom(info.getCurrentRepetition() * 17L);
        int m = 1 + r.nextInt(80);
        int n = 1 + r.nextInt(400);
        int k = 1 + r.nextInt(700);
        for (DataType type : Gemm.TYPES) {
            double err = GemmProducts.check(session, type, m, n, k, r);
            assertTrue(err < Gemm.tolerance(type), FloatTypes.id(type) + ": " + err);
        }
    }

    @Test
    void wrongBuffersAreRejected() {
        try (var c = session.allocate(DataType.F16, 4); var a = session.allocate(DataType.F16, 4); var b = session.allocate(DataType.BF16, 4)) {
            assertThrows(IllegalArgumentException.class, () -> GemmFamily.on(session).gemm(DataType.F16, c, a, b, 2, 2, 2));
            assertThrows(IllegalArgumentException.class, () -> GemmFamily.on(session).gemm(DataType.F16, c, a, a, 2, 2, 3));
            assertThrows(IllegalArgumentException.class, () -> GemmFamily.on(session).gemm(DataType.I8, c, a, a, 2, 2, 2));
            assertThrows(IllegalArgumentException.class, () -> GemmFamily.on(session).gemm(DataType.F16, c, a, a, 0, 2, 2));
        }
    }
}
