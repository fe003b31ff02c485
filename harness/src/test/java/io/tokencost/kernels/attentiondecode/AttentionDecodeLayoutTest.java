package io.tokencost.kernels.attentiondecode;

import io.tokencost.kernels.Half;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decode-attention layouts, packer, workload and reference on cases whose answers are known. */
class AttentionDecodeLayoutTest {

    @Test
    void shapesTheLayoutsDoNotDefineAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new AttentionDecode.Shape(1, 32, 6, 128, 10));   // 32 % 6
        assertThrows(IllegalArgumentException.class, () -> new AttentionDecode.Shape(1, 32, 2, 128, 10));   // group 16
        assertThrows(IllegalArgumentException.class, () -> new AttentionDecode.Shape(1, 8, 8, 96, 10));
        assertThrows(IllegalArgumentException.class, () -> new AttentionDecode.Shape(1, 8, 8, 64, 0));
        assertThrows(IllegalArgumentException.class, () -> new AttentionDecode.Shape(64, 64, 8, 128, 1 << 20));   // beyond one array
        assertEquals(4, new AttentionDecode.Shape(2, 32, 8, 128, 10).group());
    }

    @Test
    void workloadIsTheCacheReadOnce() {
        // Llama-3.1-8B, one layer: 8 kv heads x 128, context 8192, batch 16
        AttentionDecode.Shape s = new AttentionDecode.Shape(16, 32, 8, 128, 8192);
        long cache = 2L * 16 * 8 * 8192 * 128;   // k and v elements
        assertEquals(cache * 2 + 2L * 16 * 32 * 128, AttentionDecode.workload(AttentionDecode.KvFormat.FP16, s).bytesRead());
        assertEquals(cache + 2L * 16 * 8 * 8192 * 2 + 2L * 16 * 32 * 128,
                AttentionDecode.workload(AttentionDecode.KvFormat.INT8, s).bytesRead());
        assertEquals(4L * 16 * 32 * 128, AttentionDecode.workload(AttentionDecode.KvFormat.INT8, s).bytesWritten());
        assertEquals(4L * 16 * 32 * 8192 * 128, AttentionDecode.workload(AttentionDecode.KvFormat.FP16, s).flops());
    }

    @Test
    void int8PackingRoundTripsWithinHalfAStep() {
        AttentionDecode.Shape s = new AttentionDecode.Shape(2, 4, 2, 64, 37);
        SplittableRandom r = new SplittableRandom(3);
        float[] k = new float[s.kvElements()];
        float[] v = new float[s.kvElements()];
        for (int i = 0; i < k.length; i++) {
            k[i] = (float) r.nextDouble(-3, 3);
            v[i] = (float) r.nextDouble(-0.01, 0.01);
        }
        AttentionDecode.Cache c = AttentionDecode.pack(AttentionDecode.KvFormat.INT8, s, k, v);
        for (int i = 0; i < k.length; i++) {
            int token = i / 64;
            double kStep = Half.toFloat(c.kScales()[token]);
            double vStep = Half.toFloat(c.vScales()[token]);
            assertTrue(Math.abs(AttentionDecode.value(c, true, i) - k[i]) <= kStep / 2 + 1e-9, "k " + i);
            assertTrue(Math.abs(AttentionDecode.value(c, false, i) - v[i]) <= vStep / 2 + 1e-9, "v " + i);
        }
    }

    @Test
    void theReferenceAveragesTheValuesOfEqualKeysAndCopiesASingleOne() {
        // every key equal: softmax is uniform, o = the mean of the value rows; one token: o = its value row
        AttentionDecode.Shape s = new AttentionDecode.Shape(1, 2, 1, 64, 3);
        float[] k = new float[s.kvElements()];
        float[] v = new float[s.kvElements()];
        java.util.Arrays.fill(k, 0.25f);
        for (int t = 0; t < 3; t++) {
            for (int i = 0; i < 64; i++) {
                v[t * 64 + i] = t + i / 64f;
            }
        }
        AttentionDecode.Cache c = AttentionDecode.pack(AttentionDecode.KvFormat.FP16, s, k, v);
        short[] q = AttentionDecode.randomQueries(s, new SplittableRandom(1));
        double[] o = AttentionDecode.reference(c, q);
        for (int h = 0; h < 2; h++) {
            for (int i = 0; i < 64; i++) {
                assertEquals(1 + Half.toFloat(Half.fromFloat(i / 64f)), o[h * 64 + i], 1e-9);
            }
        }
        AttentionDecode.Shape one = new AttentionDecode.Shape(1, 8, 1, 128, 1);
        AttentionDecode.Cache single = AttentionDecode.random(AttentionDecode.KvFormat.INT8, one, 5);
        double[] o1 = AttentionDecode.reference(single, AttentionDecode.randomQueries(one, new SplittableRandom(2)));
        for (int h = 0; h < 8; h++) {
            for (int i = 0; i < 128; i++) {
                assertEquals(AttentionDecode.value(single, false, i), o1[h * 128 + i], 1e-12);
            }
        }
    }
}
