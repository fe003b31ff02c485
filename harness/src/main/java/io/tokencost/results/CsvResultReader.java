package io.tokencost.results;

import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a results CSV and validates it: the header must hold every column of the rows' schema
 * version (1 or 2: v1 files lack the energy columns), and every row must have numbers where numbers
 * belong. Errors name file, line and column.
 */
public final class CsvResultReader {

    private CsvResultReader() {
    }

    public static List<ResultRow> read(Path file) {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             CSVParser parser = CsvResultWriter.FORMAT.parse(in)) {
            List<ResultRow> rows = new ArrayList<>();
            Map<Column, Integer> index = null;
            for (CSVRecord record : parser) {
                long line = parser.getCurrentLineNumber();
                if (index == null) {
                    index = header(file, record);
                    continue;
                }
                rows.add(row(file, line, record, index));
            }
            if (index == null) {
                throw new ResultFormatException(file + ": empty file, expected a results header");
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        } catch (UncheckedIOException | IllegalStateException e) {
            throw new ResultFormatException(file + ": malformed CSV: " + plainWords(e));
        }
    }

    /** What went wrong, as a user reads it: no exception class names (the parser nests them into its messages). */
    static String plainWords(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.charset.CharacterCodingException) {
                return "not UTF-8 text";
            }
        }
        String m = e.getMessage() == null ? "" : e.getMessage();
        return m.replaceAll("(?:[a-z][a-z0-9_]*\\.)+[A-Z]\\w*(?:Exception|Error): ", "").replaceAll("^\\(startline (\\d+)\\) ", "line $1: ").trim();
    }

    private static Map<Column, Integer> header(Path file, CSVRecord record) {
        Map<String, Integer> byName = new HashMap<>();
        for (int i = 0; i < record.size(); i++) {
            byName.put(record.get(i).trim(), i);
        }
        if (!byName.containsKey(Column.SCHEMA_VERSION.header())) {
            throw new ResultFormatException(file + ":1: not a tokencost results file (no schema_version column)");
        }
        Map<Column, Integer> index = new HashMap<>();
        for (Column c : Column.values()) {
            Integer i = byName.get(c.header());
            if (i != null) {
                index.put(c, i);
            } else if (c.since() == 1) {
                // later columns may be missing: a v1 file; a v2 row without them is caught per row
                throw new ResultFormatException(file + ":1: missing column '" + c.header() + "'");
            }
        }
        return index;
    }

    private static ResultRow row(Path file, long line, CSVRecord record, Map<Column, Integer> index) {
        if (record.size() != index.size() && record.size() < index.values().stream().mapToInt(i -> i).max().orElse(0) + 1) {
            throw new ResultFormatException(file + ":" + line + ": " + record.size() + " cells, expected " + index.size() + " (truncated row?)");
        }
        ResultRow row = new ResultRow();
        for (Column c : Column.values()) {
            Integer at = index.get(c);
            if (at == null) {
                int version = Integer.parseInt(row.get(Column.SCHEMA_VERSION));
                if (c.since() <= version) {
                    throw new ResultFormatException(file + ":1: missing column '" + c.header() + "' (schema version " + version + " has it)");
                }
                continue;
            }
            String v = CsvResultWriter.unneutralise(record.get(at));
            if (c == Column.SCHEMA_VERSION && !Column.SCHEMA_VERSIONS_READ.contains(v)) {
                throw new ResultFormatException(file + ":" + line + ": schema version '" + v
                        + "' is not supported by this tokencost (reads versions " + String.join(", ", Column.SCHEMA_VERSIONS_READ) + ")");
            }
            if (c.kind() == Column.Kind.NUMBER && !v.isEmpty()) {
                try {
                    Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    throw new ResultFormatException(file + ":" + line + ": column '" + c.header() + "': '" + v + "' is not a number");
                }
            }
            row.set(c, v);
        }
        return row;
    }
}
