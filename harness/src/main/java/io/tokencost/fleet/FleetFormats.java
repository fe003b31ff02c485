package io.tokencost.fleet;

import io.tokencost.results.CsvResultWriter;
import io.tokencost.results.TablePrinter;
import io.tokencost.results.TextGrid;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A fleet collection as text (a table per GPU model), Markdown and a long CSV (a line per case and node). */
public final class FleetFormats {

    private FleetFormats() {
    }

    /** Per model: the header and a line per case (its median time on each node, the spread). */
    static List<List<String>> grid(FleetCollection.Model m) {
        List<List<String>> grid = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("case", "shape"));
        header.addAll(m.nodes());
        header.add("spread");
        grid.add(header);
        for (FleetCollection.Case c : m.cases()) {
            List<String> line = new ArrayList<>(List.of(c.key().name(), c.key().shape()));
            for (String node : m.nodes()) {
                double s = c.seconds().get(node);
                line.add(Double.isNaN(s) ? "-" : TablePrinter.seconds(s) + (c.outliers().containsKey(node) ? " *" : ""));
            }
            line.add(Double.isNaN(c.spread()) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * c.spread()));
            grid.add(line);
        }
        return grid;
    }

    /** The lines under a model's table: each outlier with its numbers. */
    static List<String> outliers(FleetCollection.Model m) {
        List<String> out = new ArrayList<>();
        for (FleetCollection.Case c : m.cases()) {
            c.outliers().forEach((node, why) -> out.add(node + ": " + c.key().name() + " " + c.key().shape() + ": " + why));
        }
        return out;
    }

    /** The tasks that lack cases: stopped, crashed or with failed cases, and why. */
    static List<String> unfinished(FleetCollection f) {
        List<String> out = new ArrayList<>();
        for (FleetCollection.Task t : f.tasks()) {
            if (t.incomplete().isPresent() || !t.failures().isEmpty()) {
                out.add(t.node() + " (" + t.dir() + "): " + t.incomplete().orElse("complete") + (t.failures().isEmpty() ? ""
                        : "; failed: " + String.join("; ", t.failures())));
            }
        }
        return out;
    }

    public static void print(FleetCollection f, PrintWriter out) {
        for (FleetCollection.Model m : f.models()) {
            out.println(m.name() + ": " + m.nodes().size() + " node" + (m.nodes().size() == 1 ? "" : "s") + ", median time per case");
            TextGrid.printAligned(grid(m), out, "  ");
            List<String> outliers = outliers(m);
            out.println(outliers.isEmpty() ? "  no node outside its peers' spread" : "  outliers (*):");
            outliers.forEach(o -> out.println("    " + o));
            out.println();
        }
        List<String> unfinished = unfinished(f);
        if (!unfinished.isEmpty()) {
            out.println("tasks without every case (their finished rows are counted above):");
            unfinished.forEach(u -> out.println("  " + u));
        }
        out.println(String.format(Locale.ROOT, "spread = (slowest − fastest) / median across the nodes; an outlier is further from the median "
                + "than %.0f %% and than 3 robust standard deviations of its peers (1.4826 × MAD), or throttled", 100 * f.threshold()));
        out.flush();
    }

    public static void writeMarkdown(FleetCollection f, Path file) throws IOException {
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            for (FleetCollection.Model m : f.models()) {
                out.println("## " + m.name());
                out.println();
                TextGrid.printMarkdown(grid(m), out);
                out.println();
                outliers(m).forEach(o -> out.println("- outlier: " + o));
                out.println();
            }
            unfinished(f).forEach(u -> out.println("- unfinished: " + u));
        }
    }

    /** A line per case and node: model, case, shape, node, run folder, median time, deviation from the median, why an outlier. */
    public static void writeCsv(FleetCollection f, Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get())) {
            p.printRecord("model", "case", "shape", "node", "run", "time_median_s", "deviation_from_median", "outlier");
            for (FleetCollection.Model m : f.models()) {
                for (FleetCollection.Case c : m.cases()) {
                    for (Map.Entry<String, Double> e : c.seconds().entrySet()) {
                        if (e.getValue().isNaN()) {
                            continue;
                        }
                        p.printRecord(CsvResultWriter.neutralise(m.name()), c.key().name(), c.key().shape(), CsvResultWriter.neutralise(e.getKey()),
                                CsvResultWriter.neutralise(m.runs().get(e.getKey()).toString()), e.getValue(),
                                String.format(Locale.ROOT, "%.4f", e.getValue() / c.median() - 1), c.outliers().getOrDefault(e.getKey(), ""));
                    }
                }
            }
        }
    }
}
