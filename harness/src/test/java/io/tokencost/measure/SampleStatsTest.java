package io.tokencost.measure;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SampleStatsTest {

    @Test
    void medianMinMeanAndNoiseByHand() {
        SampleStats s = SampleStats.of(new double[] {4, 1, 3, 2});
        assertEquals(4, s.count());
        assertEquals(2.5, s.median());
        assertEquals(1, s.min());
        assertEquals(2.5, s.mean());
        // sample stddev of 1..4 = sqrt(5/3); over the mean 2.5
        assertEquals(Math.sqrt(5.0 / 3) / 2.5, s.noiseRel(), 1e-12);
    }

    @Test
    void oddCountMedianAndSingleSample() {
        assertEquals(3, SampleStats.of(new double[] {5, 3, 1}).median());
        SampleStats one = SampleStats.of(new double[] {7});
        assertEquals(0, one.noiseRel());
        assertEquals(7, one.median());
    }

    /**
     * The median's 95 % interval by hand: 100 samples 1..100, ranks 50 ∓ 9.8 → 40 and 61 (the order
     * statistics, 1-based), half of (61 − 40) over the median 50.5; a tight sample's is near 0.
     */
    @Test
    void theMediansIntervalComesFromOrderStatistics() {
        double[] ramp = new double[100];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = i + 1;
        }
        SampleStats s = SampleStats.of(ramp);
        assertEquals((61 - 40) / 2.0 / 50.5, s.medianCiRel(), 1e-12);
        assertTrue(s.noisy(), "a spread of ±58 %: noisy");
        double[] tight = new double[1000];
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < tight.length; i++) {
            tight[i] = 1 + 0.01 * r.nextGaussian();
        }
        SampleStats t = SampleStats.of(tight);
        assertTrue(t.medianCiRel() < 0.002 && !t.noisy(), t.toString());
        assertEquals(0, SampleStats.of(new double[] {2, 2}).medianCiRel());
    }

    @Test
    void noSamplesIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> SampleStats.of(new double[0]));
    }

    @Test
    void ratesComeFromTheDeclaredWork() {
        Workload w = new Workload(3_000, 1_000, 500);
        assertEquals(4_000 / 2e-6, Rates.bytesPerSecond(w, 2e-6), 1e-3);
        assertEquals(500 / 2e-6, Rates.flopsPerSecond(w, 2e-6), 1e-3);
        assertEquals(50.0, Rates.percentOf(1.5e12, 3e12), 1e-12);
        assertEquals(Double.NaN, Rates.percentOf(1, 0));
    }
}
