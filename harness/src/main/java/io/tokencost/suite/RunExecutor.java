package io.tokencost.suite;

import io.tokencost.kernels.CheckResult;
import io.tokencost.measure.KernelSamples;
import io.tokencost.results.ResultRow;
import io.tokencost.results.Rows;
import io.tokencost.results.RunIdentity;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures a {@link RunPlan}'s cases: the verified ones, pass after pass over the whole list, each
 * case's samples of every pass pooled into one row, written the moment its last pass ends. A case
 * that fails is reported and left out of the passes after; the others go on. A stop request ends
 * the sweep: no case starts after it, and the one it interrupted is neither a row nor a failure.
 */
public final class RunExecutor {

    /** Measures one case once, in at least {@code minIterations} iterations ({@link JmhCaseRunner}; tests fake it). */
    @FunctionalInterface
    public interface CaseRunner {
        KernelSamples.Raw run(BenchCase c, int minIterations) throws Exception;
    }

    /** Where a finished row goes, with its raw samples, and why a case has none (the run's output files). */
    @FunctionalInterface
    public interface RowSink {
        void append(ResultRow row, Map<String, Object> rawSamples);

        /** A case without a row: its label, and what happened in one line ({@link FailureReason}). */
        default void failed(String caseLabel, String reason) {
        }
    }

    /** What a run reports as it goes (the command prints it). */
    public interface Progress {
        void notVerified(BenchCase c);

        /** A case is about to be measured: the {@code step}-th (from 1) of the sweep's {@code clock.steps()}. */
        default void starting(BenchCase c, int pass, int step, SweepClock clock) {
        }

        void passStarted(int pass, int passes);

        /** A case's samples in a pass before the last (its row comes with the last). */
        void sampled(BenchCase c, int samples, int pass);

        void measured(ResultRow row);

        /** @param reason what happened, in one line ({@link FailureReason}) */
        void failed(BenchCase c, int pass, String reason);
    }

    /**
     * @param rows     the rows, in the plan's order
     * @param raws     each row's pooled samples
     * @param passRows with several passes, each pass's rows alone (the same cases), for the prediction's error pass by pass
     * @param failures cases that did not pass verification or failed to measure
     * @param stoppedBy what stopped the sweep before its end ({@link RunStop#reason}), or null
     * @param unmeasured with a stop, the verified cases it left without a row
     */
    public record Result(List<ResultRow> rows, Map<ResultRow, KernelSamples.Raw> raws, List<List<ResultRow>> passRows, int failures,
                         String stoppedBy, List<BenchCase> unmeasured) {
    }

    private RunExecutor() {
    }

    /** @param earlier rows this run already has (a resumed run's): the memory ceiling the new rows are judged against */
    public static Result execute(RunPlan plan, Map<String, CheckResult> checks, int passes, CaseRunner runner, RunIdentity identity,
                                 double nominalClockMhz, List<ResultRow> earlier, RowSink sink, Progress progress, RunStop stop) {
        int failures = 0;
        List<BenchCase> measurable = new ArrayList<>();
        for (BenchCase c : plan.cases()) {
            CheckResult check = checks.get(c.check());
            if (check == null || !check.passed()) {
                progress.notVerified(c);
                sink.failed(c.label(), "did not pass verification" + (check == null ? "" : check.failure() != null ? ": " + check.failure()
                        : String.format(java.util.Locale.ROOT, ": max rel error %.3g over the bound %.0e", check.maxRelError(), check.bound())));
                failures++;
            } else {
                measurable.add(c);
            }
        }
        List<Double> planned = new ArrayList<>();
        for (int pass = 1; pass <= passes; pass++) {
            measurable.forEach(c -> planned.add(plan.plannedSeconds(c, passes)));
        }
        SweepClock clock = new SweepClock(planned, System::nanoTime);
        int step = 0;
        // each case's samples, pass by pass (by identity: two equal cases would be two rows)
        Map<BenchCase, List<KernelSamples.Raw>> passSamples = new IdentityHashMap<>();
        List<BenchCase> rowCases = new ArrayList<>();
        List<ResultRow> rows = new ArrayList<>();
        Map<ResultRow, KernelSamples.Raw> raws = new IdentityHashMap<>();
        sweep:
        for (int pass = 1; pass <= passes; pass++) {
            boolean last = pass == passes;
            progress.passStarted(pass, passes);
            for (BenchCase c : List.copyOf(measurable)) {
                if (stop.requested()) {
                    break sweep;
                }
                progress.starting(c, pass, ++step, clock);
                try {
                    KernelSamples.Raw raw = runner.run(c, plan.minIterations(c));
                    clock.stepDone();
                    passSamples.computeIfAbsent(c, k -> new ArrayList<>()).add(raw);
                    if (!last) {
                        progress.sampled(c, raw.kernelSeconds().size(), pass);
                        continue;
                    }
                    List<KernelSamples.Raw> trials = passSamples.get(c);
                    KernelSamples.Raw pooled = KernelSamples.Raw.concat(trials);
                    // memory rows are the ceiling; every other row is judged against the best cold read so far
                    double ceiling = c.suite().equals("memory") ? Double.NaN : Rows.coldReadBytesPerS(concat(earlier, rows));
                    ResultRow row = CaseRows.of(identity, c, pooled, checks.get(c.check()), nominalClockMhz, ceiling);
                    Map<String, Object> json = new LinkedHashMap<>(pooled.asJson());
                    json.put("samples_per_pass", trials.stream().map(t -> t.kernelSeconds().size()).toList());
                    sink.append(row, json);
                    rows.add(row);
                    rowCases.add(c);
                    raws.put(row, pooled);
                    progress.measured(row);
                } catch (Exception e) {
                    if (stop.requested()) {
                        // the stop ended this case's fork: unmeasured, not failed
                        break sweep;
                    }
                    clock.stepDone();
                    clock.dropLater(plan.plannedSeconds(c, passes), passes - pass);
                    // one failed case must not lose the others: no row (a row pools every pass), out of the passes after
                    String reason = FailureReason.of(e);
                    progress.failed(c, pass, reason);
                    sink.failed(c.label(), reason);
                    measurable.remove(c);
                    failures++;
                }
            }
        }
        List<List<ResultRow>> passRows = new ArrayList<>();
        for (int pass = 0; passes > 1 && pass < passes; pass++) {
            List<ResultRow> alone = new ArrayList<>();
            for (BenchCase c : rowCases) {
                alone.add(CaseRows.of(identity, c, passSamples.get(c).get(pass), checks.get(c.check()), nominalClockMhz, Double.NaN));
            }
            passRows.add(alone);
        }
        List<BenchCase> unmeasured = new ArrayList<>();
        if (stop.requested()) {
            Map<BenchCase, Boolean> measured = new IdentityHashMap<>();
            rowCases.forEach(c -> measured.put(c, true));
            measurable.stream().filter(c -> !measured.containsKey(c)).forEach(unmeasured::add);
        }
        return new Result(rows, raws, passRows, failures, stop.reason(), unmeasured);
    }

    private static List<ResultRow> concat(List<ResultRow> a, List<ResultRow> b) {
        List<ResultRow> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
