package io.tokencost.export;

import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;
import io.tokencost.results.Rows;
import io.tokencost.results.RunOutput;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What the adapters share: the rows they may write, CSV tables and numbers as the targets' readers parse them. */
public final class ExportFiles {

    private ExportFiles() {
    }

    /**
     * Rows a simulator may take: measured (a positive median) by a kernel that passed verification, derived
     * ceiling rows left out; all of one device.
     */
    public static List<ResultRow> measured(List<ResultRow> rows) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("the results hold no rows (run tokencost run first)");
        }
        List<ResultRow> measured = rows.stream().filter(r -> "true".equals(r.get(Column.VERIFIED)) && r.number(Column.TIME_MEDIAN_S) > 0
                && !r.get(Column.SUITE).equals("ceiling")).toList();
        if (measured.isEmpty()) {
            throw new IllegalArgumentException("none of the " + rows.size() + " rows is a verified measurement with a positive median");
        }
        one(measured, Column.DEVICE_NAME);
        return measured;
    }

    /** The one harness version the rows were measured by: a table of kernel timings mixes no two builds' kernels. */
    public static String harnessVersion(List<ResultRow> measured) {
        return one(measured, Column.HARNESS_VERSION);
    }

    private static String one(List<ResultRow> rows, Column c) {
        List<String> values = rows.stream().map(r -> r.get(c)).distinct().toList();
        if (values.size() > 1) {
            throw new IllegalArgumentException("the rows come from more than one " + c.header() + " (" + String.join(", ", values)
                    + "): export one's runs (--results)");
        }
        return values.get(0);
    }

    /** The device the rows of {@link #measured} were measured on. */
    public static String deviceName(List<ResultRow> measured) {
        return measured.get(0).get(Column.DEVICE_NAME);
    }

    /** The runs the rows came from, for a provenance line. */
    public static String runIds(List<ResultRow> rows) {
        return String.join(", ", rows.stream().map(r -> r.get(Column.RUN_ID)).distinct().toList());
    }

    /** The 16-bit GEMM rates measured (fp16 and bf16 gemm rows; fp32 runs on other units, on a host even faster), ascending. */
    public static List<Double> gemm16BitFlops(List<ResultRow> rows) {
        return rows.stream().filter(r -> Rows.is(r, "gemm", "gemm")
                && (r.get(Column.DTYPE).equals("fp16") || r.get(Column.DTYPE).equals("bf16")) && r.number(Column.FLOPS_PER_S) > 0)
                .map(r -> r.number(Column.FLOPS_PER_S)).sorted().toList();
    }

    /** The best of {@link #gemm16BitFlops}, 0 without one. */
    public static double best16BitGemmFlops(List<ResultRow> rows) {
        List<Double> rates = gemm16BitFlops(rows);
        return rates.isEmpty() ? 0 : rates.get(rates.size() - 1);
    }

    /** Whether the run marked the row noisy (its samples spread past 10 % of their mean): written as measured, counted in the README. */
    public static boolean noisy(ResultRow r) {
        return "yes".equals(r.get(Column.NOISY));
    }

    /** A shape cell as a whole number; a row without it is not a row an exporter can key. */
    public static long shape(ResultRow r, Column c) {
        double v = r.number(c);
        if (!(v >= 0) || v != Math.rint(v)) {
            throw new IllegalArgumentException("a row of " + r.get(Column.SUITE) + "/" + r.get(Column.KERNEL) + " has no whole " + c.header()
                    + " (got '" + r.get(c) + "'): not a results.csv row of this version?");
        }
        return (long) v;
    }

    /** A name made of lower-case letters, digits and {@code separator}: {@code NVIDIA H100 80GB HBM3} → {@code nvidia_h100_80gb_hbm3}. */
    public static String slug(String name, char separator) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", String.valueOf(separator));
        return s.replaceAll("^" + separator + "+|" + separator + "+$", "");
    }

    /** A comma-separated table with a header line, as Python's csv module and pandas read it. */
    public static Path writeCsv(Path file, List<String> header, List<List<String>> rows) throws IOException {
        RunOutput.writableFolder(file.getParent());
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             CSVPrinter p = CSVFormat.DEFAULT.builder().setRecordSeparator('\n').setHeader(header.toArray(String[]::new)).build().print(w)) {
            for (List<String> row : rows) {
                if (row.size() != header.size()) {
                    throw new IllegalStateException(file.getFileName() + ": a row of " + row.size() + " cells under " + header.size() + " columns");
                }
                p.printRecord(row);
            }
        }
        return file;
    }

    /** Six significant digits, never an exponent, as results.csv writes them (0.00912 ms, 1234.57 ms); never an empty cell. */
    public static String number(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("not a finite number: " + v);
        }
        return ResultRow.formatNumber(v);
    }

    /** A row's median in milliseconds, the unit both simulators take. */
    public static double medianMs(ResultRow r) {
        return r.number(Column.TIME_MEDIAN_S) * 1e3;
    }
}
