package io.tokencost.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokencost.backend.DeviceProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvResultsTest {

    @TempDir
    Path dir;

    static RunIdentity identity(String deviceName) {
        DeviceProperties d = new DeviceProperties("cpu", 0, deviceName, "", "", "", 2, 1L << 34, 0, 1 << 28, Map.of("cores", "2"));
        return RunIdentity.create(d);
    }

    static ResultRow row(RunIdentity id, String kernel, double median) {
        return new ResultRow().setAll(id.cells()).set(Column.SUITE, "memory").set(Column.KERNEL, kernel)
                .set(Column.DTYPE, "fp32").set(Column.N, 1024).set(Column.SAMPLES, 5)
                .set(Column.TIME_MEDIAN_S, median).set(Column.BYTES_PER_S, 8192 / median).set(Column.L2, "cold")
                .set(Column.VERIFIED, "true");
    }

    @Test
    void rowsRoundTripThroughCsv() {
        RunIdentity id = identity("=cmd|' /C calc'!A0");
        Path file = dir.resolve("r.csv");
        List<ResultRow> rows = List.of(row(id, "copy", 1.25e-3), row(id, "read", 3.0e-4));
        try (CsvResultWriter w = new CsvResultWriter(file)) {
            rows.forEach(w::append);
        }
        assertEquals(rows, CsvResultReader.read(file));
    }

    @Test
    void formulaCellsAreNeutralisedOnDiskAndRestoredOnReading() throws Exception {
        RunIdentity id = identity("@SUM(A1)");
        Path file = dir.resolve("r.csv");
        try (CsvResultWriter w = new CsvResultWriter(file)) {
            w.append(row(id, "+copy", 1e-3));
        }
        String text = Files.readString(file);
        assertTrue(text.contains("'@SUM(A1)") && text.contains("'+copy"), text);
        ResultRow back = CsvResultReader.read(file).get(0);
        assertEquals("@SUM(A1)", back.get(Column.DEVICE_NAME));
        assertEquals("+copy", back.get(Column.KERNEL));
    }

    @Test
    void numbersAreFormattedTheSameInEveryLocale() {
        Locale saved = Locale.getDefault();
        try {
            for (Locale l : new Locale[] {Locale.GERMANY, Locale.FRANCE, new Locale("ar", "EG"), Locale.US}) {
                Locale.setDefault(l);
                assertEquals("0.00123457", ResultRow.formatNumber(0.001234567));
                assertEquals("23729900000", ResultRow.formatNumber(2.37299e10));
                assertEquals("", ResultRow.formatNumber(Double.NaN));
            }
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void readerRejectsAnUnknownSchemaVersion() throws Exception {
        Path file = write("v6.csv", csvWith(Column.SCHEMA_VERSION, "6"));
        ResultFormatException e = assertThrows(ResultFormatException.class, () -> CsvResultReader.read(file));
        assertTrue(e.getMessage().contains("v6.csv:2") && e.getMessage().contains("schema version '6'"), e.getMessage());
    }

    /** v1 files (before the energy columns) still read, energy empty; a v2 file must have them. */
    @Test
    void readerReadsVersion1WithoutTheEnergyColumnsAndVersion2OnlyWithThem() throws Exception {
        List<ResultRow> v1 = CsvResultReader.read(Path.of("..", "results", "reference", "cpu-dev-vm", "decode-quick", "results.csv"));
        assertTrue(v1.size() > 5);
        assertTrue(v1.stream().allMatch(r -> r.get(Column.SCHEMA_VERSION).equals("1") && !r.has(Column.ENERGY_J)));
        assertTrue(v1.stream().anyMatch(r -> r.get(Column.SUITE).equals("decode") && r.number(Column.TOKENS_PER_S) > 0));
        List<String> headers = new ArrayList<>(List.of(Column.headers()));
        int at = headers.indexOf(Column.ENERGY_METER.header());
        headers.remove(at);
        List<String> cells = new ArrayList<>(List.of(csvWith(Column.SCHEMA_VERSION, "2").split("\n")[1].split(",", -1)));
        cells.remove(at);
        Path v2 = write("v2-missing.csv", String.join(",", headers) + "\n" + String.join(",", cells) + "\n");
        ResultFormatException e = assertThrows(ResultFormatException.class, () -> CsvResultReader.read(v2));
        assertTrue(e.getMessage().contains("missing column 'energy_meter'"), e.getMessage());
    }

    /** A file of the version before a column read with it empty; a file of the version that added it must have it. */
    @ParameterizedTest(name = "{0} since v{1}")
    @CsvSource({"kernel_image,3", "cpu_threads,4", "median_ci_rel,5", "noisy,5"})
    void readerReadsTheVersionBeforeAColumnWithoutItAndItsVersionOnlyWithIt(String column, int since) throws Exception {
        Column added = Column.valueOf(column.toUpperCase(Locale.ROOT));
        List<String> headers = new ArrayList<>(List.of(Column.headers()));
        int at = headers.indexOf(added.header());
        headers.remove(at);
        for (int version : new int[] {since - 1, since}) {
            List<String> cells = new ArrayList<>(List.of(csvWith(Column.SCHEMA_VERSION, Integer.toString(version)).split("\n")[1].split(",", -1)));
            cells.remove(at);
            Path file = write("v" + version + "-without-" + column + ".csv", String.join(",", headers) + "\n" + String.join(",", cells) + "\n");
            if (version < since) {
                ResultRow row = CsvResultReader.read(file).get(0);
                assertEquals(Integer.toString(version), row.get(Column.SCHEMA_VERSION));
                assertFalse(row.has(added));
            } else {
                ResultFormatException e = assertThrows(ResultFormatException.class, () -> CsvResultReader.read(file));
                assertTrue(e.getMessage().contains("missing column '" + column + "' (schema version " + since + " has it)"), e.getMessage());
            }
        }
    }

    /** A file that is not text, or whose quotes never close, is named in plain words: no exception class in the message. */
    @Test
    void malformedFilesAreSaidInPlainWords() throws Exception {
        Path bytes = dir.resolve("bytes.csv");
        Files.write(bytes, new byte[] {'a', ',', 'b', '\n', (byte) 0xff, (byte) 0xfe, 0, 'x'});
        ResultFormatException e = assertThrows(ResultFormatException.class, () -> CsvResultReader.read(bytes));
        assertEquals(bytes + ": malformed CSV: not UTF-8 text", e.getMessage());
        Path quote = write("quote.csv", csvWith(Column.SCHEMA_VERSION, Column.SCHEMA_VERSION_CURRENT) + "\"never closed,1\n");
        e = assertThrows(ResultFormatException.class, () -> CsvResultReader.read(quote));
        assertTrue(e.getMessage().startsWith(quote + ": malformed CSV: "), e.getMessage());
        assertFalse(e.getMessage().matches(".*[a-z]\\.[A-Z]\\w*Exception.*"), e.getMessage());
    }

    @Test
    void readerNamesFileLineAndColumnOfANonNumericCell() throws Exception {
        Path file = write("bad.csv", csvWith(Column.TIME_MEDIAN_S, "fast"));
        ResultFormatException e = assertThrows(ResultFormatException.class, () -> CsvResultReader.read(file));
        assertTrue(e.getMessage().contains("bad.csv:2") && e.getMessage().contains("time_median_s"), e.getMessage());
    }

    @Test
    void readerRejectsMissingColumnsEmptyFilesAndTruncatedRows() throws Exception {
        Path missing = write("missing.csv", "schema_version,run_id\n1,x\n");
        assertTrue(assertThrows(ResultFormatException.class, () -> CsvResultReader.read(missing)).getMessage().contains("missing column 'timestamp_utc'"));
        Path empty = write("empty.csv", "");
        assertTrue(assertThrows(ResultFormatException.class, () -> CsvResultReader.read(empty)).getMessage().contains("empty file"));
        Path truncated = write("trunc.csv", String.join(",", Column.headers()) + "\n1,run,2026\n");
        assertTrue(assertThrows(ResultFormatException.class, () -> CsvResultReader.read(truncated)).getMessage().contains("trunc.csv:2"));
        Path foreign = write("foreign.csv", "a,b\n1,2\n");
        assertTrue(assertThrows(ResultFormatException.class, () -> CsvResultReader.read(foreign)).getMessage().contains("not a tokencost results file"));
    }

    @Test
    void runOutputKeepsFinishedCasesInPartialFilesAndFinishesAtomically() throws Exception {
        RunIdentity id = identity("cpu");
        Path runDir = dir.resolve("run");
        RunOutput out = new RunOutput(runDir, id);
        out.append(row(id, "copy", 1e-3), Map.of("kernel_s", List.of(1e-3, 1.1e-3)));
        // before finish: a crash here keeps the finished row
        assertFalse(Files.exists(runDir.resolve(RunOutput.CSV)));
        assertEquals(1, CsvResultReader.read(runDir.resolve(RunOutput.CSV + ".partial")).size());
        out.finish();
        out.close();
        assertEquals(1, CsvResultReader.read(runDir.resolve(RunOutput.CSV)).size());
        JsonNode json = new ObjectMapper().readTree(runDir.resolve(RunOutput.JSON).toFile());
        assertEquals(Column.SCHEMA_VERSION_CURRENT, json.get("schema_version").asText());
        assertEquals("copy", json.get("cases").get(0).get("kernel").asText());
        assertEquals(1.1e-3, json.get("cases").get(0).get("raw").get("kernel_s").get(1).asDouble());
        assertEquals(id.runId(), json.get("identity").get("run_id").asText());
    }

    private Path write(String name, String content) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        return f;
    }

    private static String csvWith(Column col, String value) {
        StringBuilder sb = new StringBuilder(String.join(",", Column.headers())).append('\n');
        for (Column c : Column.values()) {
            if (c.ordinal() > 0) {
                sb.append(',');
            }
            sb.append(c == col ? value : c == Column.SCHEMA_VERSION ? "1" : "");
        }
        return sb.append('\n').toString();
    }
}
