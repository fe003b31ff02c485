package io.tokencost.suite;

import io.tokencost.backend.DeviceProperties;
import io.tokencost.cost.ModelSpec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a run measures, decided before anything is: the suites (those asked, and the kernel suites a
 * model suite's prediction reads), the ordered cases with the fewest iterations each is timed over,
 * the profile the cases run on, and why a suite has no case. Pure: tested without JMH or a device.
 *
 * @param asked         the suites the user named
 * @param suites        what the run measures: {@link #suites(List, boolean)}
 * @param timing        the profile JMH times the cases with (the cost suite alone, quick: {@link Profile#BRIEF})
 * @param minIterations per case, the fewest measurement iterations (absent: the profile's)
 * @param notes         one line per suite that has no case on this device, saying why
 */
public record RunPlan(List<Suite> asked, List<Suite> suites, Profile timing, List<BenchCase> cases, Map<BenchCase, Integer> minIterations,
                      List<String> notes) {

    public RunPlan {
        asked = List.copyOf(asked);
        suites = List.copyOf(suites);
        cases = List.copyOf(cases);
        minIterations = Map.copyOf(minIterations);
        notes = List.copyOf(notes);
    }

    /** The asked suites, and before each model suite the kernel suites its prediction reads (unless {@code withKernelRows} is off). */
    public static List<Suite> suites(List<Suite> asked, boolean withKernelRows) {
        if (!withKernelRows) {
            return asked;
        }
        List<Suite> all = new ArrayList<>();
        for (Suite s : asked) {
            if (s instanceof ModelSuite ms) {
                for (String id : ms.predictionSuites()) {
                    Suite needed = Suites.parse(id).get(0);
                    if (!asked.contains(needed) && !all.contains(needed)) {
                        all.add(needed);
                    }
                }
            }
            if (!all.contains(s)) {
                all.add(s);
            }
        }
        return all;
    }

    /**
     * The plan on {@code device}: memory/read first when memory is not a chosen suite (every other row
     * is judged against it), then each suite's cases in order; a model suite's prediction rows (at its
     * own shapes, unless a chosen suite already times them) over {@link ModelSuite#PREDICTION_ROW_ITERATIONS}
     * and its steps over {@link ModelSuite#minStepIterations}.
     */
    public static RunPlan of(List<Suite> asked, boolean withKernelRows, Profile profile, DeviceProperties device, ModelSpec model,
                             String modelArgument, long workingSetOverride) {
        List<Suite> suites = suites(asked, withKernelRows);
        List<BenchCase> cases = new ArrayList<>();
        Map<BenchCase, Integer> minIterations = new HashMap<>();
        List<String> notes = new ArrayList<>();
        if (suites.stream().noneMatch(s -> s instanceof MemorySuite)) {
            cases.addAll(new MemorySuite().ceilingCases(device, workingSetOverride));
        }
        for (Suite s : suites) {
            if (s instanceof ModelSuite ms) {
                if (withKernelRows) {
                    for (BenchCase c : ms.predictionCases(profile, device, model)) {
                        if (cases.stream().noneMatch(o -> o.label().equals(c.label()))) {
                            cases.add(c);
                            minIterations.put(c, ModelSuite.PREDICTION_ROW_ITERATIONS);
                        }
                    }
                }
                List<BenchCase> steps = ms.cases(profile, device, model, modelArgument);
                if (steps.isEmpty()) {
                    notes.add(ms.id() + ": no cases: " + ms.whyNoCases(model));
                }
                cases.addAll(steps);
                int min = ms.minStepIterations(device);
                if (min > 0) {
                    steps.forEach(c -> minIterations.put(c, min));
                }
            } else {
                cases.addAll(s.cases(profile, device, workingSetOverride));
            }
        }
        Profile timing = profile == Profile.QUICK && suites.stream().allMatch(s -> s instanceof CostSuite) ? Profile.BRIEF : profile;
        return new RunPlan(asked, suites, timing, onePerLabel(cases, minIterations), minIterations, notes);
    }

    /**
     * Each case once: two suites may plan the same case (a model's prediction rows and a kernel suite
     * asked beside it), and a run records and resumes its cases by label. The first keeps its place
     * and takes the larger of the two minimum iteration counts.
     */
    private static List<BenchCase> onePerLabel(List<BenchCase> cases, Map<BenchCase, Integer> minIterations) {
        Map<String, BenchCase> byLabel = new LinkedHashMap<>();
        for (BenchCase c : cases) {
            BenchCase first = byLabel.putIfAbsent(c.label(), c);
            if (first != null && minIterations.getOrDefault(c, 0) > minIterations.getOrDefault(first, 0)) {
                minIterations.put(first, minIterations.get(c));
            }
        }
        return List.copyOf(byLabel.values());
    }

    /** Every case's label, in plan order: what a run records as planned and a resumed run matches rows by. */
    public List<String> labels() {
        return cases.stream().map(BenchCase::label).toList();
    }

    /** The same plan measuring only the cases labelled {@code labels} (what a resumed run lacks). */
    public RunPlan only(Collection<String> labels) {
        Set<String> keep = new HashSet<>(labels);
        return new RunPlan(asked, suites, timing, cases.stream().filter(c -> keep.contains(c.label())).toList(), minIterations, notes);
    }

    /** The fewest measurement iterations of a case: its suite's, else 0 (the profile's). */
    public int minIterations(BenchCase c) {
        return minIterations.getOrDefault(c, 0);
    }

    /** What a fork costs before its first iteration (JVM start, the benchmark's setup), in the sweep's planned time. */
    static final double FORK_SECONDS = 3;

    /** A case's planned seconds in each of {@code passes} passes: its fork, warm-up and measurement iterations. */
    public double plannedSeconds(BenchCase c, int passes) {
        long[] measurement = JmhCaseRunner.measurement(timing, minIterations(c), passes);
        return FORK_SECONDS + timing.warmupIterations * timing.warmupMillis / 1000.0 + measurement[0] * measurement[1] / 1000.0;
    }

    /** The suites measured for the model's prediction, not asked for. */
    public List<Suite> added() {
        return suites.stream().filter(s -> !asked.contains(s)).toList();
    }

    /** Whether the run ends with the cost suite's table (else with the decode ceiling). */
    public boolean costsTheModel() {
        return suites.stream().anyMatch(s -> s instanceof CostSuite);
    }
}
