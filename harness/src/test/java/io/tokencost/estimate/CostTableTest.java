package io.tokencost.estimate;

import io.tokencost.cost.Hardware;
import io.tokencost.cost.Price;
import io.tokencost.cost.PriceCatalog;
import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.qgemv.QGemv;
import io.tokencost.results.ResultRow;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.tokencost.estimate.SyntheticRuns.TINY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The default run's answer as printed, for hand-made rows (the tiny model on {@link SyntheticRuns}'
 * round rates, with dequantisation and ops rows): golden output for a host priced per vCPU and a GPU
 * priced per device from the catalog, and the $ columns against the times they come from.
 */
class CostTableTest {

    private static List<ResultRow> rows(long memory) {
        List<ResultRow> rows = new ArrayList<>(SyntheticRuns.rows("test", memory));
        for (String f : List.of("int8", "int4_g128")) {
            rows.add(SyntheticRuns.dequantizeRow("test", memory, f, 4e10));
        }
        for (int tokens : new int[] {1, 16}) {
            rows.add(SyntheticRuns.opsRow("test", memory, false, tokens, 2e-5 * tokens));
        }
        rows.add(SyntheticRuns.opsRow("test", memory, true, 1024, 1e-3));
        return rows;
    }

    private static CostTable table(long memory, Optional<Price> price, String device) {
        Estimator estimator = new Estimator(MeasuredRates.of(rows(memory)), device, memory, price);
        return CostTable.of(estimator, TINY, List.of(QGemv.FORMATS), 1024, 128, device, "no price: add --price-per-hour USD");
    }

    private static String printed(CostTable t) {
        StringWriter s = new StringWriter();
        t.print(new PrintWriter(s));
        return s.toString();
    }

    @Test
    void aHostsTableIsPricedPerVcpuAtItsThreads() {
        Price price = PriceCatalog.load().lookup(new Hardware("AMD EPYC", true, 2)).orElseThrow();
        CostTable t = table(2_000_000_000L, Optional.of(price), "AMD EPYC (cpu, 2 threads)");
        assertEquals("""
                tiny on AMD EPYC (cpu, 2 threads): a request of 1024 prompt + 128 output tokens, fp16 KV cache (the estimator on this run's rows)
                  price: $0.1008/h, 2 vCPUs (the threads this run used) x $0.0504/vCPU-h, on_demand 2023-08-02: AWS EC2 m7i.large (2 vCPU, 8 GiB; general purpose, x86) $0.1008/h Linux us-east-1 = $0.0504/vCPU-h, https://aws.amazon.com/ec2/pricing/on-demand/ (its list price at the M7i launch)
                  weights         TTFT      TPOT     tok/s max batch     tok/s  decode bound by (b=1/max)   $/1M in    $/1M out    $/1M out
                                                   batch 1           max batch                                          batch 1   max batch
                  fp16         47.3 ms    1.0 ms     966.3       740    5100.3  compute 51% / compute 68%    0.0013      0.0290      0.0055
                  int8         48.6 ms    679 µs    1472.9       748    5423.8  compute 52% / compute 66%    0.0013      0.0190      0.0052
                  int4_g128    48.4 ms    506 µs    1977.7       751    5762.3  compute 53% / compute 64%    0.0013      0.0142      0.0049
                  (TTFT: the prompt's prefill; TPOT: a decode step at 1088 tokens of context (prompt + output/2); max batch: the sequences whose KV cache fits beside the weights in 90 % of memory; $ in: the prefill's device-seconds per prompt token; $ out: the decode step's per output token)
                """, printed(t).lines().filter(l -> !l.contains("estimator:")).map(l -> l + "\n").reduce("", String::concat));
        assertDollarsFollowTheTimes(t, 0.1008);
    }

    @Test
    void aGpusTableIsPricedPerDevice() {
        Price price = PriceCatalog.load().lookup("NVIDIA H100 80GB HBM3").orElseThrow();
        CostTable t = table(1_000_000_000L, Optional.of(price), "NVIDIA H100 80GB HBM3 (cuda:0)");
        assertEquals("""
                tiny on NVIDIA H100 80GB HBM3 (cuda:0): a request of 1024 prompt + 128 output tokens, fp16 KV cache (the estimator on this run's rows)
                  price: $3.49/h, on_demand 2026-09-25: RunPod Secure Cloud H100 $3.49/GPU-h, https://www.runpod.io/pricing (read)
                  weights         TTFT      TPOT     tok/s max batch     tok/s  decode bound by (b=1/max)   $/1M in    $/1M out    $/1M out
                                                   batch 1           max batch                                          batch 1   max batch
                  fp16         47.3 ms    1.0 ms     966.3       359    5100.3  compute 51% / compute 68%    0.0448        1.00      0.1901
                  int8         48.6 ms    679 µs    1472.9       366    5423.8  compute 52% / compute 66%    0.0460      0.6582      0.1787
                  int4_g128    48.4 ms    506 µs    1977.7       370    5762.3  compute 53% / compute 64%    0.0458      0.4902      0.1682
                  (TTFT: the prompt's prefill; TPOT: a decode step at 1088 tokens of context (prompt + output/2); max batch: the sequences whose KV cache fits beside the weights in 90 % of memory; $ in: the prefill's device-seconds per prompt token; $ out: the decode step's per output token)
                """, printed(t).lines().filter(l -> !l.contains("estimator:")).map(l -> l + "\n").reduce("", String::concat));
        assertDollarsFollowTheTimes(t, 3.49);
    }

    /** $ per 1M input tokens = price per second x TTFT / prompt; output = price per second x TPOT / batch. */
    private static void assertDollarsFollowTheTimes(CostTable t, double usdPerHour) {
        assertEquals(3, t.lines().size());
        for (CostTable.Line l : t.lines()) {
            Estimate one = l.atOne();
            assertEquals(usdPerHour / 3600 * one.ttftS() / 1024 * 1e6, one.usdPer1mInput(), 1e-9 * one.usdPer1mInput());
            assertEquals(usdPerHour / 3600 * one.tpotS() * 1e6, one.usdPer1mOutput(), 1e-9 * one.usdPer1mOutput());
            Estimate max = l.atMax().orElseThrow();
            assertEquals(one.maxBatch(), max.scenario().batch(), l.weights().id());
            assertEquals(usdPerHour / 3600 * max.tpotS() / max.scenario().batch() * 1e6, max.usdPer1mOutput(), 1e-9 * max.usdPer1mOutput());
            assertTrue(max.usdPer1mOutput() < one.usdPer1mOutput(), l.weights().id() + ": batching makes output tokens cheaper");
        }
    }

    /** Weights that leave no room for a sequence's cache: the line says so instead of pricing a batch. */
    @Test
    void aFormatThatDoesNotFitIsSaid() {
        long memory = (long) (TINY.weightBytes(WeightFormat.FP16) / 0.9) - 1;
        CostTable t = table(memory, Optional.empty(), "small device");
        String out = printed(t);
        assertTrue(out.contains("price: no price: add --price-per-hour USD"), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("  fp16       does not fit: ")), out);
        assertTrue(t.lines().get(0).atMax().isEmpty());
        assertTrue(t.lines().get(2).atMax().isPresent(), "int4 weights are a quarter: they fit");
    }
}
