package io.tokencost.results;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of one run in its folder. While the sweep runs, rows go to {@code results.csv.partial}
 * (appended and flushed per case) and {@code samples.json.partial} (rewritten per case); a crash
 * leaves them with every finished case. {@link #finish} renames both to their final names.
 */
public final class RunOutput implements AutoCloseable {

    public static final String CSV = "results.csv";
    public static final String JSON = "samples.json";
    private static final String PARTIAL = ".partial";
    /** The rows of a run that did not finish (stopped, or crashed): every case measured before it. */
    public static final String CSV_INCOMPLETE = "results.csv" + PARTIAL;

    private final Path dir;
    private final CsvResultWriter csv;
    private final Map<String, Object> json = new LinkedHashMap<>();
    private final List<Map<String, Object>> cases = new ArrayList<>();
    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Creates the folder (and parents). A folder that cannot be created or written is the user's
     * {@code --out}: an IllegalArgumentException (bad input) with a one-line message.
     */
    public RunOutput(Path dir, RunIdentity identity) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create output folder " + dir + ": " + e.getMessage(), e);
        }
        if (!Files.isWritable(dir)) {
            throw new IllegalArgumentException("output folder " + dir + " is not writable");
        }
        this.csv = new CsvResultWriter(dir.resolve(CSV + PARTIAL));
        json.put("schema_version", Column.SCHEMA_VERSION_CURRENT);
        Map<String, String> id = new LinkedHashMap<>();
        identity.cells().cells().forEach((c, v) -> id.put(c.header(), v));
        json.put("identity", id);
        json.put("device_details", identity.device().details());
        json.put("cases", cases);
        writeJson();
    }

    public Path dir() {
        return dir;
    }

    /** Appends a finished case: its row, and its raw samples in the JSON. */
    public void append(ResultRow row, Map<String, Object> rawSamples) {
        csv.append(row);
        Map<String, Object> entry = new LinkedHashMap<>();
        row.cells().forEach((c, v) -> {
            if (c.ordinal() >= Column.SUITE.ordinal()) {
                entry.put(c.header(), v);
            }
        });
        entry.put("raw", rawSamples);
        cases.add(entry);
        writeJson();
    }

    /** Extra top-level JSON content (e.g. the cost summary). */
    public void put(String key, Object value) {
        json.put(key, value);
        writeJson();
    }

    private void writeJson() {
        Path partial = dir.resolve(JSON + PARTIAL);
        Path tmp = dir.resolve(JSON + ".tmp");
        try {
            mapper.writeValue(tmp.toFile(), json);
            Files.move(tmp, partial, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + partial + ": " + e.getMessage(), e);
        }
    }

    /** Closes the CSV and moves both files to their final names, atomically. */
    public void finish() {
        csv.close();
        try {
            Files.move(dir.resolve(CSV + PARTIAL), dir.resolve(CSV), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(dir.resolve(JSON + PARTIAL), dir.resolve(JSON), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot finish the run files in " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        csv.close();
    }
}
