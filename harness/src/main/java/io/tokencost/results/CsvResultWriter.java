package io.tokencost.results;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes results rows (the current schema) to a CSV file, flushing after every row so a crash later in the sweep
 * loses nothing already measured. Text cells a spreadsheet would run as formulas are neutralised.
 */
public final class CsvResultWriter implements AutoCloseable {

    static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get();

    private final CSVPrinter printer;

    /** A new file, its header written. */
    public CsvResultWriter(Path file) {
        this(file, false);
    }

    /** With {@code append}, the rows go after those {@code file} has (its header kept); else a new file. */
    public CsvResultWriter(Path file, boolean append) {
        try {
            boolean header = !append || !Files.isRegularFile(file) || Files.size(file) == 0;
            Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
            this.printer = new CSVPrinter(out, FORMAT);
            if (header) {
                printer.printRecord((Object[]) Column.headers());
            }
            printer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public void append(ResultRow row) {
        try {
            for (Column c : Column.values()) {
                String v = row.get(c);
                printer.print(c.kind() == Column.Kind.TEXT ? neutralise(v) : v);
            }
            printer.println();
            printer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append a result row: " + e.getMessage(), e);
        }
    }

    /** A leading = + - @ (or tab/CR) makes spreadsheets evaluate the cell: prefix a quote. */
    public static String neutralise(String v) {
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
            return "'" + v;
        }
        return v;
    }

    /** Inverse of {@link #neutralise}. */
    static String unneutralise(String v) {
        if (v.length() > 1 && v.charAt(0) == '\'' && "=+-@\t\r".indexOf(v.charAt(1)) >= 0) {
            return v.substring(1);
        }
        return v;
    }

    @Override
    public void close() {
        try {
            printer.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
