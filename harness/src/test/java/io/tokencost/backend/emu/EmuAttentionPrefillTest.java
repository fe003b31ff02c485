package io.tokencost.backend.emu;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.backend.cuda.LaunchConfig;
import io.tokencost.kernels.attentionprefill.AttentionPrefill;
import io.tokencost.kernels.attentionprefill.AttentionPrefillCheck;
import io.tokencost.kernels.attentionprefill.CudaAttentionPrefill;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kernels/attention_prefill.cu compiled for the host (mma.sync, ldmatrix and ldmatrix.trans emulated
 * from the PTX ISA), launched through CudaAttentionPrefill, against AttentionPrefill.reference:
 * the causal diagonal inside and across tiles, sequence tails, GQA groups, both types and head dims.
 */
class EmuAttentionPrefillTest {

    static final double BOUND = 5e-3;
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
    void launchShapeAndArguments() {
        AttentionPrefill.Shape s = new AttentionPrefill.Shape(2, 32, 8, 128, 1000);
        assertEquals(new LaunchConfig(2 * 32 * 16, 128, 5 * 64 * 128 * 2), CudaAttentionPrefill.config(s));
        assertEquals("attention_prefill_bf16_hd64", CudaAttentionPrefill.function(DataType.BF16, new AttentionPrefill.Shape(1, 1, 1, 64, 1)));
        List<Object[]> calls = new ArrayList<>();
        CudaAttentionPrefill host = new CudaAttentionPrefill((module, function, config, args) -> calls.add(args));
        AttentionPrefill.Shape small = new AttentionPrefill.Shape(1, 4, 2, 64, 10);
        try (Buffer o = session.allocate(DataType.F16, small.qElements()); Buffer q = session.allocate(DataType.F16, small.qElements());
             Buffer k = session.allocate(DataType.F16, small.kvElements()); Buffer v = session.allocate(DataType.F16, small.kvElements())) {
            host.prefill(DataType.F16, o, q, k, v, small);
            assertEquals(List.of(o, q, k, v, 4, 2, 10), List.of(calls.get(0)));
        }
    }

    @Test
    void tilesTailsAndGroups() {
        SplittableRandom r = new SplittableRandom(21);
        List<AttentionPrefill.Shape> shapes = List.of(new AttentionPrefill.Shape(1, 1, 1, 64, 64),
                new AttentionPrefill.Shape(1, 8, 2, 128, 129), new AttentionPrefill.Shape(2, 3, 3, 64, 97),
                new AttentionPrefill.Shape(1, 8, 1, 64, 190));
        for (DataType type : AttentionPrefill.TYPES) {
            for (AttentionPrefill.Shape s : shapes) {
                double err = AttentionPrefillCheck.checkOnce(session, type, s, r);
                assertTrue(err < BOUND, type + " " + s + ": " + err);
            }
        }
    }
}
