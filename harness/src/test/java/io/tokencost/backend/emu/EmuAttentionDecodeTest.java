package io.tokencost.backend.emu;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.backend.cuda.LaunchConfig;
import io.tokencost.kernels.Tolerance;
import io.tokencost.kernels.attentiondecode.AttentionDecode;
import io.tokencost.kernels.attentiondecode.AttentionDecodeCheck;
import io.tokencost.kernels.attentiondecode.CudaAttentionDecode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kernels/attention_decode.cu compiled for the host, launched through CudaAttentionDecode, against
 * AttentionDecode.reference: GQA groups up to 8, both head dims, odd contexts, and the split-KV
 * reduction with the split count an H100 would pick (many slices, the last one partial).
 */
class EmuAttentionDecodeTest {

    static final double BOUND = 1e-4;
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
    void splitsFillTheGpuWithoutEmptySlices() {
        // Llama-3.1-8B at batch 1: 8 kv heads; 132 SMs want 528 blocks: 66 slices of 2048 tiles, so
        // slices of ceil(2048 / 66) = 32 tiles, of which 64 cover the context
        AttentionDecode.Shape longContext = new AttentionDecode.Shape(1, 32, 8, 128, 131072);
        assertEquals(64, CudaAttentionDecode.splits(longContext, 132));
        assertEquals(new LaunchConfig(8 * 64, 128, 0), CudaAttentionDecode.config(longContext, 64));
        assertEquals(4, CudaAttentionDecode.splits(new AttentionDecode.Shape(1, 32, 8, 128, 1024), 132), "16 tiles: 4 slices of 4");
        assertEquals(2, CudaAttentionDecode.splits(new AttentionDecode.Shape(64, 32, 8, 128, 8192), 132), "512 (b, kv) pairs: 2 slices reach 528");
        assertEquals(1, CudaAttentionDecode.splits(new AttentionDecode.Shape(128, 32, 8, 128, 1024), 132), "1024 pairs fill it");
        assertEquals(1, CudaAttentionDecode.splits(new AttentionDecode.Shape(1, 8, 8, 64, 1), 132));
        assertEquals("attention_decode_int8_hd128_g4", CudaAttentionDecode.function(AttentionDecode.KvFormat.INT8, longContext, false));
        assertEquals("attention_decode_fp16_hd64_g8_p16",
                CudaAttentionDecode.function(AttentionDecode.KvFormat.FP16, new AttentionDecode.Shape(1, 40, 5, 64, 9), true));
    }

    @Test
    void argumentsInTheKernelsOrder() {
        List<Object[]> calls = new ArrayList<>();
        CudaAttentionDecode host = new CudaAttentionDecode((module, function, config, args) -> calls.add(new Object[] {function, config, args}), 132);
        AttentionDecode.Shape s = new AttentionDecode.Shape(2, 8, 2, 64, 1000);
        try (Buffer o = session.allocate(DataType.F32, s.qElements()); Buffer q = session.allocate(DataType.F16, s.qElements());
             Buffer k = session.allocate(DataType.I8, s.kvElements()); Buffer v = session.allocate(DataType.I8, s.kvElements());
             Buffer ks = session.allocate(DataType.F16, s.scaleElements()); Buffer vs = session.allocate(DataType.F16, s.scaleElements());
             Buffer w = session.allocate(DataType.F32, host.workspaceElements(s))) {
            host.decode(AttentionDecode.KvFormat.INT8, o, q, k, v, ks, vs, null, w, s);
            int splits = CudaAttentionDecode.splits(s, 132);
            assertEquals(2, calls.size());
            Object[] main = (Object[]) calls.get(0)[2];
            // contiguous: k stands in for the table the kernel does not read; 63 pages of 16 per sequence
            assertEquals(List.of(w, q, k, v, ks, vs, k, 63, 8, 2, 1000, splits), List.of(main));
            assertEquals(new LaunchConfig(2 * 2 * splits, 128, 0), calls.get(0)[1]);
            assertEquals("attention_decode_combine", calls.get(1)[0]);
            assertEquals(new LaunchConfig(16, 64, 0), calls.get(1)[1]);
            assertEquals(List.of(o, w, 64, splits), List.of((Object[]) calls.get(1)[2]));
            assertEquals(2L * 8 * splits * 66, host.workspaceElements(s));
        }
    }

