package io.tokencost.cli;

import io.tokencost.cost.Hardware;
import io.tokencost.cost.ModelPresets;
import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.Price;
import io.tokencost.cost.WeightFormat;
import io.tokencost.estimate.ApiPrice;
import io.tokencost.estimate.Estimate;
import io.tokencost.estimate.EstimateLine;
import io.tokencost.estimate.EstimateReport;
import io.tokencost.estimate.Estimator;
import io.tokencost.estimate.Interconnect;
import io.tokencost.estimate.Levers;
import io.tokencost.estimate.Scenario;
import io.tokencost.estimate.Speculation;
import io.tokencost.estimate.TrafficMix;
import io.tokencost.kernels.attentiondecode.AttentionDecode.KvFormat;
import io.tokencost.results.Column;
import io.tokencost.results.RunResults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code tokencost estimate}: measured kernel rates in, TTFT / TPOT / tokens per second / $ per 1M tokens out. */
@Command(name = "estimate", mixinStandardHelpOptions = true,
        description = {"Estimates TTFT, TPOT, tokens/s and $ per 1M input and output tokens for a model from measured kernel rows "
                + "(default: the newest run's device, every run of it under results/runs), with the cost levers as deltas.",
                "Metric names as vLLM's benchmark defines them. docs/estimator.md gives every rule."})
