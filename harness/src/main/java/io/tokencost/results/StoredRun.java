package io.tokencost.results;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A run folder as {@code run} left it: its samples.json (or the .partial one a crash leaves) and its
 * rows. Says whether the run measured everything it planned, and which cases it lacks.
 */
public record StoredRun(Path dir, Map<String, Object> json, List<ResultRow> rows, boolean finished) {

    /** Reads {@code dir}; a folder that holds no run is an IllegalArgumentException in plain words. */
    public static StoredRun read(Path dir) {
        Path done = dir.resolve(RunOutput.JSON);
        Path json = Files.isRegularFile(done) ? done : dir.resolve(RunOutput.JSON_INCOMPLETE);
        Path csv = RunResults.runCsv(dir);
        if (!Files.isRegularFile(json) || !Files.isRegularFile(csv)) {
            throw new IllegalArgumentException(dir + " holds no run (no " + RunOutput.JSON + " and " + RunOutput.CSV + ", finished or partial)");
        }
        return new StoredRun(dir, readJson(json), CsvResultReader.read(csv), json == done && csv.equals(dir.resolve(RunOutput.CSV)));
    }

    /**
     * Reads {@code dir} to take it up again: a crash may have cut the partial CSV's last row short,
     * and that row (never finished, so never a case's result) is cut off first.
     */
    public static StoredRun readToResume(Path dir) {
        Path partial = dir.resolve(RunOutput.CSV_INCOMPLETE);
        if (Files.isRegularFile(partial)) {
            try (java.nio.channels.FileChannel f = java.nio.channels.FileChannel.open(partial, java.nio.file.StandardOpenOption.READ,
                    java.nio.file.StandardOpenOption.WRITE)) {
                byte[] all = Files.readAllBytes(partial);
                int end = all.length;
                while (end > 0 && all[end - 1] != '\n') {
                    end--;
                }
                f.truncate(end);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + partial + ": " + e.getMessage());
            }
        }
        return read(dir);
    }

    /** The run's samples.json beside a results file, when there is one to read. */
    public static Optional<StoredRun> besides(Path resultsFile) {
        Path dir = resultsFile.toAbsolutePath().getParent();
        if (dir == null || !(Files.isRegularFile(dir.resolve(RunOutput.JSON)) || Files.isRegularFile(dir.resolve(RunOutput.JSON_INCOMPLETE)))) {
            return Optional.empty();
        }
        try {
            return Optional.of(read(dir));
        } catch (IllegalArgumentException | ResultFormatException e) {
            return Optional.empty();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readJson(Path file) {
        try {
            return new ObjectMapper().readValue(file.toFile(), LinkedHashMap.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + ": not a run's samples file (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The identity cells, by column header. */
    @SuppressWarnings("unchecked")
    public Map<String, String> identity() {
        return (Map<String, String>) json.getOrDefault("identity", Map.of());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> plan() {
        return (Map<String, Object>) json.getOrDefault("plan", Map.of());
    }

    /** Every case the run planned, by label; empty for a run written before plans were recorded. */
    @SuppressWarnings("unchecked")
    public List<String> plannedCases() {
        return (List<String>) plan().getOrDefault("cases", List.of());
    }

    /** The options that chose the cases. */
    @SuppressWarnings("unchecked")
    public Map<String, String> options() {
        return (Map<String, String>) plan().getOrDefault("options", Map.of());
    }

    /** The planned cases without a row, in plan order. */
    public List<String> missingCases() {
        Set<String> measured = new HashSet<>();
        rows.forEach(r -> measured.add(CaseKey.of(r).label()));
        return plannedCases().stream().filter(c -> !measured.contains(c)).toList();
    }

    /** What stopped the run before its last case (e.g. {@code SIGTERM}), as it recorded; a crashed run's files say nothing. */
    public Optional<String> stoppedBy() {
        return json.get("incomplete") instanceof Map<?, ?> m && m.get("stopped_by") instanceof String s ? Optional.of(s) : Optional.empty();
    }

    /**
     * Why this run cannot be resumed by a run with {@code now}'s identity, {@code options} and plan
     * (one line naming the difference), or empty: it lacks cases, and it would measure them on the
     * same device, with the same build and the same options.
     */
    public Optional<String> whyNotResumable(RunIdentity now, Map<String, String> options, List<String> plan) {
        if (complete()) {
            return Optional.of(dir + " is complete: nothing to resume");
        }
        if (plannedCases().isEmpty()) {
            return Optional.of(dir + " recorded no plan (a tokencost older than --resume wrote it): measure it again instead");
        }
        Map<String, String> id = identity();
        ResultRow cells = now.cells();
        String then = where(id.get("backend"), id.get("device_index"), id.get("device_name"), id.get("host"));
        String here = where(cells.get(Column.BACKEND), cells.get(Column.DEVICE_INDEX), cells.get(Column.DEVICE_NAME), cells.get(Column.HOST));
        if (!then.equals(here)) {
            return Optional.of(dir + " was measured on " + then + ", this is " + here);
        }
        String thenBuild = build(id.get("harness_version"), id.get("git_sha"));
        String hereBuild = build(now.harnessVersion(), now.gitSha());
        boolean shaDiffers = !isEmpty(id.get("git_sha")) && !now.gitSha().isEmpty() && !id.get("git_sha").equals(now.gitSha());
        if (!now.harnessVersion().equals(id.get("harness_version")) || shaDiffers) {
            return Optional.of(dir + " was measured with " + thenBuild + ", this is " + hereBuild);
        }
        Set<String> names = new LinkedHashSet<>(options().keySet());
        names.addAll(options.keySet());
        for (String name : names) {
            String recorded = options().getOrDefault(name, "");
            String mine = options.getOrDefault(name, "");
            if (!mine.equals(recorded)) {
                return Optional.of(dir + " was run with " + option(name, recorded) + ", this run has " + option(name, mine));
            }
        }
        if (!plan.equals(plannedCases())) {
            return Optional.of(dir + " planned " + plannedCases().size() + " cases, this run plans " + plan.size() + " others");
        }
        return Optional.empty();
    }

    private static String where(String backend, String index, String name, String host) {
        return backend + ":" + index + " (" + name + ") on " + host;
    }

    private static String build(String version, String sha) {
        return "tokencost " + version + (isEmpty(sha) ? "" : " (git " + sha + ")");
    }

    /** {@code --suite memory}; the profile as its flag ({@code --full}); an option not given: {@code no --working-set}. */
    private static String option(String name, String value) {
        if (name.equals("profile")) {
            return "--" + value;
        }
        return value.isEmpty() ? "no --" + name : "--" + name + " " + value;
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }

    public boolean complete() {
        return finished && stoppedBy().isEmpty() && missingCases().isEmpty();
    }

    /**
     * {@code incomplete: 3 of 7 cases (stopped by SIGTERM)} for a run that lacks cases (stopped, or
     * cases that failed), or did not finish writing its files (crashed); empty for a complete one.
     */
    public Optional<String> completeness() {
        if (complete()) {
            return Optional.empty();
        }
        List<String> planned = plannedCases();
        String counted = planned.isEmpty() ? "" : " " + (planned.size() - missingCases().size()) + " of " + planned.size() + " cases";
        String why = stoppedBy().map(s -> "stopped by " + s).orElse(finished ? "" : "the run did not finish");
        return Optional.of("incomplete:" + counted + (why.isEmpty() ? "" : counted.isEmpty() ? " " + why : " (" + why + ")"));
    }
}
