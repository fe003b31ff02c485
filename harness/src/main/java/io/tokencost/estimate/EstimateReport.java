package io.tokencost.estimate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tokencost.results.CsvResultWriter;
import io.tokencost.results.ResultRow;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An estimate's lines in three formats: a terminal table, CSV (one row per line, the cells of
 * {@link EstimateLine#cells}; numbers as the results CSV writes them, text neutralised against
 * spreadsheet formulas) and JSON (the same cells, the inputs' provenance and the notes).
 */
public final class EstimateReport {

    private final String title;
    private final List<String> sources;
    private final List<Map<String, Object>> lines = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /** {@code sources}: where the measured rows and the price came from, one line each. */
    public EstimateReport(String title, List<String> sources) {
        this.title = title;
        this.sources = List.copyOf(sources);
    }

    public void add(EstimateLine line) {
        lines.add(line.cells());
    }

    /** A traffic mix's blend of the models' plain estimates: share-weighted latencies and $; the other figures left empty. */
    public void addMix(TrafficMix mix, List<Estimate> perModel, EstimateLine first) {
        Map<String, Object> c = new LinkedHashMap<>();
        boolean scenario = true;
        for (Map.Entry<String, Object> e : first.cells().entrySet()) {
            c.put(e.getKey(), scenario ? e.getValue() : null);
            scenario &= !e.getKey().equals("utilisation");   // the scenario's columns end there; the figures follow
        }
        c.put("model", "mix");
        c.put("variant", mix.label());
        c.put("ttft_s", mix.blend(perModel, Estimate::ttftS));
        c.put("tpot_s", mix.blend(perModel, Estimate::tpotS));
        c.put("e2el_s", mix.blend(perModel, Estimate::e2elS));
        c.put("fits", perModel.stream().allMatch(Estimate::fits));
        c.put("usd_per_1m_input", nullIfNaN(mix.blend(perModel, Estimate::usdPer1mInput)));
        c.put("usd_per_1m_output", nullIfNaN(mix.blend(perModel, Estimate::usdPer1mOutput)));
        c.put("usd_per_request", nullIfNaN(mix.blend(perModel, Estimate::usdPerRequest)));
        c.put("price_source", first.priceSource());
        lines.add(c);
    }

    public void note(String note) {
        if (!notes.contains(note)) {
            notes.add(note);
        }
    }

    public List<Map<String, Object>> lines() {
        return List.copyOf(lines);
    }

    public void printTable(PrintWriter out) {
        out.println(title);
        sources.forEach(s -> out.println("  " + s));
        out.printf(Locale.ROOT, "%-34s %6s %8s %10s %10s %9s %10s %12s %-24s %15s %15s %10s%n", "variant", "batch", "context", "TTFT", "TPOT",
                "tok/s/usr", "out tok/s", "fits (max)", "decode bound by", "$/1M in", "$/1M out", "$/request");
        for (Map<String, Object> c : lines) {
            String label = c.get("model").equals("mix") ? (String) c.get("variant")
                    : c.get("variant").equals("plain") ? c.get("model") + " plain" : "  + " + c.get("variant");
            out.printf(Locale.ROOT, "%-34s %6s %8s %10s %10s %9s %10s %12s %-24s %15s %15s %10s%n", label, c.get("batch"), c.get("context"),
                    seconds(c.get("ttft_s")), seconds(c.get("tpot_s")), fixed(c.get("tokens_per_s_per_user"), 1), fixed(c.get("output_tokens_per_s"), 1),
                    fits(c), bound(c), usd(c.get("usd_per_1m_input"), c.get("delta_usd_per_1m_input_pct")),
                    usd(c.get("usd_per_1m_output"), c.get("delta_usd_per_1m_output_pct")), usd(c.get("usd_per_request"), null));
            Object low = c.get("break_even_utilisation_min");
            Object high = c.get("break_even_utilisation_max");
            if (low != null && c.get("variant").equals("plain")) {   // the levers' break-evens are in the CSV and JSON
                out.println("    break-even vs the API: " + breakEven((Double) low, (Double) high));
            }
        }
        if (!notes.isEmpty()) {
            out.println("notes:");
            notes.forEach(n -> out.println("  - " + n));
        }
        out.flush();
    }

    public void writeCsv(Path file) throws IOException {
        if (lines.isEmpty()) {
            return;
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get())) {
            p.printRecord(lines.get(0).keySet());
            for (Map<String, Object> c : lines) {
                List<String> cells = new ArrayList<>();
                for (Object v : c.values()) {
                    cells.add(v == null ? "" : v instanceof Double d ? ResultRow.formatNumber(d) : CsvResultWriter.neutralise(v.toString()));
                }
                p.printRecord(cells);
            }
        }
    }

    public void writeJson(Path file) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("title", title);
        root.put("sources", sources);
        root.put("lines", lines);
        root.put("notes", notes);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
    }

    private static Double nullIfNaN(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static String fits(Map<String, Object> c) {
        Object max = c.get("max_batch");
        boolean fits = Boolean.TRUE.equals(c.get("fits"));
        return max == null ? (fits ? "yes" : "NO") : (fits ? "yes" : "NO") + " (" + max + ")";
    }

    private static String bound(Map<String, Object> c) {
        if (c.get("decode_weights_s") == null) {
            return "";
        }
        StepTime t = new StepTime((Double) c.get("decode_weights_s"), (Double) c.get("decode_kv_s"), (Double) c.get("decode_compute_s"),
                (Double) c.get("decode_overhead_s"));
        return t.bottleneck() + " " + t.shares();
    }

    static String seconds(Object v) {
        return v == null ? "-" : seconds((double) (Double) v);
    }

    /** Seconds as a table shows them (s, ms or µs); "-" for none (NaN). */
    static String seconds(double s) {
        if (Double.isNaN(s)) {
            return "-";
        }
        return s >= 1 ? String.format(Locale.ROOT, "%.2f s", s) : s >= 1e-3 ? String.format(Locale.ROOT, "%.1f ms", s * 1e3)
                : String.format(Locale.ROOT, "%.0f µs", s * 1e6);
    }

    private static String fixed(Object v, int digits) {
        return v == null ? "-" : String.format(Locale.ROOT, "%." + digits + "f", (Double) v);
    }

    private static String usd(Object v, Object deltaPct) {
        if (v == null) {
            return "-";
        }
        String text = usd((double) (Double) v);
        return deltaPct == null ? text : text + String.format(Locale.ROOT, " (%+.0f%%)", (Double) deltaPct);
    }

    /** Dollars as a table shows them: whole above $100, cents above $1, four decimals below; "-" for none (NaN). */
    static String usd(double d) {
        if (Double.isNaN(d)) {
            return "-";
        }
        return d >= 100 ? String.format(Locale.ROOT, "%.0f", d) : d >= 1 ? String.format(Locale.ROOT, "%.2f", d)
                : String.format(Locale.ROOT, "%.4f", d);
    }

    /** Self-hosting is cheaper above the break-even utilisation; above 100 % it never is. */
    private static String breakEven(double low, double high) {
        if (low == high) {
            return high > 1 ? "the API is cheaper at any utilisation" : String.format(Locale.ROOT, "self-hosting is cheaper above %.0f%% utilisation", 100 * high);
        }
        if (low > 1) {
            return "the API is cheaper at any utilisation, at every listed price";
        }
        return String.format(Locale.ROOT, "self-hosting is cheaper above %.0f%% utilisation against the dearest listed API price, %s against the cheapest", 100 * low,
                high > 1 ? "never" : String.format(Locale.ROOT, "above %.0f%%", 100 * high));
    }
}