final class EstimateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ResultsOption results;

    @Option(names = "--model", paramLabel = "MODEL", defaultValue = "Llama-3.1-8B", description = "A preset or a Hugging Face config.json (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--weights", paramLabel = "FORMAT", defaultValue = "fp16", description = "fp16, bf16, int8 or int4 (= int4_g128) (default: ${DEFAULT-VALUE}).")
    String weights;

    @Option(names = "--kv", paramLabel = "FORMAT", defaultValue = "fp16", description = "KV-cache format: fp16 or int8 (default: ${DEFAULT-VALUE}).")
    String kv;

    @Option(names = "--prompt", paramLabel = "TOKENS", defaultValue = "1024", description = "Input tokens per request (default: ${DEFAULT-VALUE}, vLLM's random dataset).")
    int prompt;

    @Option(names = "--output", paramLabel = "TOKENS", defaultValue = "128", description = "Output tokens per request (default: ${DEFAULT-VALUE}, vLLM's random dataset).")
    int output;

    @Option(names = "--batch", paramLabel = "LIST", defaultValue = "1", description = "Sequences decoding together: a list (1,8,64) or a doubling sweep (1..64) (default: ${DEFAULT-VALUE}).")
    String batch;

    @Option(names = "--context", paramLabel = "LIST", description = "KV tokens each decode step reads: a list or a doubling sweep (default: prompt + output/2, the average).")
    String context;

    @Option(names = "--tp", paramLabel = "N", defaultValue = "1", description = "Tensor-parallel devices (link figures from the catalog, labelled assumptions) (default: ${DEFAULT-VALUE}).")
    int tp;

    @Mixin
    PriceOption price;

    @Option(names = "--cached-prefix", paramLabel = "FRACTION", description = "Lever: this fraction of each prompt comes from a prompt cache (its prefill is skipped).")
    Double cachedPrefix;

    @Option(names = "--draft", paramLabel = "MODEL", description = "Lever: speculative decoding with this draft model (with --draft-tokens and --acceptance).")
    String draft;

    @Option(names = "--draft-tokens", paramLabel = "K", defaultValue = "4", description = "Tokens the draft proposes per step (default: ${DEFAULT-VALUE}).")
    int draftTokens;

    @Option(names = "--acceptance", paramLabel = "RATE", defaultValue = "0.7", description = "Probability each drafted token is accepted (default: ${DEFAULT-VALUE}).")
    double acceptance;

    @Option(names = "--mix", paramLabel = "MODEL:SHARE,...", description = "Lever: requests split across models (shares sum to 1); prints the blend.")
    String mix;

    @Option(names = "--utilisation", paramLabel = "FRACTION", description = "Lever: the share of time the devices do work; an idle device still costs ($ / utilisation).")
    Double utilisation;

    @Option(names = "--api-price", paramLabel = "IN,OUT", description = "API list price per 1M input,output tokens for the break-even (default: every provider the API price catalog lists for the model).")
    String apiPrice;

    @Option(names = "--csv", paramLabel = "FILE", description = "Also write the lines as CSV.")
    Path csv;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the lines, sources and notes as JSON.")
    Path json;

    @Override
    public Integer call() {
        // every input is checked before anything is read
        ModelSpec target = ModelPresets.resolve(model);
        WeightFormat format = WeightFormat.parse(weights);
        KvFormat kvFormat = KvFormat.of(kv);
        price.check();
        Levers levers = new Levers(Optional.ofNullable(cachedPrefix),
                draft == null ? Optional.empty() : Optional.of(new Speculation(ModelPresets.resolve(draft), draftTokens, acceptance)),
                Optional.ofNullable(utilisation));
        Optional<TrafficMix> trafficMix = mix == null ? Optional.empty() : Optional.of(TrafficMix.parse(mix));
        List<ApiPrice> apis = apiPrice != null ? List.of(ApiPrice.parse(apiPrice)) : ApiPrice.catalog(target.name());
        List<Scenario> plains = scenarios(target, format, kvFormat, levers, trafficMix);

        RunResults runs = results.load();
        Hardware hardware = Hardware.of(runs.rows().get(0));
        Optional<Price> devicePrice = price.resolve(hardware);
        Estimator estimator = Estimator.forRows(runs.rows(), devicePrice);
        String title = String.format(Locale.ROOT, "%s, %s weights, %s KV, prompt %d + output %d tokens, %d device(s)", target.name(), format.id(),
                kvFormat.id(), prompt, output, tp);
        EstimateReport report = new EstimateReport(title, sources(runs, estimator, devicePrice, hardware));
        String priceSource = devicePrice.map(Price::source).orElse("");
        for (Scenario plain : plains) {
            Estimate base = estimator.estimate(plain);
            report.add(new EstimateLine("plain", base, null, apis, priceSource));
            for (Levers.Variant v : levers.variants(plain)) {
                report.add(new EstimateLine(v.label(), estimator.estimate(v.scenario()), base, apis, priceSource));
            }
            if (trafficMix.isPresent()) {
                List<Estimate> perModel = trafficMix.get().shares().stream().map(sh -> estimator.estimate(plain.withModel(sh.model()))).toList();
                report.addMix(trafficMix.get(), perModel, new EstimateLine("plain", base, null, List.of(), priceSource));
            }
        }
        estimator.rates().notes().forEach(report::note);
        if (tp > 1) {
            report.note(Interconnect.lookup(hardware.name()).orElseThrow().assumption());
        }
        apis.forEach(a -> report.note(a.describe()));
        report.note("prefill is costed at batch 1 (compute-bound; batching prompts changes little), decode steps at the batch; "
                + "input $ = TTFT's device-seconds per prompt token, output $ = TPOT / batch");
        write(report);
        return 0;
    }

    /** The plain scenarios, context by batch; each built (and so validated) with its levers and mix before anything is read. */
    private List<Scenario> scenarios(ModelSpec target, WeightFormat format, KvFormat kvFormat, Levers levers, Optional<TrafficMix> trafficMix) {
        List<Integer> batches = sweep("--batch", batch);
        List<Integer> contexts = context == null ? List.of(Scenario.averageContext(prompt, output)) : sweep("--context", context);
        List<Scenario> plains = new ArrayList<>();
        for (int c : contexts) {
            for (int b : batches) {
                Scenario plain = Scenario.plain(target, format, kvFormat, prompt, output, b, c, tp);
                levers.variants(plain);
                trafficMix.ifPresent(m -> m.shares().forEach(sh -> plain.withModel(sh.model())));
                plains.add(plain);
            }
        }
        return plains;
    }

    /** Where the figures come from: the measured rows and the price, one line each. */
    private static List<String> sources(RunResults runs, Estimator estimator, Optional<Price> devicePrice, Hardware hardware) {
        String files = runs.files().size() == 1 ? RunResults.describe(runs.files().get(0))
                : RunResults.describe(runs.files().get(runs.files().size() - 1)) + " and " + (runs.files().size() - 1) + " earlier run(s)";
        return List.of(String.format(Locale.ROOT, "measured on %s (%s), %.1f GB, read ceiling %.1f GB/s: %s", runs.identity(Column.DEVICE_NAME),
                        runs.identity(Column.BACKEND), estimator.memoryBytes() / 1e9, estimator.rates().readBytesPerS() / 1e9, files),
                devicePrice.map(p -> "price " + p.perHour() + " per device (" + p.source() + ")").orElse(PriceOption.missing(hardware)));
    }

    /** The table, and the CSV and JSON where asked. */
    private void write(EstimateReport report) {
        PrintWriter out = spec.commandLine().getOut();
        report.printTable(out);
        try {
            if (csv != null) {
                report.writeCsv(csv);
                out.println("wrote " + csv);
            }
            if (json != null) {
                report.writeJson(json);
                out.println("wrote " + json);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write " + e.getMessage(), e);
        }
        out.flush();
    }

    /** "1,8,64" or "1..64" (powers of two from the first to the last). */
    static List<Integer> sweep(String option, String text) {
        List<Integer> values = new ArrayList<>();
        try {
            if (text.contains("..")) {
                String[] ends = text.split("\\.\\.", -1);
                int from = Integer.parseInt(ends[0].trim());
                int to = Integer.parseInt(ends[1].trim());
                if (ends.length != 2 || from < 1 || to < from) {
                    throw new NumberFormatException();
                }
                for (long v = from; v <= to; v *= 2) {
                    values.add((int) v);
                }
            } else {
                for (String part : text.split(",", -1)) {
                    values.add(Integer.parseInt(part.trim()));
                }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes positive whole numbers as a list (1,8,64) or a doubling sweep (1..64), got '" + text + "'");
        }
        if (values.stream().anyMatch(v -> v < 1)) {
            throw new IllegalArgumentException(option + " values must be positive, got '" + text + "'");
        }
        return values;
    }
}
