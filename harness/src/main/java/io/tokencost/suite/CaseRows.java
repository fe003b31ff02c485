package io.tokencost.suite;

import io.tokencost.kernels.CheckResult;
import io.tokencost.measure.KernelSamples;
import io.tokencost.measure.Rates;
import io.tokencost.measure.SampleStats;
import io.tokencost.measure.energy.EnergyPerToken;
import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;
import io.tokencost.results.RunIdentity;

import java.util.List;
import java.util.OptionalDouble;

/** Turns one measured case into its results row: statistics, clocks, verification, derived rates, energy. */
public final class CaseRows {

    /** nvbench flags samples taken below 75 % of the nominal SM clock as throttled. */
    static final double THROTTLE_FRACTION = 0.75;

    private CaseRows() {
    }

    /**
     * @param measuredBw the run's measured memory ceiling in bytes/s for pct_of_measured_bw, or NaN
     *                   (memory-suite rows are that ceiling themselves)
     */
    public static ResultRow of(RunIdentity id, BenchCase c, KernelSamples.Raw raw, CheckResult check,
                               double nominalClockMhz, double measuredBw) {
        SampleStats s = SampleStats.of(raw.kernelSecondsArray());
        ResultRow row = new ResultRow().setAll(id.cells())
                .set(Column.SUITE, c.suite())
                .set(Column.KERNEL, c.kernel())
                .set(Column.DTYPE, c.dtype())
                .set(Column.WEIGHT_FORMAT, c.weightFormat());
        c.shape().forEach(row::set);
        row.set(Column.SAMPLES, s.count())
                .set(Column.TIME_MEDIAN_S, s.median())
                .set(Column.TIME_MIN_S, s.min())
                .set(Column.TIME_MEAN_S, s.mean())
                .set(Column.NOISE_REL, s.noiseRel())
                .set(Column.MEDIAN_CI_REL, s.medianCiRel())
                .set(Column.NOISY, s.noisy() ? "yes" : "no")
                .set(Column.L2, c.l2())
                .set(Column.VERIFIED, Boolean.toString(check.passed()))
                .set(Column.MAX_REL_ERROR, check.maxRelError());
        if (!raw.batchSecondsPerLaunch().isEmpty()) {
            row.set(Column.BATCH_TIME_S, median(raw.batchSecondsPerLaunch()));
        }
        List<Double> clocks = raw.clockMhz();
        if (!clocks.isEmpty()) {
            double min = clocks.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            double max = clocks.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            row.set(Column.CLOCK_MHZ_MIN, min).set(Column.CLOCK_MHZ_MAX, max);
            if (nominalClockMhz > 0) {
                row.set(Column.THROTTLED, Boolean.toString(min < THROTTLE_FRACTION * nominalClockMhz));
            }
        }
        double bw = Rates.bytesPerSecond(c.workload(), s.median());
        row.set(Column.BYTES_MOVED, c.workload().bytesMoved())
                .set(Column.FLOPS, c.workload().flops())
                .set(Column.BYTES_PER_S, bw)
                .set(Column.FLOPS_PER_S, Rates.flopsPerSecond(c.workload(), s.median()))
                .set(Column.PCT_OF_PEAK_BW, Rates.percentOf(bw, id.device().peakBandwidthBytesPerS()))
                .set(Column.PCT_OF_MEASURED_BW, Rates.percentOf(bw, Double.isNaN(measuredBw) ? 0 : measuredBw));
        // a decode step yields one token per sequence; a prefill takes in its prompt (input tokens)
        Long tokens = c.suite().equals("decode") ? c.shape().get(Column.BATCH) : c.suite().equals("prefill") ? c.shape().get(Column.SEQ_LEN) : null;
        if (tokens != null) {
            row.set(Column.TOKENS_PER_S, tokens / s.median());
        }
        if (!raw.energyJoulesPerLaunch().isEmpty()) {
            double joules = median(raw.energyJoulesPerLaunch());
            row.set(Column.ENERGY_J, joules)
                    .set(Column.POWER_W, joules / s.median())
                    .set(Column.ENERGY_METER, raw.energyMeter());
            if (tokens != null) {
                EnergyPerToken.of(raw.energyJoulesPerLaunch(), tokens, OptionalDouble.empty()).ifPresent(e -> row.set(Column.J_PER_TOKEN, e.joulesPerToken()));
            }
        }
        return row;
    }

    private static double median(List<Double> values) {
        return SampleStats.of(values.stream().mapToDouble(Double::doubleValue).toArray()).median();
    }
}
