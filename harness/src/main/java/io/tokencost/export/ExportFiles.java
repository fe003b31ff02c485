package io.tokencost.export;

import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What the adapters share: the rows they may write, folders, CSV tables and numbers as the targets' readers parse them. */
public final class ExportFiles {

    private ExportFiles() {
    }

    /** Rows a simulator may take: measured (a positive median) by a kernel that passed verification; derived ceiling rows left out. */
    public static List<ResultRow> measured(List<ResultRow> rows) {
        return rows.stream().filter(r -> "true".equals(r.get(Column.VERIFIED)) && r.number(Column.TIME_MEDIAN_S) > 0
                && !r.get(Column.SUITE).equals("ceiling")).toList();
    }

    /** The one device the rows were measured on. */
    public static String deviceName(List<ResultRow> rows) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("the results hold no measured rows (run tokencost run first)");
        }
        return rows.get(0).get(Column.DEVICE_NAME);
    }

    /** A name made of lower-case letters, digits and {@code separator}: {@code NVIDIA H100 80GB HBM3} → {@code nvidia_h100_80gb_hbm3}. */
    public static String slug(String name, char separator) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", String.valueOf(separator));
        return s.replaceAll("^" + separator + "+|" + separator + "+$", "");
    }

    public static Path folder(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create output folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A comma-separated table with a header line, as Python's csv module and pandas read it. */
    public static Path writeCsv(Path file, List<String> header, List<List<String>> rows) throws IOException {
        folder(file.getParent());
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

    /** Six significant digits, never an exponent: 0.00912 ms, 1234.57 ms. */
    public static String number(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("not a finite number: " + v);
        }
        return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    /** A row's median in milliseconds, the unit both simulators take. */
    public static double medianMs(ResultRow r) {
        return r.number(Column.TIME_MEDIAN_S) * 1e3;
    }
}
