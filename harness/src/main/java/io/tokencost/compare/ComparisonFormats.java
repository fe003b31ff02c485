package io.tokencost.compare;

import io.tokencost.results.CsvResultWriter;
import io.tokencost.results.ResultRow;
import io.tokencost.results.RunResults;
import io.tokencost.results.Column;
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

/**
 * A comparison as a terminal table, a Markdown table (for a pull request) and CSV (long: one line
 * per case and run). The wide tables show each run's median time, its ratio to the baseline's and
 * the verdict; across devices also each run's bytes/s and % of its own measured read ceiling.
 */
public final class ComparisonFormats {

    private ComparisonFormats() {
    }

    /** The header and one line per case present in every run. */
    static List<List<String>> grid(Comparison c) {
        boolean hardware = c.acrossDevices();
        List<String> header = new ArrayList<>(List.of("case", "shape", "base"));
        for (int i = 1; i < c.runs().size(); i++) {
            header.addAll(List.of("run " + i, "ratio", "verdict"));
        }
        if (hardware) {
            for (int i = 0; i < c.runs().size(); i++) {
                header.addAll(List.of("GB/s " + i, "%ceil " + i));
            }
        }
        List<List<String>> grid = new ArrayList<>();
        grid.add(header);
        for (Comparison.Case k : c.cases()) {
            if (!k.inAll()) {
                continue;
            }
            List<String> line = new ArrayList<>(List.of(k.key().name(), k.key().shape(), time(k.rows().get(0))));
            for (int i = 1; i < c.runs().size(); i++) {
                line.addAll(List.of(time(k.rows().get(i)), String.format(Locale.ROOT, "%.3f", 1 + k.difference(i)),
                        k.verdict(i).name() + (k.noisy(i) ? " (noisy)" : "")));
            }
            if (hardware) {
                for (ResultRow r : k.rows()) {
                    line.add(fixed(r.number(Column.BYTES_PER_S) / 1e9, 1));
                    line.add(fixed(r.number(Column.PCT_OF_MEASURED_BW), 1));
                }
            }
            grid.add(line);
        }
        return grid;
    }

    /** Cases missing from some run, with where they were measured: listed, never dropped. */
    static List<String> partial(Comparison c) {
        List<String> out = new ArrayList<>();
        for (Comparison.Case k : c.cases()) {
            if (!k.inAll()) {
                List<String> in = new ArrayList<>();
                for (int i = 0; i < c.runs().size(); i++) {
                    if (k.rows().get(i) != null) {
                        in.add(i == 0 ? "base" : "run " + i);
                    }
                }
                out.add(k.key().name() + " " + k.key().shape() + ": only in " + String.join(", ", in));
            }
        }
        return out;
    }

    public static void printTable(Comparison c, PrintWriter out) {
        runs(c, out, "");
        List<List<String>> grid = grid(c);
        if (grid.size() == 1) {
            out.println("no case was measured in every run");
        }
        TextGrid.printAligned(grid, out, "");
        footer(c, out, "");
        out.flush();
    }

    public static void writeMarkdown(Comparison c, Path file) throws IOException {
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            runs(c, out, "- ");
            out.println();
            TextGrid.printMarkdown(grid(c), out);
            out.println();
            footer(c, out, "- ");
        }
    }

    /** Long CSV: a line per case and run, with the baseline's ratio and verdict; text cells neutralised. */
    public static void writeCsv(Comparison c, Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get())) {
            p.printRecord("case", "shape", "run", "file", "device", "time_median_s", "noise_rel", "ratio_to_base", "verdict", "bytes_per_s",
                    "pct_of_measured_bw");
            for (Comparison.Case k : c.cases()) {
                for (int i = 0; i < c.runs().size(); i++) {
                    ResultRow r = k.rows().get(i);
                    List<String> cells = new ArrayList<>(List.of(k.key().name(), k.key().shape(), Integer.toString(i),
                            c.runs().get(i).file().toString(), c.runs().get(i).device()));
                    if (r == null) {
                        cells.addAll(List.of("", "", "", "missing", "", ""));
                    } else {
                        cells.addAll(List.of(r.get(Column.TIME_MEDIAN_S), r.get(Column.NOISE_REL),
                                i == 0 || k.rows().get(0) == null ? "" : ResultRow.formatNumber(1 + k.difference(i)),
                                i == 0 ? "base" : k.verdict(i) == null ? "no base" : k.verdict(i).name(),
                                r.get(Column.BYTES_PER_S), r.get(Column.PCT_OF_MEASURED_BW)));
                    }
                    p.printRecord(cells.stream().map(CsvResultWriter::neutralise).toList());
                }
            }
        }
    }

    private static void runs(Comparison c, PrintWriter out, String bullet) {
        for (int i = 0; i < c.runs().size(); i++) {
            Comparison.Run r = c.runs().get(i);
            out.println(bullet + (i == 0 ? "base" : "run " + i) + ": " + r.file() + " — " + r.device()
                    + (r.kernelImage().isEmpty() ? "" : ", kernels: " + r.kernelImage())
                    + RunResults.completeness(r.file()).map(s -> " (" + s + ")").orElse(""));
        }
        if (c.acrossKernelImages()) {
            out.println(bullet + "the kernels were loaded from different images: code the driver JIT-compiled from PTX is not the SASS nvcc built,"
                    + " so a difference may be the compiler's");
        }
        if (c.acrossDevices()) {
            out.println(bullet + "different devices: a hardware comparison (GB/s and % of each device's own measured read ceiling beside the times)");
        }
    }

    private static void footer(Comparison c, PrintWriter out, String bullet) {
        List<String> partial = partial(c);
        if (!partial.isEmpty()) {
            out.println("not in every run (" + partial.size() + "):");
            partial.forEach(p -> out.println(bullet.isEmpty() ? "  " + p : bullet + p));
        }
        out.println("ratio = run time / base time (per byte where the sizes differ: bandwidth); SAME: the difference is within both runs' noise (nvbench's rule)");
        boolean noisy = c.cases().stream().anyMatch(k -> k.inAll() && java.util.stream.IntStream.range(1, c.runs().size()).anyMatch(k::noisy));
        if (noisy) {
            out.println(String.format(Locale.ROOT, "(noisy): a run's samples of the case spread more than %.0f %% of their mean: its verdict is only as "
                    + "good as that noise, which SAME already allows", 100 * io.tokencost.measure.SampleStats.NOISY_ABOVE));
        }
    }

    private static String time(ResultRow r) {
        return TablePrinter.seconds(r.number(Column.TIME_MEDIAN_S));
    }

    private static String fixed(double v, int digits) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }
}
