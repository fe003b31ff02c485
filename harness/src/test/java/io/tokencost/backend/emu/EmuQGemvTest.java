package io.tokencost.backend.emu;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.backend.cuda.LaunchConfig;
import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.Tolerance;
import io.tokencost.kernels.qgemv.CudaQGemv;
import io.tokencost.kernels.qgemv.QGemv;
import io.tokencost.kernels.qgemv.QGemvFamily;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kernels/qgemv.cu compiled for the host, launched through CudaQGemv, against QGemv.reference:
 * every format, odd shapes (scalar and vector paths, row tails, every batch tile and the batches
 * between tiles), packed float matrices and random codes, outputs poisoned first.
 */
class EmuQGemvTest {

    /** fp32 products and sums against a float64 reference of exactly dequantized weights. */
    static final double BOUND = 1e-4;
    static final int[] NS = {1, 7, 33, 257};
    static final int[] BATCHES = {1, 2, 3, 5, 8, 16};

    private static EmuSession session;
    private static double worst;

    @BeforeAll
    static void open() {
        EmuBackend backend = new EmuBackend();
        assertTrue(backend.availability().available(), "the Maven build must build the emulation library: " + backend.availability().reason());
        session = (EmuSession) backend.open(0);
    }

    @AfterAll
    static void close() {
        System.out.println("EmuQGemvTest: worst relative error " + worst);
        session.close();
    }

    /** Runs one product on the emulation; returns ‖y − ref‖ / ‖ref‖. */
    static double run(QGemv.QuantizedMatrix m, int batch, SplittableRandom random) {
        int n = m.n();
        int k = m.k();
        short[] x = QGemv.randomActivations(batch, k, random);
        double[] ref = QGemv.reference(m, x, batch);
        List<Buffer> open = new ArrayList<>();
        try {
            Buffer y = track(open, session.allocate(DataType.F32, (long) batch * n));
            Buffer xb = track(open, session.allocate(DataType.F16, (long) batch * k));
            Buffer w = track(open, session.allocate(m.weightType(), m.weightElements()));
            Buffer s = m.scales() == null ? null : track(open, session.allocate(DataType.F16, m.scales().length));
            xb.upload(x);
            w.upload(m.weights());
            if (s != null) {
                s.upload(m.scales());
            }
            y.poison();
            QGemvFamily.on(session).gemv(m.format(), y, xb, w, s, n, k, batch);
            float[] out = new float[batch * n];
            y.download(out);
            double err = Tolerance.relativeError(out, ref);
            for (int i = 0; i < out.length; i++) {
                assertTrue(Float.isFinite(out[i]), m.format() + " n=" + n + " k=" + k + " batch=" + batch + ": y[" + i + "] = " + out[i]);
            }
            worst = Math.max(worst, err);
            return err;
        } finally {
            open.forEach(Buffer::close);
        }
    }

    private static Buffer track(List<Buffer> open, Buffer b) {
        open.add(b);
        return b;
    }

