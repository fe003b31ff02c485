package io.tokencost.results;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The measured rows of one device, gathered from run folders or CSV files: later runs replace an
 * earlier run's row of the same case, so a run of one suite adds to (or refreshes) the others.
 */
public final class RunResults {

    private final List<Path> files;
    private final List<ResultRow> rows;

    private RunResults(List<Path> files, List<ResultRow> rows) {
        this.files = files;
        this.rows = rows;
    }

    public List<Path> files() {
        return files;
    }

    public List<ResultRow> rows() {
        return rows;
    }

    /** A cell every row shares (device_name, backend, memory_bytes...): the first row's. */
    public String identity(Column c) {
        return rows.get(0).get(c);
    }

    /**
     * Every run under {@code runsDir} measured on the device of the newest one (folder names start
     * with the UTC stamp), oldest first. A run that crashed counts with the rows it finished.
     */
    public static RunResults latestDevice(Path runsDir) {
        List<Path> csvs = runFiles(runsDir);
        if (csvs.isEmpty()) {
            throw new IllegalArgumentException("no runs under " + runsDir + ": run `tokencost run` first, or name results with --results");
        }
        List<ResultRow> newest = CsvResultReader.read(csvs.get(csvs.size() - 1));
        if (newest.isEmpty()) {
            throw new IllegalArgumentException(csvs.get(csvs.size() - 1) + ": the newest run holds no rows");
        }
        String device = deviceKey(newest.get(0));
        List<Path> same = new ArrayList<>();
        for (Path p : csvs) {
            List<ResultRow> r = CsvResultReader.read(p);
            if (!r.isEmpty() && deviceKey(r.get(0)).equals(device)) {
                same.add(p);
            }
        }
        return of(same);
    }

    /** CSV files, or run folders (their results.csv), in the given order; all from one device. */
    public static RunResults of(List<Path> inputs) {
        Map<CaseKey, ResultRow> byCase = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>();
        String device = null;
        for (Path input : inputs) {
            Path file = Files.isDirectory(input) ? runCsv(input) : input;
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(input + ": no such results file or run folder");
            }
            for (ResultRow r : CsvResultReader.read(file)) {
                if (device == null) {
                    device = deviceKey(r);
                } else if (!deviceKey(r).equals(device)) {
                    throw new IllegalArgumentException(file + ": measured on " + deviceKey(r) + ", not " + device
                            + " like the results before it (estimate one device at a time)");
                }
                byCase.put(CaseKey.of(r), r);
            }
            files.add(file);
        }
        if (byCase.isEmpty()) {
            throw new IllegalArgumentException("the results given hold no rows: " + inputs);
        }
        return new RunResults(files, List.copyOf(byCase.values()));
    }

    /** The inputs grouped by device (in order of first appearance), each group merged as {@link #of} merges. */
    public static List<RunResults> byDevice(List<Path> inputs) {
        Map<String, List<Path>> groups = new LinkedHashMap<>();
        for (Path input : inputs) {
            Path file = Files.isDirectory(input) ? runCsv(input) : input;
            List<ResultRow> rows = Files.isRegularFile(file) ? CsvResultReader.read(file) : List.of();
            if (rows.isEmpty()) {
                throw new IllegalArgumentException(input + ": no rows (no such results file, or an empty one)");
            }
            groups.computeIfAbsent(deviceKey(rows.get(0)), k -> new ArrayList<>()).add(input);
        }
        return groups.values().stream().map(RunResults::of).toList();
    }

    private static String deviceKey(ResultRow r) {
        return r.get(Column.BACKEND) + " " + r.get(Column.DEVICE_NAME) + " #" + r.get(Column.DEVICE_INDEX) + " on " + r.get(Column.HOST);
    }

    /** A run folder's rows: its results.csv, else (a run that did not finish) the rows it had measured. */
    public static Path runCsv(Path dir) {
        Path done = dir.resolve(RunOutput.CSV);
        return Files.isRegularFile(done) ? done : dir.resolve(RunOutput.CSV_INCOMPLETE);
    }

    /** Whether a results file is an unfinished run's (its rows stop where the run stopped). */
    public static boolean incomplete(Path file) {
        return file.getFileName().toString().equals(RunOutput.CSV_INCOMPLETE);
    }

    /**
     * How much of its plan the run of a results file measured, when not all of it: {@code incomplete:
     * 3 of 7 cases (stopped by SIGTERM)} from its samples.json, or for a partial file without one,
     * that it did not finish.
     */
    public static Optional<String> completeness(Path file) {
        Optional<String> recorded = StoredRun.besides(file).flatMap(StoredRun::completeness);
        return recorded.isPresent() || !incomplete(file) ? recorded : Optional.of("incomplete: the run did not finish");
    }

    /** The file's path, and its run's {@link #completeness} in brackets where it lacks cases. */
    public static String describe(Path file) {
        return file + completeness(file).map(c -> " (" + c + ")").orElse("");
    }

    private static List<Path> runFiles(Path runsDir) {
        return runFolders(runsDir).stream().map(RunResults::runCsv).filter(Files::isRegularFile).toList();
    }

    /** The folders in {@code dir}, by name: run folders start with their UTC stamp, so oldest first. None when dir is no folder. */
    public static List<Path> runFolders(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(dir)) {
            return dirs.filter(Files::isDirectory).sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
    }
}
