package io.tokencost.measure;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;
import org.openjdk.jmh.runner.IterationType;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Reports the kernel time measured on the device clock as JMH secondary results, so they appear in
 * JMH's own output as {@code <benchmark>:kernel_time_median} etc. Every label is reported in every
 * iteration (a missing one would aggregate as zero). Use: {@code -prof io.tokencost.measure.KernelTimeProfiler}.
 */
public final class KernelTimeProfiler implements InternalProfiler {

    /** The label of an iteration's sample count (summed over iterations). */
    public static final String SAMPLES = "kernel_samples";

    @Override
    public String getDescription() {
        return "kernel time on the device's own clock (CUDA events / nanoTime), per invocation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        KernelSamples.get().beginIteration(iterationParams.getType() == IterationType.WARMUP);
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        KernelSamples recorder = KernelSamples.get();
        // read before endIteration() clears them
        List<Double> clocks = recorder.iterationClocksMhz();
        List<Double> batch = recorder.iterationBatchSeconds();
        List<Double> samples = recorder.endIteration();
        double[] values = samples.stream().mapToDouble(Double::doubleValue).toArray();
        SampleStats s = values.length > 0 ? SampleStats.of(values) : new SampleStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        List<Result> out = new ArrayList<>();
        // microseconds: JMH prints seconds-scale kernel times as "≈ 10⁻⁴"
        out.add(new ScalarResult("kernel_time_median", s.median() * 1e6, "us", AggregationPolicy.AVG));
        out.add(new ScalarResult("kernel_time_min", s.min() * 1e6, "us", AggregationPolicy.MIN));
        out.add(new ScalarResult(SAMPLES, s.count(), "#", AggregationPolicy.SUM));
        Workload w = recorder.workload();
        if (w != null) {
            out.add(new ScalarResult("bandwidth", Rates.bytesPerSecond(w, s.median()) / 1e9, "GB/s", AggregationPolicy.AVG));
            out.add(new ScalarResult("flop_rate", Rates.flopsPerSecond(w, s.median()) / 1e9, "GFLOP/s", AggregationPolicy.AVG));
        }
        // GPU trials read the clock and time batches in every iteration, CPU trials in none:
        // so within one benchmark every label appears in every iteration
        if (!clocks.isEmpty()) {
            out.add(new ScalarResult("sm_clock_min", clocks.stream().mapToDouble(Double::doubleValue).min().orElseThrow(), "MHz", AggregationPolicy.MIN));
        }
        if (!batch.isEmpty()) {
            out.add(new ScalarResult("kernel_time_batch", batch.stream().mapToDouble(Double::doubleValue).average().orElseThrow() * 1e6,
                    "us", AggregationPolicy.AVG));
        }
        return out;
    }
}
