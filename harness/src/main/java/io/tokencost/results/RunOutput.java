package io.tokencost.results;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of one run in its folder. While the sweep runs, rows go to {@code results.csv.partial}
 * (appended and flushed per case) and {@code samples.json.partial} (rewritten per case); a crash
 * leaves them with every finished case. {@link #finish} writes both under their final names; a run
 * that stopped early is finished too, marked incomplete ({@link #finishIncomplete}), and a later
 * run can take it up again ({@link #resume}) and complete it in the same folder.
 */
public final class RunOutput implements AutoCloseable {

    public static final String CSV = "results.csv";
    public static final String JSON = "samples.json";
    private static final String PARTIAL = ".partial";
    /** The rows of a run that did not finish (stopped, or crashed): every case measured before it. */
    public static final String CSV_INCOMPLETE = "results.csv" + PARTIAL;
    public static final String JSON_INCOMPLETE = "samples.json" + PARTIAL;

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final CsvResultWriter csv;
    private final Map<String, Object> json;
    private final List<Map<String, Object>> cases;
    private final List<Map<String, Object>> parts;
    private final List<ResultRow> earlier;

    /**
     * Creates the folder (and parents). A folder that cannot be created or written is the user's
     * {@code --out}: an IllegalArgumentException (bad input) with a one-line message.
     */
    public RunOutput(Path dir, RunIdentity identity) {
        this(emptyOfRuns(writableFolder(dir)), fresh(identity), List.of(), false);
    }

    /** A new run never writes over another's rows (two tasks given one folder, a rerun into an old one). */
    private static Path emptyOfRuns(Path dir) {
        if (Files.exists(dir.resolve(CSV)) || Files.exists(dir.resolve(CSV_INCOMPLETE))) {
            throw new IllegalArgumentException(dir + " already holds a run: --resume " + dir + " completes it; a new run needs another --out");
        }
        return dir;
    }

    /** @param append whether results.csv.partial holds the earlier rows already (a resumed run's), to be kept */
    private RunOutput(Path dir, Map<String, Object> json, List<ResultRow> earlier, boolean append) {
        this.dir = dir;
        this.json = json;
        this.earlier = List.copyOf(earlier);
        this.cases = listOf(json, "cases");
        this.parts = listOf(json, "parts");
        Map<String, Object> part = new LinkedHashMap<>();
        part.put("started_utc", now());
        part.put("resumed", !parts.isEmpty());
        parts.add(part);
        this.csv = new CsvResultWriter(dir.resolve(CSV_INCOMPLETE), append);
        writeJson();
    }

    /**
     * Takes up an earlier run of {@code dir} (stopped, or crashed with its .partial files) to add the
     * cases it lacks: its rows and samples stay, the files become partial again until {@link #finish}.
     */
    public static RunOutput resume(StoredRun run) {
        Path dir = writableFolder(run.dir());
        try {
            // rows are never rewritten: a finished file becomes the partial one again, and new rows follow its last
            if (Files.isRegularFile(dir.resolve(CSV))) {
                Files.move(dir.resolve(CSV), dir.resolve(CSV_INCOMPLETE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resume " + dir + ": " + e.getMessage(), e);
        }
        Map<String, Object> json = new LinkedHashMap<>(run.json());
        json.remove("incomplete");
        RunOutput output = new RunOutput(dir, json, run.rows(), true);
        try {
            Files.deleteIfExists(dir.resolve(JSON));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resume " + dir + ": " + e.getMessage(), e);
        }
        return output;
    }

    /** The folder, created if need be; a one-line error where it cannot be created or written (what a run's and an export's output get). */
    public static Path writableFolder(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create output folder " + dir + ": " + e.getMessage(), e);
        }
        if (!Files.isWritable(dir)) {
            throw new IllegalArgumentException("output folder " + dir + " is not writable");
        }
        return dir;
    }

    private static Map<String, Object> fresh(RunIdentity identity) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("schema_version", Column.SCHEMA_VERSION_CURRENT);
        Map<String, String> id = new LinkedHashMap<>();
        identity.cells().cells().forEach((c, v) -> id.put(c.header(), v));
        json.put("identity", id);
        json.put("device_details", identity.device().details());
        Map<String, String> scheduler = SchedulerIdentity.current();
        if (!scheduler.isEmpty()) {
            json.put("scheduler", scheduler);
        }
        json.put("parts", new ArrayList<>());
        json.put("cases", new ArrayList<>());
        return json;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> listOf(Map<String, Object> json, String key) {
        List<Map<String, Object>> list = new ArrayList<>((List<Map<String, Object>>) json.getOrDefault(key, List.of()));
        json.put(key, list);
        return list;
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    public Path dir() {
        return dir;
    }

    /** The rows the run had before this part ({@link #resume}); none for a new run. */
    public List<ResultRow> earlierRows() {
        return earlier;
    }

    /**
     * What the run set out to measure: every planned case by its label, and the options that chose
     * them (what a resumed part must be run with too).
     */
    public void planned(List<String> caseLabels, Map<String, String> options) {
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("cases", caseLabels);
        plan.put("options", options);
        json.put("plan", plan);
        writeJson();
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

    /** A planned case that has no row, and why (in one line): samples.json's {@code failures}, with the part of the run it failed in. */
    public void failed(String caseLabel, String reason) {
        Map<String, Object> failure = new LinkedHashMap<>();
        failure.put("case", caseLabel);
        failure.put("reason", reason);
        failure.put("part", parts.size());
        listOf(json, "failures").add(failure);
        writeJson();
    }

    /** Extra top-level JSON content (e.g. the cost summary). */
    public void put(String key, Object value) {
        json.put(key, value);
        writeJson();
    }

    private void writeJson() {
        Path partial = dir.resolve(JSON_INCOMPLETE);
        Path tmp = dir.resolve(JSON + ".tmp");
        try {
            MAPPER.writeValue(tmp.toFile(), json);
            Files.move(tmp, partial, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + partial + ": " + e.getMessage(), e);
        }
    }

    /** Closes the CSV and moves both files to their final names, atomically. */
    public void finish() {
        parts.get(parts.size() - 1).put("ended_utc", now());
        writeJson();
        csv.close();
        try {
            Files.move(dir.resolve(CSV_INCOMPLETE), dir.resolve(CSV), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(dir.resolve(JSON_INCOMPLETE), dir.resolve(JSON), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot finish the run files in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Finishes a run that stopped before its last case: the files under their final names, marked
     * incomplete with what stopped it ({@code SIGTERM}), the reason in words and the planned cases it
     * lacks, which {@link #resume} measures.
     */
    public void finishIncomplete(String stoppedBy, String reason, List<String> missingCases) {
        Map<String, Object> incomplete = new LinkedHashMap<>();
        incomplete.put("stopped_by", stoppedBy);
        incomplete.put("reason", reason);
        incomplete.put("missing", missingCases);
        json.put("incomplete", incomplete);
        finish();
    }

    @Override
    public void close() {
        csv.close();
    }
}
