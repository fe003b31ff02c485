package io.tokencost.report;

import io.tokencost.cost.Hardware;
import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.Price;
import io.tokencost.cost.WeightFormat;
import io.tokencost.estimate.Estimate;
import io.tokencost.estimate.Estimator;
import io.tokencost.estimate.Scenario;
import io.tokencost.kernels.attentiondecode.AttentionDecode.KvFormat;
import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;
import io.tokencost.results.RunResults;
import org.jfree.chart.JFreeChart;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One page from one or more runs: index.html (no scripts, no external resources) and the PNG charts
 * beside it: the roofline, bandwidth per kernel, decode attention against context, and for a model
 * the estimator's $ per 1M output tokens (or tokens/s where no device has a price) against batch
 * and against context, per device.
 */
public final class Report {

    /** The files a report writes, in page order. */
    public static final List<String> CHARTS = List.of("roofline.png", "bandwidth.png", "decode_context.png", "cost_batch.png", "cost_context.png");

    private Report() {
    }

    /**
     * Writes the page and its charts into {@code dir}; {@code price} gives a device's price per hour
     * (the catalog's or the user's), empty where there is none.
     */
    public static Path write(List<Path> runs, Path dir, ModelSpec model, WeightFormat weights, Function<Hardware, Optional<Price>> price)
            throws IOException {
        // one series per device: its runs merged, later runs replacing a case an earlier one measured
        List<ReportCharts.Series> devices = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        List<RunResults> groups = RunResults.byDevice(runs);
        // a fleet's nodes (one GPU model, many hosts): a series per node, named by its host
        Map<String, Long> gpuModels = new LinkedHashMap<>();
        groups.forEach(g -> gpuModels.merge(g.identity(Column.DEVICE_NAME) + " (" + g.identity(Column.BACKEND) + ")", 1L, Long::sum));
        for (RunResults device : groups) {
            String gpuModel = device.identity(Column.DEVICE_NAME) + " (" + device.identity(Column.BACKEND) + ")";
            String name = gpuModels.get(gpuModel) > 1 ? gpuModel + " on " + device.identity(Column.HOST) : gpuModel;
            String unique = name;
            for (int i = 2; !names.add(unique); i++) {
                unique = name + " #" + i;
            }
            devices.add(new ReportCharts.Series(unique, device.rows()));
            sources.add(String.join(", ", device.files().stream().map(RunResults::describe).toList()));
        }
        Files.createDirectories(dir);
        Map<String, String> captions = new LinkedHashMap<>();
        ReportCharts.save(ReportCharts.roofline(devices), dir.resolve(CHARTS.get(0)));
        captions.put(CHARTS.get(0), "Every computing kernel's achieved FLOP/s against its arithmetic intensity (FLOPs and bytes declared from the "
                + "shapes); the dashed lines are each device's measured ceilings: the cold read bandwidth and the best FLOP/s it reached.");
        ReportCharts.save(ReportCharts.bandwidth(devices), dir.resolve(CHARTS.get(1)));
        captions.put(CHARTS.get(1), "The bandwidth each kernel reached as a share of its own device's measured read ceiling (pct_of_measured_bw).");
        ReportCharts.save(ReportCharts.decodeContext(devices), dir.resolve(CHARTS.get(2)));
        captions.put(CHARTS.get(2), "Decode attention, one layer: time against the KV cache's length. Every step reads the whole cache, "
                + "so the line is straight; int8 KV halves the bytes.");

        List<String> notes = new ArrayList<>();
        boolean priced = devices.stream().anyMatch(d -> price.apply(hardware(d)).isPresent());
        String figure = priced ? "$ per 1M output tokens" : "output tokens/s";
        Map<String, double[][]> byBatch = new LinkedHashMap<>();
        Map<String, double[][]> byContext = new LinkedHashMap<>();
        int[] batches = {1, 2, 4, 8, 16, 32, 64};
        int[] contexts = {1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072};
        for (ReportCharts.Series d : devices) {
            Optional<Price> p = price.apply(hardware(d));
            if (priced && p.isEmpty()) {
                notes.add(d.name() + ": no price (catalog or --price-per-hour), left out of the $ charts");
                continue;
            }
            Estimator est = Estimator.forRows(d.rows(), p);
            Function<Estimate, Double> y = e -> !e.fits() ? Double.NaN : priced ? e.usdPer1mOutput() : e.outputTokensPerS();
            double[][] b = new double[batches.length][];
            for (int i = 0; i < batches.length; i++) {
                b[i] = new double[] {batches[i], y.apply(est.estimate(Scenario.plain(model, weights, KvFormat.FP16, 1024, 128, batches[i], 8192, 1)))};
            }
            double[][] c = new double[contexts.length][];
            for (int i = 0; i < contexts.length; i++) {
                c[i] = new double[] {contexts[i], y.apply(est.estimate(Scenario.plain(model, weights, KvFormat.FP16, 1024, 128, 1, contexts[i], 1)))};
            }
            byBatch.put(d.name(), b);
            byContext.put(d.name(), c);
            est.rates().notes().forEach(n -> notes.add(d.name() + ": " + n));
        }
        String scenario = String.format(Locale.ROOT, "%s, %s weights, fp16 KV", model.name(), weights.id());
        ReportCharts.save(ReportCharts.sweep(figure + " vs batch (" + scenario + ", context 8192)", "batch", figure, byBatch, true),
                dir.resolve(CHARTS.get(3)));
        captions.put(CHARTS.get(3), "The estimator on each device's rows: " + figure + " as the batch grows (points stop where the KV cache no "
                + "longer fits).");
        ReportCharts.save(ReportCharts.sweep(figure + " vs context (" + scenario + ", batch 1)", "context (tokens)", figure, byContext, true),
                dir.resolve(CHARTS.get(4)));
        captions.put(CHARTS.get(4), "The estimator on each device's rows: " + figure + " as the context grows.");

        Path page = dir.resolve("index.html");
        Files.writeString(page, html(devices, sources, captions, notes, priced, price), StandardCharsets.UTF_8);
        return page;
    }

