package io.tokencost.kernels.qgemv;

import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.Half;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The layouts, the packer and the half conversion, independent of any backend. */
class QGemvLayoutTest {

    @Test
    void halfConversionRoundTripsEveryHalfAndRoundsToNearestEven() {
        for (int h = 0; h < 65536; h++) {
            float f = Half.toFloat((short) h);
            if (!Float.isNaN(f)) {
                assertEquals(h, Half.fromFloat(f) & 0xffff, "half " + Integer.toHexString(h));
            }
        }
        assertEquals(0x3c00, Half.fromFloat(1.0f) & 0xffff);
        assertEquals(0x3c00, Half.fromFloat(1.00048828125f) & 0xffff);   // halfway: to even
        assertEquals(0x3c01, Half.fromFloat(1.0005f) & 0xffff);                 // just above halfway
        assertEquals(0x7c00, Half.fromFloat(65520f) & 0xffff);           // overflow
        assertEquals(0x0001, Half.fromFloat(5.9604645e-8f) & 0xffff);    // smallest subnormal
        assertEquals(0, Half.fromFloat(2.9802322e-8f) & 0xffff);         // half of it: ties to even (0)
    }

    @Test
    void int4NibblesFollowTheDocumentedOrderAndZeroPoint() {
        // row 0: k = 0..127 with codes u = k % 16; one group, scale 0.5
        int k = 128;
        int[] words = new int[k / 8];
        for (int c = 0; c < k; c++) {
            words[c / 8] |= (c % 16) << (4 * (c % 8));
        }
        QGemv.QuantizedMatrix m = new QGemv.QuantizedMatrix(WeightFormat.INT4_G128, 1, k, words, new short[] {Half.fromFloat(0.5f)});
        for (int c = 0; c < k; c++) {
            assertEquals(((c % 16) - 8) * 0.5, QGemv.weight(m, 0, c), "k=" + c);
        }
    }

