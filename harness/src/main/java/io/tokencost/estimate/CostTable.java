package io.tokencost.estimate;

import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.Price;
import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.attentiondecode.AttentionDecode.KvFormat;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The answer of {@code run}'s default: for one model on one device's measured rows, per weight
 * format, a request of {@code prompt} + {@code output} tokens over an fp16 KV cache at batch 1 (TTFT,
 * TPOT, tokens/s, $ per 1M input and output tokens) and at the largest batch whose KV cache fits
 * ({@link Estimator#maxBatch}, at most {@link #MAX_BATCH}): tokens/s and $ per 1M output tokens, and
 * what bounds each decode step.
 */
public record CostTable(ModelSpec model, String device, int prompt, int output, Optional<Price> price, String priceMissing, long memoryBytes,
                        List<Line> lines, List<String> notes) {

    /** The largest batch the table prices (the cost suite measures up to it; a tiny model's cache leaves room for far more). */
    public static final int MAX_BATCH = 4096;

    /** One weight format's line; {@code atMax} is empty where the weights do not fit the device. */
    public record Line(WeightFormat weights, Estimate atOne, Optional<Estimate> atMax) {
    }

    /**
     * The table for {@code formats} from {@code estimator}'s rows; {@code device} names them in the
     * title, {@code priceMissing} is printed where the estimator has no price.
     */
    public static CostTable of(Estimator estimator, ModelSpec model, List<WeightFormat> formats, int prompt, int output, String device,
                               String priceMissing) {
        int context = Scenario.averageContext(prompt, output);
        List<Line> lines = new ArrayList<>();
        for (WeightFormat f : formats) {
            Estimate one = estimator.estimate(Scenario.plain(model, f, KvFormat.FP16, prompt, output, 1, context, 1));
            long max = Math.min(one.maxBatch(), MAX_BATCH);
            Optional<Estimate> atMax = max < 1 ? Optional.empty()
                    : Optional.of(max == 1 ? one : estimator.estimate(Scenario.plain(model, f, KvFormat.FP16, prompt, output, (int) max, context, 1)));
            lines.add(new Line(f, one, atMax));
        }
        return new CostTable(model, device, prompt, output, estimator.price(), priceMissing, estimator.memoryBytes(), List.copyOf(lines),
                estimator.rates().notes());
    }

    public void print(PrintWriter out) {
        out.printf(Locale.ROOT, "%s on %s: a request of %d prompt + %d output tokens, fp16 KV cache (the estimator on this run's rows)%n",
                model.name(), device, prompt, output);
        out.println("  price: " + price.map(p -> p.perHour() + ", " + p.source()).orElse(priceMissing));
        out.printf(Locale.ROOT, "  %-10s %9s %9s %9s %9s %9s  %-25s %9s %11s %11s%n", "weights", "TTFT", "TPOT", "tok/s", "max batch", "tok/s",
                "decode bound by (b=1/max)", "$/1M in", "$/1M out", "$/1M out");
        out.printf(Locale.ROOT, "  %-10s %9s %9s %9s %9s %9s  %-25s %9s %11s %11s%n", "", "", "", "batch 1", "", "max batch", "", "", "batch 1",
                "max batch");
        for (Line l : lines) {
            Estimate one = l.atOne();
            if (l.atMax().isEmpty()) {
                out.printf(Locale.ROOT, "  %-10s does not fit: %.1f GB of weights, %.0f %% of %.1f GB for weights and KV cache%n", l.weights().id(),
                        model.weightBytes(l.weights()) / 1e9, 100 * Estimator.MEMORY_FOR_MODEL, memoryBytes / 1e9);
                continue;
            }
            Estimate max = l.atMax().get();
            out.printf(Locale.ROOT, "  %-10s %9s %9s %9.1f %9d %9.1f  %-25s %9s %11s %11s%n", l.weights().id(),
                    EstimateReport.seconds(one.ttftS()), EstimateReport.seconds(one.tpotS()),
                    one.outputTokensPerS(), max.scenario().batch(), max.outputTokensPerS(),
                    bound(one.decodeStep()) + " / " + bound(max.decodeStep()),
                    EstimateReport.usd(one.usdPer1mInput()), EstimateReport.usd(one.usdPer1mOutput()), EstimateReport.usd(max.usdPer1mOutput()));
        }
        out.printf(Locale.ROOT, "  (TTFT: the prompt's prefill; TPOT: a decode step at %d tokens of context (prompt + output/2); max batch: the sequences"
                + " whose KV cache fits beside the weights in %.0f %% of memory; $ in: the prefill's device-seconds per prompt token;"
                + " $ out: the decode step's per output token)%n", Scenario.averageContext(prompt, output), 100 * Estimator.MEMORY_FOR_MODEL);
        notes.forEach(n -> out.println("  estimator: " + n));
        out.flush();
    }

    /** The lines as JSON-ready maps (samples.json of the run): the figures at batch 1 and at the largest batch. */
    public List<Map<String, Object>> asJson() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Line l : lines) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("batch_1", new EstimateLine("plain", l.atOne(), null, List.of(), price.map(Price::source).orElse("")).cells());
            l.atMax().ifPresent(e -> m.put("max_batch", new EstimateLine("plain", e, null, List.of(), price.map(Price::source).orElse("")).cells()));
            out.add(m);
        }
        return out;
    }

    /** The decode step's largest share, e.g. {@code weights 91%}. */
    private static String bound(StepTime t) {
        return String.format(Locale.ROOT, "%s %.0f%%", t.bottleneck(), 100 * t.bottleneckShare());
    }
}
