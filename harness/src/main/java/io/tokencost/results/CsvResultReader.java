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
 * Reads a results CSV and validates it: the header must hold every schema-v1 column, every row must
 * say schema version 1 and have numbers where numbers belong. Errors name file, line and column.
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
                throw new ResultFormatException(file + ": empty file, expected a schema-v1 header");
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        } catch (UncheckedIOException | IllegalStateException e) {
            throw new ResultFormatException(file + ": malformed CSV: " + e.getMessage());
        }
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
            if (i == null) {
                throw new ResultFormatException(file + ":1: missing column '" + c.header() + "'");
            }
            index.put(c, i);
        }
        return index;
    }

    private static ResultRow row(Path file, long line, CSVRecord record, Map<Column, Integer> index) {
        if (record.size() != index.size() && record.size() < index.values().stream().mapToInt(i -> i).max().orElse(0) + 1) {
            throw new ResultFormatException(file + ":" + line + ": " + record.size() + " cells, expected " + index.size() + " (truncated row?)");
        }
        ResultRow row = new ResultRow();
        for (Column c : Column.values()) {
            String v = CsvResultWriter.unneutralise(record.get(index.get(c)));
            if (c == Column.SCHEMA_VERSION && !v.equals(Column.SCHEMA_VERSION_V1)) {
                throw new ResultFormatException(file + ":" + line + ": schema version '" + v
                        + "' is not supported by this tokencost (reads version " + Column.SCHEMA_VERSION_V1 + ")");
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