    private static Hardware hardware(ReportCharts.Series d) {
        return Hardware.of(d.rows().get(0));
    }

    private static String html(List<ReportCharts.Series> devices, List<String> sources, Map<String, String> captions, List<String> notes,
                               boolean priced, Function<Hardware, Optional<Price>> price) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>tokencost report</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;max-width:1040px;margin:2em auto;color:#222}\n")
                .append("table{border-collapse:collapse;font-size:0.9em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}\n")
                .append("figure{margin:1.5em 0}figcaption{color:#555;font-size:0.9em}img{max-width:100%;border:1px solid #ddd}\n")
                .append("</style></head><body>\n<h1>tokencost report</h1>\n<h2>Runs</h2>\n<table><tr><th>device</th><th>files</th><th>run ids</th>")
                .append("<th>newest (UTC)</th><th>harness</th><th>git</th><th>price</th></tr>\n");
        for (int i = 0; i < devices.size(); i++) {
            List<ResultRow> rows = devices.get(i).rows();
            ResultRow first = rows.get(0);
            h.append("<tr><td>").append(esc(devices.get(i).name())).append("</td><td>").append(esc(sources.get(i))).append("</td><td>")
                    .append(esc(String.join(", ", rows.stream().map(r -> r.get(Column.RUN_ID)).distinct().toList()))).append("</td><td>")
                    .append(esc(rows.stream().map(r -> r.get(Column.TIMESTAMP_UTC)).max(String::compareTo).orElse(""))).append("</td><td>")
                    .append(esc(first.get(Column.HARNESS_VERSION))).append("</td><td>").append(esc(first.get(Column.GIT_SHA))).append("</td><td>")
                    .append(esc(price.apply(Hardware.of(first)).map(p -> p.perHour() + " (" + p.source() + ")")
                            .orElse("none")))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
        for (Map.Entry<String, String> c : captions.entrySet()) {
            h.append("<figure><img src=\"").append(c.getKey()).append("\" alt=\"").append(esc(c.getKey())).append("\"><figcaption>")
                    .append(esc(c.getValue())).append("</figcaption></figure>\n");
        }
        if (!priced) {
            notes.add(0, "no device has a price (catalog or --price-per-hour): the cost charts show output tokens/s instead of $");
        }
        if (!notes.isEmpty()) {
            h.append("<h2>Notes</h2>\n<ul>\n");
            notes.forEach(n -> h.append("<li>").append(esc(n)).append("</li>\n"));
            h.append("</ul>\n");
        }
        h.append("<p>Numbers are measured (medians, declared bytes and FLOPs); the $ figures come from the estimator (docs/estimator.md).</p>\n")
                .append("</body></html>\n");
        return h.toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