    @RepeatedTest(10)
    void packingQuantizesWithinHalfAStepAndTheReferenceUsesThePackedValues(RepetitionInfo info) {
        SplittableRandom r = new SplittableRandom(info.getCurrentRepetition());
        int n = 1 + r.nextInt(20);
        int k = 128 * (1 + r.nextInt(8));
        float[] w = new float[n * k];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextDouble(-1, 1);
        }
        for (WeightFormat f : QGemv.FORMATS) {
            QGemv.QuantizedMatrix m = QGemv.pack(f, w, n, k);
            assertEquals(QGemv.weightElements(f, n, k), java.lang.reflect.Array.getLength(m.weights()));
            for (int row = 0; row < n; row++) {
                for (int c = 0; c < k; c++) {
                    double step = switch (f) {
                        case FP16, BF16 -> Math.abs(w[row * k + c]) * 0x1p-10;   // a half's ulp is at most |w| x 2^-10
                        case INT8 -> Half.toFloat(m.scales()[row]);
                        case INT4_G128 -> Half.toFloat(m.scales()[row * (k / 128) + c / 128]);
                    };
                    assertTrue(Math.abs(QGemv.weight(m, row, c) - w[row * k + c]) <= step / 2 + 1e-7,
                            f + " row " + row + " k " + c + ": " + QGemv.weight(m, row, c) + " vs " + w[row * k + c]);
                }
            }
        }
    }

    @Test
    void referenceIsADotProductOfTheDequantisedRows() {
        short[] w = Half.fromFloats(new float[] {1, 2, 3, -1, 0.5f, 0.25f});     // 2 x 3
        QGemv.QuantizedMatrix m = new QGemv.QuantizedMatrix(WeightFormat.FP16, 2, 3, w, null);
        short[] x = Half.fromFloats(new float[] {1, 1, 1, 2, 0, -1});            // batch 2
        assertArrayEquals(new double[] {6, -0.25, -1, -2.25}, QGemv.reference(m, x, 2), 1e-12);
    }

    @Test
    void workloadCountsWeightsScalesActivationsAndOutput() {
        int n = 4096;
        int k = 14336;
        assertEquals(2L * n * k + 2L * k, QGemv.workload(WeightFormat.FP16, n, k, 1).bytesRead());
        assertEquals((long) n * k + 2L * n + 2L * k, QGemv.workload(WeightFormat.INT8, n, k, 1).bytesRead());
        assertEquals((long) n * k / 2 + 2L * n * (k / 128) + 2L * 16 * k, QGemv.workload(WeightFormat.INT4_G128, n, k, 16).bytesRead());
        assertEquals(4L * 16 * n, QGemv.workload(WeightFormat.INT4_G128, n, k, 16).bytesWritten());
        assertEquals(2L * 16 * n * k, QGemv.workload(WeightFormat.INT8, n, k, 16).flops());
        // past 64 rows: the weights once per chunk of 64, x and y once
        assertEquals(3L * n * k + 2L * 3 * n + 2L * 130 * k, QGemv.workload(WeightFormat.INT8, n, k, 130).bytesRead());
        assertEquals(4L * 130 * n, QGemv.workload(WeightFormat.INT8, n, k, 130).bytesWritten());
        assertEquals(2L * 130 * n * k, QGemv.workload(WeightFormat.INT8, n, k, 130).flops());
        assertEquals(1, QGemv.passes(64));
        assertEquals(2, QGemv.passes(65));
        List<int[]> passes = new ArrayList<>();
        QGemv.forEachPass(130, (first, rows) -> passes.add(new int[] {first, rows}));
        assertEquals(List.of("0+64", "64+64", "128+2"), passes.stream().map(p -> p[0] + "+" + p[1]).toList());
        assertEquals(QGemv.passes(130), passes.size());
    }

    @Test
    void shapesTheLayoutsDoNotDefineAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> QGemv.checkShape(WeightFormat.INT4_G128, 8, 100, 1));
        assertThrows(IllegalArgumentException.class, () -> QGemv.checkShape(WeightFormat.FP16, 8, 128, 0));
        QGemv.checkShape(WeightFormat.FP16, 8, 128, 65);
        // past batch 16 (tensor cores only) k comes in whole steps: 32 (fp16), 64 (int8)
        assertThrows(IllegalArgumentException.class, () -> QGemv.checkShape(WeightFormat.FP16, 8, 100, 17));
        assertThrows(IllegalArgumentException.class, () -> QGemv.checkShape(WeightFormat.INT8, 8, 96, 64));
        QGemv.checkShape(WeightFormat.INT8, 8, 100, 16);
        QGemv.checkShape(WeightFormat.INT8, 8, 128, 64);
        assertThrows(IllegalArgumentException.class, () -> QGemv.checkShape(WeightFormat.BF16, 8, 128, 1));
        assertThrows(IllegalArgumentException.class, () -> QGemv.checkShape(WeightFormat.INT8, 0, 128, 1));
    }

    /** Random weights of every format span about fp16's ±0.05 (standard deviation 0.029): no format's model runs 16x larger activations. */
    @Test
    void randomWeightsOfEveryFormatHaveFp16sSpread() {
        for (WeightFormat f : List.of(WeightFormat.FP16, WeightFormat.INT8, WeightFormat.INT4_G128)) {
            QGemv.QuantizedMatrix m = QGemv.random(f, 64, 512, 3);
            short[] w = f.quantized() ? QGemv.dequantizeReference(m) : (short[]) m.weights();
            double sum = 0;
            double squares = 0;
            for (short h : w) {
                sum += Half.toFloat(h);
                squares += (double) Half.toFloat(h) * Half.toFloat(h);
            }
            double mean = sum / w.length;
            double std = Math.sqrt(squares / w.length - mean * mean);
            assertTrue(std > 0.02 && std < 0.045, f + ": standard deviation " + std);
        }
    }
}
