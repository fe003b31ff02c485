package io.tokencost.compare;

import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;

/**
 * nvbench's rule (its compare script): the relative difference in time (per byte) against the baseline is SAME
 * when it lies within the noise of both runs (the smaller of their relative noises), else FASTER or
 * SLOWER. A run without a noise figure counts as noiseless.
 */
public enum Verdict {
    SAME, FASTER, SLOWER;

    /**
     * (cmp − ref) / ref of the median time per byte: the times' difference when both moved the same
     * bytes, and a bandwidth comparison when the sizes follow each device (the memory suite's working
     * sets). Rows without bytes compare their times.
     */
    public static double difference(ResultRow ref, ResultRow cmp) {
        double refRate = ref.number(Column.BYTES_PER_S);
        double cmpRate = cmp.number(Column.BYTES_PER_S);
        if (refRate > 0 && cmpRate > 0) {
            return refRate / cmpRate - 1;
        }
        double r = ref.number(Column.TIME_MEDIAN_S);
        return (cmp.number(Column.TIME_MEDIAN_S) - r) / r;
    }

    public static Verdict of(ResultRow ref, ResultRow cmp) {
        double diff = difference(ref, cmp);
        double noise = Math.min(noise(ref), noise(cmp));
        if (Math.abs(diff) <= noise) {
            return SAME;
        }
        return diff < 0 ? FASTER : SLOWER;
    }

    private static double noise(ResultRow r) {
        double n = r.number(Column.NOISE_REL);
        return Double.isNaN(n) ? 0 : n;
    }
}
