package io.tokencost.estimate;

import io.tokencost.cost.ModelPresets;
import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.Price;
import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.attentiondecode.AttentionDecode.KvFormat;
import io.tokencost.results.Column;
import io.tokencost.results.RunResults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties every estimate must keep, on the rows this repository ships from the CPU dev VM
 * (results/reference/cpu-dev-vm: qgemv, gemm and attention quick runs) and on round synthetic GPU
 * rows: a longer context never costs less per output token, a bigger batch never more (while it
 * fits), a higher cache-hit rate never raises the input cost, int4 weights beat fp16 at batch 1.
 */
class EstimatorPropertiesTest {

    static final Path REFERENCE = Path.of("..", "results", "reference", "cpu-dev-vm");

    static Estimator cpu() {
        RunResults runs = RunResults.of(List.of(REFERENCE.resolve("gemm-qgemv-quick"), REFERENCE.resolve("attention-quick")));
        long memory = (long) Double.parseDouble(runs.identity(Column.MEMORY_BYTES));
        return new Estimator(MeasuredRates.of(runs.rows()), runs.identity(Column.DEVICE_NAME), memory, Optional.of(Price.userGiven(0.1)));
    }

    static Estimator gpu() {
        return new Estimator(MeasuredRates.of(SyntheticRuns.rows("NVIDIA H100 80GB HBM3", 80L << 30)), "NVIDIA H100 80GB HBM3", 80L << 30,
                Optional.of(Price.userGiven(3.78)));
    }

    static List<ModelSpec> presets() {
        return ModelPresets.names().stream().map(ModelPresets::byName).toList();
    }

    static Scenario scenario(ModelSpec m, WeightFormat f, KvFormat kv, int batch, int context) {
        return Scenario.plain(m, f, kv, 1024, 128, batch, context, 1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void aLongerContextNeverCostsLessPerOutputToken(ModelSpec m) {
        for (Estimator est : List.of(cpu(), gpu())) {
            for (KvFormat kv : KvFormat.values()) {
                for (int batch : new int[] {1, 4, 16, 64}) {
                    double previous = 0;
                    for (int context = 512; context <= 131072; context *= 2) {
                        double usd = est.estimate(scenario(m, WeightFormat.INT8, kv, batch, context)).usdPer1mOutput();
                        assertTrue(usd >= previous, m.name() + " " + kv + " batch " + batch + " context " + context + ": " + usd + " < " + previous);
                        previous = usd;
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void aBiggerBatchNeverCostsMorePerOutputTokenWhileItFits(ModelSpec m) {
        for (Estimator est : List.of(cpu(), gpu())) {
            for (WeightFormat f : List.of(WeightFormat.FP16, WeightFormat.INT8, WeightFormat.INT4_G128)) {
                for (int context : new int[] {1024, 8192}) {
                    double previous = Double.POSITIVE_INFINITY;
                    for (int batch = 1; batch <= 256; batch += batch < 16 ? 1 : 8) {
                        Estimate e = est.estimate(scenario(m, f, KvFormat.FP16, batch, context));
                        if (!e.fits()) {
                            break;
                        }
                        assertTrue(e.usdPer1mOutput() <= previous * (1 + 1e-12), m.name() + " " + f + " context " + context + " batch " + batch);
                        previous = e.usdPer1mOutput();
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void aHigherCacheHitRateNeverRaisesTheInputCost(ModelSpec m) {
        for (Estimator est : List.of(cpu(), gpu())) {
            double previous = Double.POSITIVE_INFINITY;
            for (int tenth = 0; tenth < 10; tenth++) {
                double usd = est.estimate(scenario(m, WeightFormat.FP16, KvFormat.FP16, 1, 2048).withCachedFraction(tenth / 10.0)).usdPer1mInput();
                assertTrue(usd <= previous, m.name() + " cached " + tenth + "/10");
                previous = usd;
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void int4WeightsCostLessThanFp16AtBatch1(ModelSpec m) {
        for (Estimator est : List.of(cpu(), gpu())) {
            Estimate int4 = est.estimate(scenario(m, WeightFormat.INT4_G128, KvFormat.FP16, 1, 1024));
            Estimate fp16 = est.estimate(scenario(m, WeightFormat.FP16, KvFormat.FP16, 1, 1024));
            assertTrue(int4.usdPer1mOutput() < fp16.usdPer1mOutput(), m.name() + ": " + int4.usdPer1mOutput() + " vs " + fp16.usdPer1mOutput());
        }
    }

    @Test
    void memoryHonesty() {
        // 25 GB of host memory: Llama-3.1-70B does not fit in any format, 8B in int4 holds 15 sequences of 8k
        Estimator cpu = cpu();
        Estimate big = cpu.estimate(scenario(ModelPresets.byName("Llama-3.1-70B"), WeightFormat.INT4_G128, KvFormat.FP16, 1, 1024));
        assertEquals(0, big.maxBatch());
        assertTrue(!big.fits());
        Estimate small = cpu.estimate(scenario(ModelPresets.byName("Llama-3.1-8B"), WeightFormat.INT4_G128, KvFormat.FP16, 1, 8192));
        assertEquals(15, small.maxBatch());
    }
}
