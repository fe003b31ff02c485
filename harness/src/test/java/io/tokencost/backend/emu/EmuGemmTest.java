package io.tokencost.backend.emu;

import io.tokencost.backend.DataType;
import io.tokencost.backend.cuda.LaunchConfig;
import io.tokencost.kernels.FloatTypes;
import io.tokencost.kernels.gemm.CudaGemm;
import io.tokencost.kernels.gemm.Gemm;
import io.tokencost.kernels.gemm.GemmProducts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kernels/gemm.cu compiled for the host (mma.sync, ldmatrix and cp.async emulated from the PTX
 * ISA's definitions), launched through CudaGemm, checked element by element against Gemm.reference:
 * tile edges in M, N and K, odd K (the scalar loaders), the tile order's partial last group, and
 * random shapes.
 */
class EmuGemmTest {

    private static EmuSession session;

    @BeforeAll
    static void open() {
        EmuBackend backend = new EmuBackend();
        assertTrue(backend.availability().available(), "the Maven build must build the emulation library: " + backend.availability().reason());
        session = (EmuSession) backend.open(0);
    }

    @AfterAll
    static void close() {
        session.close();
    }

    @Test
    void launchShape() {
        LaunchConfig tc = CudaGemm.config(DataType.F16, 257, 128);
        assertEquals(3, tc.gridX());
        assertEquals(256, tc.blockX());
        assertEquals(64 * 1024, tc.sharedBytes(), "4 stages of (128 + 128) x 32 halves");
        assertEquals(0, CudaGemm.config(DataType.F32, 1, 1).sharedBytes());
        assertEquals("gemm_bf16", CudaGemm.function(DataType.BF16));
    }

    @Test
    void tileEdges() {
        SplittableRandom r = new SplittableRandom(7);
        int[][] shapes = {
                {128, 128, 32},     // one tile, one stage
                {129, 127, 40},     // one row and one column past a tile; K tail zero-filled by cp.async
                {64, 200, 264},     // more k tiles than stages: the ring wraps
                {33, 65, 77},       // odd K: scalar loaders
                {1100, 20, 16},     // 9 tile rows: the grouped order's last group holds one
                {20, 1100, 24},     // 9 tile columns
                {1, 3, 2}};
        for (DataType type : Gemm.TYPES) {
            for (int[] s : shapes) {
                double err = GemmProducts.check(session, type, s[0], s[1], s[2], r);
                assertTrue(err < Gemm.tolerance(type), FloatTypes.id(type) + " " + java.util.Arrays.toString(s) + ": " + err);
            }
        }
    }

    @RepeatedTest(3)
    void randomShapes(RepetitionInfo info) {
        SplittableRandom r = new SplittableRandom(info.getCurrentRepetition() * 101L);
        int m = 1 + r.nextInt(260);
        int n = 1 + r.nextInt(260);
        int k = r.nextBoolean() ? 8 * (1 + r.nextInt(40)) : 1 + r.nextInt(300);
        for (DataType type : Gemm.TYPES) {
            double err = GemmProducts.check(session, type, m, n, k, r);
            assertTrue(err < Gemm.tolerance(type), FloatTypes.id(type) + " m=" + m + " n=" + n + " k=" + k + ": " + err);
        }
    }
}
