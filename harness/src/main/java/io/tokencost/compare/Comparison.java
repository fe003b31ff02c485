package io.tokencost.compare;

import io.tokencost.results.CaseKey;
import io.tokencost.results.Column;
import io.tokencost.results.CsvResultReader;
import io.tokencost.results.ResultRow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs joined case by case against the first (the baseline). Only timed rows take part (derived
 * rows such as the decode ceiling have no time of their own); a case missing from a run is kept
 * and listed as such, never dropped.
 */
public final class Comparison {

    /**
     * One run: its file and its timed rows by case; {@code kernelImage} what its GPU kernels were
     * loaded from (SASS, or PTX JIT-compiled by the driver; empty on hosts and in files before v3).
     */
    public record Run(Path file, String device, String kernelImage, Map<CaseKey, ResultRow> rows) {
    }

    /** One case across the runs; {@code rows.get(i)} is null where run i did not measure it. */
    public record Case(CaseKey key, List<ResultRow> rows) {

        public boolean inAll() {
            return rows.stream().allMatch(r -> r != null);
        }

        /** Run i against the baseline: null when either lacks the case. */
        public Verdict verdict(int i) {
            return rows.get(0) == null || rows.get(i) == null ? null : Verdict.of(rows.get(0), rows.get(i));
        }

        /** Whether run i or the baseline flagged its row noisy: the verdict is within a wide noise, and says so. */
        public boolean noisy(int i) {
            return rows.get(0) != null && rows.get(i) != null && ("yes".equals(rows.get(0).get(Column.NOISY)) || "yes".equals(rows.get(i).get(Column.NOISY)));
        }

        public double difference(int i) {
            return rows.get(0) == null || rows.get(i) == null ? Double.NaN : Verdict.difference(rows.get(0), rows.get(i));
        }
    }

    private final List<Run> runs;
    private final List<Case> cases;

    private Comparison(List<Run> runs, List<Case> cases) {
        this.runs = runs;
        this.cases = cases;
    }

    public static Comparison of(List<Path> files) {
        if (files.size() < 2) {
            throw new IllegalArgumentException("compare needs two or more results files (or a folder holding two or more runs), got " + files.size());
        }
        List<Run> runs = new ArrayList<>();
        Set<CaseKey> keys = new LinkedHashSet<>();
        for (Path f : files) {
            List<ResultRow> all = CsvResultReader.read(f);
            if (all.isEmpty()) {
                throw new IllegalArgumentException(f + ": no rows to compare");
            }
            Map<CaseKey, ResultRow> timed = new LinkedHashMap<>();
            for (ResultRow r : all) {
                if (r.number(Column.TIME_MEDIAN_S) > 0) {
                    timed.put(key(r, all), r);
                }
            }
            keys.addAll(timed.keySet());
            runs.add(new Run(f, all.get(0).get(Column.DEVICE_NAME) + " (" + all.get(0).get(Column.BACKEND) + ")", all.get(0).get(Column.KERNEL_IMAGE), timed));
        }
        List<Case> cases = new ArrayList<>();
        for (CaseKey k : keys) {
            cases.add(new Case(k, runs.stream().map(r -> r.rows().get(k)).toList()));
        }
        return new Comparison(List.copyOf(runs), List.copyOf(cases));
    }

    /**
     * A row's case. The memory suite sizes its working sets from each device's caches, so its rows
     * join by kernel and the working set's rank in the run (smallest first), not by size.
     */
    static CaseKey key(ResultRow r, List<ResultRow> run) {
        CaseKey k = CaseKey.of(r);
        if (!r.get(Column.SUITE).equals("memory")) {
            return k;
        }
        long rank = run.stream().filter(o -> o.get(Column.SUITE).equals("memory") && o.get(Column.KERNEL).equals(r.get(Column.KERNEL))
                && o.number(Column.TIME_MEDIAN_S) > 0 && o.number(Column.N) < r.number(Column.N)).count();
        return k.withN("ws#" + (rank + 1));
    }

    public List<Run> runs() {
        return runs;
    }

    public List<Case> cases() {
        return cases;
    }

    /** Runs on another device than the baseline make this a hardware comparison. */
    public boolean acrossDevices() {
        return runs.stream().anyMatch(r -> !r.device().equals(runs.get(0).device()));
    }

    /** Runs whose kernels were loaded from different images (SASS against a JIT-compiled PTX, say); runs that do not say are left out. */
    public boolean acrossKernelImages() {
        return runs.stream().map(Run::kernelImage).filter(image -> !image.isEmpty()).distinct().count() > 1;
    }

    /** Cases some run slowed down on by more than {@code percent} (and beyond the noise). */
    public List<Case> regressions(double percent) {
        List<Case> out = new ArrayList<>();
        for (Case c : cases) {
            for (int i = 1; i < runs.size(); i++) {
                if (c.verdict(i) == Verdict.SLOWER && 100 * c.difference(i) > percent) {
                    out.add(c);
                    break;
                }
            }
        }
        return out;
    }
}