    static float[] randomMatrix(int n, int k, SplittableRandom random) {
        float[] w = new float[n * k];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian() * 0.02f;
        }
        return w;
    }

    private static void sweep(WeightFormat f, int[] ks, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int n : NS) {
            for (int k : ks) {
                int batch = BATCHES[random.nextInt(BATCHES.length)];
                QGemv.QuantizedMatrix packed = QGemv.pack(f, randomMatrix(n, k, random), n, k);
                double err = run(packed, batch, random);
                assertTrue(err < BOUND, f + " packed n=" + n + " k=" + k + " batch=" + batch + ": relative error " + err);
                QGemv.QuantizedMatrix codes = QGemv.random(f, n, k, random.nextLong());
                int batch2 = BATCHES[random.nextInt(BATCHES.length)];
                err = run(codes, batch2, random);
                assertTrue(err < BOUND, f + " random n=" + n + " k=" + k + " batch=" + batch2 + ": relative error " + err);
            }
        }
        // every batch on one vector-path shape and one scalar-path shape (tiles and the batches between)
        int kv = f == WeightFormat.INT4_G128 ? 256 : 64;
        for (int batch = 1; batch <= QGemv.MAX_BATCH; batch++) {
            QGemv.QuantizedMatrix m = QGemv.random(f, 19, kv, random.nextLong());
            double err = run(m, batch, random);
            assertTrue(err < BOUND, f + " n=19 k=" + kv + " batch=" + batch + ": relative error " + err);
            if (f != WeightFormat.INT4_G128 && batch <= QGemv.CUDA_CORE_MAX_BATCH) {
                m = QGemv.random(f, 5, 37, random.nextLong());
                err = run(m, batch, random);
                assertTrue(err < BOUND, f + " n=5 k=37 batch=" + batch + ": relative error " + err);
            }
        }
    }

    @Test
    void fp16OddShapesMatchTheReference() {
        // k = 1, 15, 100 take the scalar path (k % 8 != 0); 1000 and 1024 the vector path
        sweep(WeightFormat.FP16, new int[] {1, 15, 100, 1000, 1024}, 11);
    }

    @Test
    void int8OddShapesMatchTheReference() {
        // k = 1024 takes the vector path (k % 16 == 0), the rest the scalar path
        sweep(WeightFormat.INT8, new int[] {1, 15, 100, 1000, 1024}, 12);
    }

    @Test
    void int4OddShapesMatchTheReference() {
        sweep(WeightFormat.INT4_G128, new int[] {128, 256, 384, 1024}, 13);
    }

    @Test
    void aRealSizeOfEachFormatMatchesTheReference() {
        SplittableRandom random = new SplittableRandom(14);
        for (WeightFormat f : QGemv.FORMATS) {
            int n = 1024;
            int k = 4096;
            QGemv.QuantizedMatrix m = QGemv.random(f, n, k, random.nextLong());
            double err = run(m, 1, random);
            assertTrue(err < BOUND, f + " n=" + n + " k=" + k + ": relative error " + err);
            err = run(m, 3, random);
            assertTrue(err < BOUND, f + " n=" + n + " k=" + k + " batch 3: relative error " + err);
        }
    }

    @Test
    void theInt4NibbleOrderIsTheLayouts() {
        // one row, one group: u = 8 + e_i at k = i, everything else 8 (zero weight), x = 1 at one k only
        int k = 128;
        for (int hot = 0; hot < 16; hot++) {
            int[] q = new int[k / 8];
            java.util.Arrays.fill(q, 0x88888888);
            int word = hot / 8;
            int nibble = hot % 8;
            q[word] = (q[word] & ~(0xf << (4 * nibble))) | ((8 + 1 + hot % 7) << (4 * nibble));
            short[] scales = {io.tokencost.kernels.Half.fromFloat(1f)};
            QGemv.QuantizedMatrix m = new QGemv.QuantizedMatrix(WeightFormat.INT4_G128, 1, k, q, scales);
            double err = run(m, 1, new SplittableRandom(hot));
            assertTrue(err < BOUND, "hot nibble " + hot + ": relative error " + err);
        }
    }

    @Test
    void mismatchedBuffersAreRejected() {
        int n = 8;
        int k = 128;
        try (Buffer y = session.allocate(DataType.F32, n); Buffer yShort = session.allocate(DataType.F32, n - 1);
             Buffer x = session.allocate(DataType.F16, k); Buffer xFloat = session.allocate(DataType.F32, k);
             Buffer w16 = session.allocate(DataType.F16, (long) n * k); Buffer w8 = session.allocate(DataType.I8, (long) n * k);
             Buffer w4 = session.allocate(DataType.U32, (long) n * k / 8); Buffer s = session.allocate(DataType.F16, n);
             Buffer s4 = session.allocate(DataType.F16, n * (k / 128)); Buffer sFloat = session.allocate(DataType.F32, n);
             Buffer sShort = session.allocate(DataType.F16, n - 1)) {
            var g = QGemvFamily.on(session);
            assertMessage("y needs at least 8", () -> g.gemv(WeightFormat.FP16, yShort, x, w16, null, n, k, 1));
            assertMessage("x must be a F16", () -> g.gemv(WeightFormat.FP16, y, xFloat, w16, null, n, k, 1));
            assertMessage("weights must be a I8", () -> g.gemv(WeightFormat.INT8, y, x, w16, s, n, k, 1));
            assertMessage("weights must be a U32", () -> g.gemv(WeightFormat.INT4_G128, y, x, w8, s4, n, k, 1));
            assertMessage("scales must be a F16", () -> g.gemv(WeightFormat.INT8, y, x, w8, sFloat, n, k, 1));
            assertMessage("scales needs at least 8", () -> g.gemv(WeightFormat.INT4_G128, y, x, w4, sShort, n, k, 1));
            assertMessage("weights needs at least 1024", () -> g.gemv(WeightFormat.FP16, y, x, x, null, n, k, 1));
            assertMessage("scales buffer is missing", () -> g.gemv(WeightFormat.INT8, y, x, w8, null, n, k, 1));
            assertMessage("takes no scales", () -> g.gemv(WeightFormat.FP16, y, x, w16, s, n, k, 1));
            assertMessage("x needs at least 256", () -> g.gemv(WeightFormat.FP16, y, x, w16, null, n / 2, k, 2));
            assertMessage("batch >= 1", () -> g.gemv(WeightFormat.FP16, y, x, w16, null, n, k, 0));
            assertMessage("multiple of 64", () -> g.gemv(WeightFormat.INT8, y, x, w8, s, n, 96, 17));
            assertMessage("multiple of 128", () -> g.gemv(WeightFormat.INT4_G128, y, x, w4, s4, n, 100, 1));
            assertMessage("bf16", () -> g.gemv(WeightFormat.BF16, y, x, w16, null, n, k, 1));
        }
    }

    private static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }

    @Test
    void launchConfigurationForALlamaShape() {
        // Llama-3 8B gate/up projection: n = 14336 rows of k = 4096
        assertEquals(new LaunchConfig(7168, 256, 0), CudaQGemv.config(14336, 1));   // 2 rows per block
        assertEquals(new LaunchConfig(7168, 256, 0), CudaQGemv.config(14336, 4));
        assertEquals(new LaunchConfig(14336, 256, 0), CudaQGemv.config(14336, 5));  // tile 8: 1 row per block
        assertEquals(new LaunchConfig(14336, 256, 0), CudaQGemv.config(14336, 16));
        assertEquals(new LaunchConfig(1, 256, 0), CudaQGemv.config(1, 1));
        assertEquals(new LaunchConfig(9, 256, 0), CudaQGemv.config(17, 1));
        assertEquals(2, CudaQGemv.rowsPerBlock(3));
        assertEquals(1, CudaQGemv.rowsPerBlock(9));
        assertEquals("qgemv_int8", CudaQGemv.function(WeightFormat.INT8, 1, false));
        assertEquals("qgemv_int8_b4", CudaQGemv.function(WeightFormat.INT8, 2, false));
        assertEquals("qgemv_int8_b4", CudaQGemv.function(WeightFormat.INT8, 4, false));
        assertEquals("qgemv_int8_b16", CudaQGemv.function(WeightFormat.INT8, 5, false));
        assertThrows(IllegalArgumentException.class, () -> CudaQGemv.config(0, 1));
        assertThrows(IllegalArgumentException.class, () -> CudaQGemv.config(8, 17));
        // argument order as the kernel declares it
        List<Object[]> calls = new ArrayList<>();
        CudaQGemv host = new CudaQGemv((module, function, config, args) -> calls.add(new Object[] {module, function, config, args}), 132);
        try (Buffer y = session.allocate(DataType.F32, 14336); Buffer x = session.allocate(DataType.F16, 4096);
             Buffer w = session.allocate(DataType.U32, 14336L * 512); Buffer s = session.allocate(DataType.F16, 14336L * 32)) {
            host.gemv(WeightFormat.INT4_G128, y, x, w, s, 14336, 4096, 1);
            Object[] call = calls.get(0);
            assertEquals("qgemv", call[0]);
            assertEquals("qgemv_int4g128", call[1]);
            assertEquals(new LaunchConfig(7168, 256, 0), call[2]);
            Object[] args = (Object[]) call[3];
            assertEquals(7, args.length);
            assertTrue(args[0] == y && args[1] == x && args[2] == w && args[3] == s);
            assertEquals(14336, args[4]);
            assertEquals(4096, args[5]);
            assertEquals(1, args[6]);
        }
    }

    /** The tensor-core kernels, and the CUDA-core kernels they replace from batch 5, on the same shapes. */
    @Test
    void tensorCoreAndCudaCoreKernelsBothMatchTheReference() {
        SplittableRandom random = new SplittableRandom(15);
        for (WeightFormat f : QGemv.FORMATS) {
            int step = QGemv.tensorCoreStep(f);
            for (int[] s : new int[][] {{1, step, 1}, {130, 3 * step, 6}, {257, 8 * step, 16}, {40, 2 * step, 17}, {129, 4 * step, 64},
                    {7, step, 40}}) {
                QGemv.QuantizedMatrix m = QGemv.random(f, s[0], s[1], random.nextLong());
                assertTrue(CudaQGemv.usesTensorCores(f, s[1], s[2]) == s[2] >= CudaQGemv.MMA_FROM_BATCH);
                double err = run(m, s[2], random);
                assertTrue(err < BOUND, f + " tensor cores n=" + s[0] + " k=" + s[1] + " batch=" + s[2] + ": " + err);
                if (s[2] <= QGemv.CUDA_CORE_MAX_BATCH) {
                    // the A/B switch: everything up to 16 on CUDA cores
                    System.setProperty(CudaQGemv.MMA_FROM_PROPERTY, "17");
                    try {
                        assertTrue(!CudaQGemv.usesTensorCores(f, s[1], s[2]));
                        err = run(m, s[2], random);
                        assertTrue(err < BOUND, f + " CUDA cores n=" + s[0] + " k=" + s[1] + " batch=" + s[2] + ": " + err);
                    } finally {
                        System.clearProperty(CudaQGemv.MMA_FROM_PROPERTY);
                    }
                }
            }
            // batch 1 forced onto tensor cores: the _mma16 kernel with one live batch row
            System.setProperty(CudaQGemv.MMA_FROM_PROPERTY, "1");
            try {
                double err = run(QGemv.random(f, 33, 2 * step, random.nextLong()), 1, random);
                assertTrue(err < BOUND, f + " batch 1 on tensor cores: " + err);
            } finally {
                System.clearProperty(CudaQGemv.MMA_FROM_PROPERTY);
            }
        }
    }

    @Test
    void tensorCoreLaunchesSplitKToFillTheGpuAndZeroYFirst() {
        // 4096 rows = 32 row blocks; 132 SMs want 264 blocks: 9 slices of k (int4 k = 14336: 112 steps)
        assertEquals(9, CudaQGemv.splits(WeightFormat.INT4_G128, 4096, 14336, 132));
        assertEquals(1, CudaQGemv.splits(WeightFormat.FP16, 65536, 4096, 132), "enough row blocks: no split");
        assertEquals(1, CudaQGemv.splits(WeightFormat.INT4_G128, 8, 128, 132), "one step: one slice");
        // no empty slice: 3 steps wanted in 2 slices -> 2 + 1
        assertEquals(2, CudaQGemv.splits(WeightFormat.INT8, 100, 192, 1));
        assertEquals(new LaunchConfig(32 * 9, 256, 0), CudaQGemv.mmaConfig(4096, 9));
        assertEquals("qgemv_int4g128_mma16", CudaQGemv.function(WeightFormat.INT4_G128, 16, true));
        assertEquals("qgemv_fp16_mma64", CudaQGemv.function(WeightFormat.FP16, 17, true));
        List<Object[]> calls = new ArrayList<>();
        CudaQGemv host = new CudaQGemv((module, function, config, args) -> calls.add(new Object[] {module, function, config, args}), 132);
        try (Buffer y = session.allocate(DataType.F32, 16 * 4096); Buffer x = session.allocate(DataType.F16, 16 * 14336);
             Buffer w = session.allocate(DataType.U32, 4096L * 14336 / 8); Buffer s = session.allocate(DataType.F16, 4096L * 112)) {
            host.gemv(WeightFormat.INT4_G128, y, x, w, s, 4096, 14336, 16);
            assertEquals(2, calls.size());
            assertEquals("qgemv_zero", calls.get(0)[1]);
            Object[] zeroArgs = (Object[]) calls.get(0)[3];
            assertTrue(zeroArgs[0] == y);
            assertEquals(16L * 4096, zeroArgs[1]);
            assertEquals("qgemv_int4g128_mma16", calls.get(1)[1]);
            assertEquals(new LaunchConfig(32 * 9, 256, 0), calls.get(1)[2]);
            Object[] args = (Object[]) calls.get(1)[3];
            assertEquals(8, args.length);
            assertTrue(args[0] == y && args[1] == x && args[2] == w && args[3] == s);
            assertEquals(List.of(4096, 14336, 16, 9), List.of(args[4], args[5], args[6], args[7]));
        }
    }
}