    /** The split count of a 132-SM GPU on the emulation: many slices, combined. */
    @Test
    void manySlicesCombineToTheReference() {
        CudaAttentionDecode gpuSized = new CudaAttentionDecode(session.kernelLauncher().orElseThrow(), 132);
        SplittableRandom r = new SplittableRandom(9);
        for (AttentionDecode.KvFormat kv : AttentionDecode.KvFormat.values()) {
            for (AttentionDecode.Shape s : List.of(new AttentionDecode.Shape(1, 8, 1, 128, 2000), new AttentionDecode.Shape(2, 16, 2, 64, 2777))) {
                assertTrue(CudaAttentionDecode.splits(s, 132) > 3, s.toString());
                AttentionDecode.Cache cache = AttentionDecode.random(kv, s, r.nextLong());
                short[] q = AttentionDecode.randomQueries(s, r);
                float[] o = new float[s.qElements()];
                try (Buffer bo = session.allocate(DataType.F32, o.length); Buffer bq = session.allocate(DataType.F16, q.length);
                     Buffer bk = session.allocate(kv.type(), s.kvElements()); Buffer bv = session.allocate(kv.type(), s.kvElements());
                     Buffer bks = kv == AttentionDecode.KvFormat.INT8 ? session.allocate(DataType.F16, s.scaleElements()) : null;
                     Buffer bvs = kv == AttentionDecode.KvFormat.INT8 ? session.allocate(DataType.F16, s.scaleElements()) : null;
                     Buffer bw = session.allocate(DataType.F32, gpuSized.workspaceElements(s))) {
                    bq.upload(q);
                    bk.upload(cache.k());
                    bv.upload(cache.v());
                    if (bks != null) {
                        bks.upload(cache.kScales());
                        bvs.upload(cache.vScales());
                    }
                    bo.poison();
                    bw.poison();
                    gpuSized.decode(kv, bo, bq, bk, bv, bks, bvs, null, bw, s);
                    bo.download(o);
                }
                double err = Tolerance.relativeError(o, AttentionDecode.reference(cache, q));
                assertTrue(err < BOUND, kv.id() + " " + s + ": " + err);
            }
        }
    }

    @RepeatedTest(4)
    void randomShapes(RepetitionInfo info) {
        SplittableRandom r = new SplittableRandom(info.getCurrentRepetition() * 13L);
        int kvHeads = 1 + r.nextInt(3);
        AttentionDecode.Shape s = new AttentionDecode.Shape(1 + r.nextInt(2), kvHeads * (1 + r.nextInt(8)), kvHeads,
                r.nextBoolean() ? 64 : 128, 1 + r.nextInt(600));
        for (AttentionDecode.KvFormat kv : AttentionDecode.KvFormat.values()) {
            double err = AttentionDecodeCheck.checkOnce(session, kv, s, r);
            assertTrue(err < BOUND, kv.id() + " " + s + ": " + err);
        }
    }

    /** Paged caches: pages scattered over a pool with spares, a partial last page, odd contexts, both formats. */
    @Test
    void pagedCachesMatchTheContiguousReference() {
        SplittableRandom r = new SplittableRandom(31);
        for (AttentionDecode.KvFormat kv : AttentionDecode.KvFormat.values()) {
            for (AttentionDecode.Shape s : List.of(new AttentionDecode.Shape(3, 8, 2, 64, 1), new AttentionDecode.Shape(2, 16, 2, 128, 333))) {
                double err = AttentionDecodeCheck.checkOnce(session, kv, s, true, r);
                assertTrue(err < BOUND, "paged " + kv.id() + " " + s + ": " + err);
            }
        }
    }
}
