package io.tokencost.fleet;

import io.tokencost.measure.SampleStats;
import io.tokencost.results.CaseKey;
import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;
import io.tokencost.results.RunOutput;
import io.tokencost.results.RunResults;
import io.tokencost.results.StoredRun;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fleet's runs (one folder per task under one results root), grouped by GPU model: per case, every
 * node's median time, the node-to-node spread, and the nodes outside their peers' spread, with the
 * numbers. A node is an outlier on a case when its time is further from the peers' median than
 * {@code threshold} (5 % by default) and than three robust standard deviations of the peers
 * (1.4826 × the median absolute deviation), or when its clock throttled. Tasks that failed or
 * stopped are listed with why; their finished rows count.
 */
public final class FleetCollection {

    /** One task's run: its folder, the node it ran on, its rows, and what it lacks. */
    public record Task(Path dir, String model, String node, List<ResultRow> rows, Optional<String> incomplete, List<String> failures) {
    }

    /** One case across a model's nodes: each node's median time (NaN where it has none), their median, and the outliers' deviations. */
    public record Case(CaseKey key, Map<String, Double> seconds, double median, double spread, Map<String, String> outliers) {
    }

    /** The nodes of one GPU model (each with its run folder) and their cases. */
    public record Model(String name, List<String> nodes, Map<String, Path> runs, List<Case> cases) {
    }

    public static final double DEFAULT_THRESHOLD = 0.05;

    private final List<Task> tasks;
    private final List<Model> models;
    private final double threshold;

    private FleetCollection(List<Task> tasks, List<Model> models, double threshold) {
        this.tasks = tasks;
        this.models = models;
        this.threshold = threshold;
    }

    /** The least deviation from the peers' median that makes an outlier (a fraction). */
    public double threshold() {
        return threshold;
    }

    public List<Task> tasks() {
        return tasks;
    }

    public List<Model> models() {
        return models;
    }

    /** The run folders under {@code root} (its sub-folders that hold a run), grouped and compared. */
    public static FleetCollection of(Path root, double threshold) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException(root + ": no such folder");
        }
        List<Task> tasks = new ArrayList<>();
        for (Path dir : RunResults.runFolders(root)) {
            if (!Files.isRegularFile(RunResults.runCsv(dir)) || !(Files.isRegularFile(dir.resolve(RunOutput.JSON))
                    || Files.isRegularFile(dir.resolve(RunOutput.JSON_INCOMPLETE)))) {
                continue;
            }
            tasks.add(task(StoredRun.read(dir)));
        }
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException(root + " holds no run folders (each task's folder holds results.csv and samples.json, finished or partial)");
        }
        Map<String, List<Task>> byModel = new LinkedHashMap<>();
        tasks.forEach(t -> byModel.computeIfAbsent(t.model(), k -> new ArrayList<>()).add(t));
        List<Model> models = new ArrayList<>();
        byModel.forEach((name, group) -> models.add(model(name, group, threshold)));
        return new FleetCollection(tasks, models, threshold);
    }

    @SuppressWarnings("unchecked")
    private static Task task(StoredRun run) {
        Map<String, String> id = run.identity();
        Object scheduler = run.json().get("scheduler");
        String node = scheduler instanceof Map<?, ?> s && s.get("node") instanceof String n && !n.isEmpty() ? n : id.getOrDefault("host", "?");
        String model = id.getOrDefault("device_name", "?") + " (" + id.getOrDefault("backend", "?") + ")";
        List<String> failures = new ArrayList<>();
        if (run.json().get("failures") instanceof List<?> list) {
            for (Object f : list) {
                if (f instanceof Map<?, ?> m) {
                    failures.add(m.get("case") + ": " + m.get("reason"));
                }
            }
        }
        List<ResultRow> measured = run.rows().stream().filter(r -> r.has(Column.TIME_MEDIAN_S)).toList();
        return new Task(run.dir(), model, node, measured, run.completeness(), failures);
    }

    private static Model model(String name, List<Task> group, double threshold) {
        // a node that ran two tasks is two columns: its folders tell them apart
        List<String> nodes = new ArrayList<>();
        Map<String, Task> byNode = new LinkedHashMap<>();
        Map<String, Path> runs = new LinkedHashMap<>();
        for (Task t : group) {
            String node = byNode.containsKey(t.node()) ? t.node() + " (" + t.dir().getFileName() + ")" : t.node();
            nodes.add(node);
            byNode.put(node, t);
            runs.put(node, t.dir());
        }
        Map<CaseKey, Map<String, ResultRow>> rows = new LinkedHashMap<>();
        byNode.forEach((node, t) -> t.rows().forEach(r -> rows.computeIfAbsent(CaseKey.of(r), k -> new LinkedHashMap<>()).put(node, r)));
        List<Case> cases = new ArrayList<>();
        rows.forEach((key, perNode) -> cases.add(compare(key, nodes, perNode, threshold)));
        return new Model(name, nodes, runs, cases);
    }

    static Case compare(CaseKey key, List<String> nodes, Map<String, ResultRow> perNode, double threshold) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (String n : nodes) {
            ResultRow r = perNode.get(n);
            seconds.put(n, r == null ? Double.NaN : r.number(Column.TIME_MEDIAN_S));
        }
        double[] values = seconds.values().stream().filter(v -> !v.isNaN()).mapToDouble(Double::doubleValue).sorted().toArray();
        Map<String, String> outliers = new LinkedHashMap<>();
        double spread = Double.NaN;
        double median = Double.NaN;
        if (values.length > 0) {
            median = SampleStats.of(values).median();
            spread = (values[values.length - 1] - values[0]) / median;
            double center = median;
            double[] deviations = Arrays.stream(values).map(v -> Math.abs(v - center)).toArray();
            double robustSigma = 1.4826 * SampleStats.of(deviations).median() / median;
            double bound = Math.max(threshold, 3 * robustSigma);
            for (Map.Entry<String, Double> e : seconds.entrySet()) {
                ResultRow r = perNode.get(e.getKey());
                if (r == null) {
                    continue;
                }
                double off = e.getValue() / median - 1;
                // the peers' spread needs peers: with fewer than three nodes only a throttled clock stands out
                if (values.length >= 3 && Math.abs(off) > bound) {
                    outliers.put(e.getKey(), String.format(java.util.Locale.ROOT, "%+.1f %% against the median of %d nodes (bound ±%.1f %%)",
                            100 * off, values.length, 100 * bound));
                } else if ("true".equals(r.get(Column.THROTTLED))) {
                    outliers.put(e.getKey(), String.format(java.util.Locale.ROOT, "its SM clock throttled (%s–%s MHz)", r.get(Column.CLOCK_MHZ_MIN),
                            r.get(Column.CLOCK_MHZ_MAX)));
                }
            }
        }
        return new Case(key, seconds, median, spread, outliers);
    }
}
