package io.tokencost.results;

import io.tokencost.backend.DeviceProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run folder stopped, crashed, refused and resumed: what it records, what readers say of it, and that no row is lost or doubled. */
class StoredRunTest {

    private static final DeviceProperties HOST = new DeviceProperties("cpu", 0, "AMD EPYC", "", "", "", 2, 24L << 30, 0, 32L << 20, Map.of());
    private static final List<String> PLAN = List.of("memory/copy fp32 n=1024", "memory/read fp32 n=1024", "memory/triad fp32 n=1024");

    @TempDir
    Path dir;

    private static Map<String, String> options(String suite) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("backend", "cpu");
        o.put("suite", suite);
        o.put("profile", "quick");
        return o;
    }

    private static ResultRow row(RunIdentity id, String kernel) {
        return id.cells().set(Column.SUITE, "memory").set(Column.KERNEL, kernel).set(Column.DTYPE, "fp32").set(Column.N, 1024)
                .set(Column.TIME_MEDIAN_S, 0.001);
    }

    private Path stoppedAfterTwo(RunIdentity id) {
        Path run = dir.resolve("run");
        try (RunOutput out = new RunOutput(run, id)) {
            out.planned(PLAN, options("memory"));
            out.append(row(id, "copy"), Map.of());
            out.append(row(id, "read"), Map.of());
            out.finishIncomplete("SIGTERM", "stopped by SIGTERM after 2 of 3 cases", List.of(PLAN.get(2)));
        }
        return run;
    }

    @Test
    void aStoppedRunIsFinishedMarkedIncompleteWithTheCasesItLacks() {
        Path run = stoppedAfterTwo(RunIdentity.create(HOST));
        assertTrue(Files.isRegularFile(run.resolve(RunOutput.CSV)) && Files.isRegularFile(run.resolve(RunOutput.JSON)));
        StoredRun stored = StoredRun.read(run);
        assertEquals(List.of(PLAN.get(2)), stored.missingCases());
        assertEquals(Optional.of("SIGTERM"), stored.stoppedBy());
        assertFalse(stored.complete());
        assertEquals(Optional.of("incomplete: 2 of 3 cases (stopped by SIGTERM)"), stored.completeness());
        assertEquals(run.resolve(RunOutput.CSV) + " (incomplete: 2 of 3 cases (stopped by SIGTERM))", RunResults.describe(run.resolve(RunOutput.CSV)));
    }

    @Test
    void aResumedRunHasEveryCaseOnceAndSaysWhenEachPartRan() throws Exception {
        RunIdentity id = RunIdentity.create(HOST);
        Path run = stoppedAfterTwo(id);
        StoredRun stored = StoredRun.read(run);
        RunIdentity again = RunIdentity.continuing(stored.identity(), HOST);
        assertEquals(id.runId(), again.runId());
        assertEquals(Optional.empty(), stored.whyNotResumable(again, options("memory"), PLAN));
        try (RunOutput out = RunOutput.resume(stored)) {
            out.planned(PLAN, options("memory"));
            assertEquals(2, out.earlierRows().size());
            assertFalse(Files.exists(run.resolve(RunOutput.CSV)), "until it finishes, the run is partial again");
            out.append(row(again, "triad"), Map.of());
            out.finish();
        }
        StoredRun done = StoredRun.read(run);
        assertTrue(done.complete());
        assertEquals(Optional.empty(), RunResults.completeness(run.resolve(RunOutput.CSV)));
        assertEquals(List.of("copy", "read", "triad"), done.rows().stream().map(r -> r.get(Column.KERNEL)).toList());
        assertEquals(1, Files.readAllLines(run.resolve(RunOutput.CSV)).stream().filter(l -> l.startsWith("schema_version,")).count());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> parts = (List<Map<String, Object>>) done.json().get("parts");
        assertEquals(2, parts.size());
        assertEquals(List.of(false, true), parts.stream().map(p -> p.get("resumed")).toList());
        assertTrue(parts.stream().allMatch(p -> p.containsKey("started_utc") && p.containsKey("ended_utc")), parts.toString());
        assertEquals(3, ((List<?>) done.json().get("cases")).size());
        assertEquals(Optional.of(run + " is complete: nothing to resume"), done.whyNotResumable(again, options("memory"), PLAN));
    }

    /** A crash leaves the .partial files: read as a run that did not finish, and resumed from them without rewriting a row. */
    @Test
    void aCrashedRunsPartialFilesAreReadAndResumed() throws Exception {
        RunIdentity id = RunIdentity.create(HOST);
        Path run = dir.resolve("crashed");
        try (RunOutput out = new RunOutput(run, id)) {
            out.planned(PLAN, options("memory"));
            out.append(row(id, "copy"), Map.of());
        }
        StoredRun stored = StoredRun.read(run);
        assertEquals(Optional.of("incomplete: 1 of 3 cases (the run did not finish)"), stored.completeness());
        // the crash cut its last row short: that row is no result, and resuming cuts it off
        Files.writeString(run.resolve(RunOutput.CSV_INCOMPLETE), "5,20261207T", java.nio.file.StandardOpenOption.APPEND);
        stored = StoredRun.readToResume(run);
        assertEquals(1, stored.rows().size());
        try (RunOutput out = RunOutput.resume(stored)) {
            out.append(row(id, "read"), Map.of());
            out.append(row(id, "triad"), Map.of());
            out.finish();
        }
        assertEquals(List.of("copy", "read", "triad"), StoredRun.read(run).rows().stream().map(r -> r.get(Column.KERNEL)).toList());
        assertTrue(StoredRun.read(run).complete());
    }

    @Test
    void resumingIsRefusedOnAnotherDeviceBuildOrOptionsNamingTheDifference() {
        RunIdentity id = RunIdentity.create(HOST);
        StoredRun stored = StoredRun.read(stoppedAfterTwo(id));
        DeviceProperties other = new DeviceProperties("cpu", 0, "Intel Xeon", "", "", "", 2, 24L << 30, 0, 32L << 20, Map.of());
        String device = stored.whyNotResumable(RunIdentity.create(other), options("memory"), PLAN).orElseThrow();
        assertTrue(device.endsWith("was measured on cpu:0 (AMD EPYC) on " + id.host() + ", this is cpu:0 (Intel Xeon) on " + id.host()), device);
        RunIdentity newer = new RunIdentity(id.runId(), id.timestamp(), "9.9.9", id.gitSha(), id.host(), HOST, id.jvm());
        String build = stored.whyNotResumable(newer, options("memory"), PLAN).orElseThrow();
        assertTrue(build.contains("was measured with tokencost " + id.harnessVersion()) && build.contains("this is tokencost 9.9.9"), build);
        String option = stored.whyNotResumable(id, options("cost"), PLAN).orElseThrow();
        assertTrue(option.endsWith("was run with --suite memory, this run has --suite cost"), option);
        Map<String, String> full = options("memory");
        full.put("profile", "full");
        String profile = stored.whyNotResumable(id, full, PLAN).orElseThrow();
        assertTrue(profile.endsWith("was run with --quick, this run has --full"), profile);
        Map<String, String> more = options("memory");
        more.put("working-set", "64KiB");
        String added = stored.whyNotResumable(id, more, PLAN).orElseThrow();
        assertTrue(added.endsWith("was run with no --working-set, this run has --working-set 64KiB"), added);
        String plan = stored.whyNotResumable(id, options("memory"), PLAN.subList(0, 2)).orElseThrow();
        assertTrue(plan.contains("planned 3 cases"), plan);
    }

    /** Two tasks given one folder, or a rerun into an old one: the second is refused before it writes a row. */
    @Test
    void aNewRunNeverWritesOverAnother() {
        Path run = stoppedAfterTwo(RunIdentity.create(HOST));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RunOutput(run, RunIdentity.create(HOST)));
        assertEquals(run + " already holds a run: --resume " + run + " completes it; a new run needs another --out", e.getMessage());
        assertEquals(2, StoredRun.read(run).rows().size());
    }

    @Test
    void aFolderWithoutARunIsSaidInPlainWords() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StoredRun.read(dir));
        assertEquals(dir + " holds no run (no samples.json and results.csv, finished or partial)", e.getMessage());
    }
}
