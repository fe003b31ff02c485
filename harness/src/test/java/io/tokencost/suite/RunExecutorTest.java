package io.tokencost.suite;

import io.tokencost.backend.DeviceProperties;
import io.tokencost.kernels.CheckResult;
import io.tokencost.measure.KernelSamples;
import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;
import io.tokencost.results.RunIdentity;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The run's passes and rows without JMH: a fake runner gives each case its samples, or fails it. */
class RunExecutorTest {

    private static final DeviceProperties HOST = new DeviceProperties("cpu", 0, "test", "", "", "", 2, 24L << 30, 0, 32L << 20, Map.of());

    /** Records what the run reported, in order. */
    private static final class Events implements RunExecutor.Progress {
        final List<String> lines = new ArrayList<>();

        @Override
        public void notVerified(BenchCase c) {
            lines.add("not verified " + c.kernel());
        }

        @Override
        public void starting(BenchCase c, int pass, int step, SweepClock clock) {
            lines.add("step " + step + "/" + clock.steps());
        }

        @Override
        public void passStarted(int pass, int passes) {
            lines.add("pass " + pass + "/" + passes);
        }

        @Override
        public void sampled(BenchCase c, int samples, int pass) {
            lines.add(c.kernel() + " " + samples + " in pass " + pass);
        }

        @Override
        public void measured(ResultRow row) {
            lines.add("row " + row.get(Column.KERNEL) + " " + row.get(Column.SAMPLES));
        }

        @Override
        public void failed(BenchCase c, int pass, String reason) {
            lines.add("failed " + c.kernel() + " in pass " + pass + ": " + reason);
        }
    }

    private static KernelSamples.Raw samples(double... seconds) {
        List<Double> s = new ArrayList<>();
        for (double v : seconds) {
            s.add(v);
        }
        return new KernelSamples.Raw(s, List.of(), List.of(), List.of(), "");
    }

    /**
     * Copy, read, write and triad over two passes: write's check failed (not measured), triad fails
     * in pass 1 (no row, not run again), copy and read pool both passes' samples into one row each.
     */
    @Test
    void passesPoolEachCaseAndAFailureLosesNoOtherRow() {
        List<BenchCase> cases = new MemorySuite().cases(Profile.QUICK, HOST, 0);
        RunPlan plan = new RunPlan(List.of(), List.of(), Profile.QUICK, cases, Map.of(), List.of());
        Map<String, CheckResult> checks = new HashMap<>();
        for (BenchCase c : cases) {
            boolean write = c.kernel().equals("write");
            checks.put(c.check(), new CheckResult("memory_stream", c.kernel(), "fp32", 1, write ? 1 : 0, 1e-5, write ? "wrong sums" : null));
        }
        Map<String, Integer> runs = new HashMap<>();
        RunExecutor.CaseRunner runner = (c, min) -> {
            int n = runs.merge(c.kernel(), 1, Integer::sum);
            if (c.kernel().equals("triad")) {
                throw new IllegalStateException("the fork died");
            }
            return n == 1 ? samples(0.010, 0.011) : samples(0.012, 0.013, 0.014);
        };
        List<ResultRow> written = new ArrayList<>();
        Events events = new Events();
        RunExecutor.Result r = RunExecutor.execute(plan, checks, 2, runner, RunIdentity.create(HOST), 0, List.of(), (row, json) -> {
            assertEquals(List.of(2, 3), json.get("samples_per_pass"));
            written.add(row);
        }, events, RunStop.manual());

        assertEquals(List.of("not verified write", "pass 1/2", "step 1/6", "copy 2 in pass 1", "step 2/6", "read 2 in pass 1", "step 3/6",
                "failed triad in pass 1: the fork died", "pass 2/2", "step 4/5", "row copy 5", "step 5/5", "row read 5"), events.lines,
                "the failed case leaves the steps of the pass after");
        assertEquals(Map.of("copy", 2, "read", 2, "triad", 1), runs, "a failed case is not run again");
        assertEquals(written, r.rows());
        assertEquals(2, r.failures());
        assertEquals(List.of(0.010, 0.011, 0.012, 0.013, 0.014), r.raws().get(r.rows().get(0)).kernelSeconds());
        // each pass alone, for the prediction's error pass by pass
        assertEquals(2, r.passRows().size());
        assertEquals(2.0, r.passRows().get(0).get(0).number(Column.SAMPLES));
        assertEquals(3.0, r.passRows().get(1).get(0).number(Column.SAMPLES));
        assertTrue(r.rows().get(0).number(Column.TIME_MEDIAN_S) == 0.012);
        assertEquals(null, r.stoppedBy());
        assertEquals(List.of(), r.unmeasured());
    }

    /**
     * A stop while the second case is measured (its fork killed, so it throws): the first case's row
     * stays, the second is neither a row nor a failure, no case starts after it, and the result says
     * which cases have no row.
     */
    @Test
    void aStopEndsTheSweepAndLeavesTheRestUnmeasured() {
        List<BenchCase> cases = new MemorySuite().cases(Profile.QUICK, HOST, 0);
        RunPlan plan = new RunPlan(List.of(), List.of(), Profile.QUICK, cases, Map.of(), List.of());
        Map<String, CheckResult> checks = new HashMap<>();
        cases.forEach(c -> checks.put(c.check(), new CheckResult("memory_stream", c.kernel(), "fp32", 1, 0, 1e-5, null)));
        try (RunStop stop = RunStop.manual()) {
            stoppedSweep(cases, plan, checks, stop);
        }
    }

    private static void stoppedSweep(List<BenchCase> cases, RunPlan plan, Map<String, CheckResult> checks, RunStop stop) {
        List<String> ran = new ArrayList<>();
        RunExecutor.CaseRunner runner = (c, min) -> {
            ran.add(c.kernel());
            if (ran.size() == 2) {
                stop.request("SIGTERM");
                throw new IllegalStateException("Forked VM failed with exit code 143");
            }
            return samples(0.010, 0.011);
        };
        Events events = new Events();
        RunExecutor.Result r = RunExecutor.execute(plan, checks, 1, runner, RunIdentity.create(HOST), 0, List.of(), (row, json) -> { }, events, stop);
        assertEquals(List.of(cases.get(0).kernel(), cases.get(1).kernel()), ran, "no case starts after the stop");
        assertEquals(1, r.rows().size());
        assertEquals(0, r.failures(), "the stopped case is not a failure");
        assertEquals("SIGTERM", r.stoppedBy());
        assertEquals(cases.subList(1, cases.size()), r.unmeasured());
        assertTrue(events.lines.stream().noneMatch(l -> l.startsWith("failed")), events.lines.toString());
    }

    /** A resumed run's earlier rows: the new rows are judged against their memory ceiling. */
    @Test
    void newRowsAreJudgedAgainstTheEarlierRowsCeiling() {
        List<BenchCase> memory = new MemorySuite().cases(Profile.QUICK, HOST, 0);
        List<BenchCase> qgemv = new QGemvSuite().cases(Profile.QUICK, HOST, 0).subList(0, 1);
        Map<String, CheckResult> checks = new HashMap<>();
        for (BenchCase c : memory) {
            checks.put(c.check(), new CheckResult("memory_stream", c.kernel(), "fp32", 1, 0, 1e-5, null));
        }
        qgemv.forEach(c -> checks.put(c.check(), new CheckResult("qgemv", c.kernel(), "fp16", 1, 0, 1e-2, null)));
        RunIdentity id = RunIdentity.create(HOST);
        List<ResultRow> earlier = RunExecutor.execute(new RunPlan(List.of(), List.of(), Profile.QUICK, memory, Map.of(), List.of()), checks, 1,
                (c, min) -> samples(0.010, 0.011), id, 0, List.of(), (row, json) -> { }, new Events(), RunStop.manual()).rows();
        RunExecutor.Result resumed = RunExecutor.execute(new RunPlan(List.of(), List.of(), Profile.QUICK, qgemv, Map.of(), List.of()), checks, 1,
                (c, min) -> samples(0.010, 0.011), id, 0, earlier, (row, json) -> { }, new Events(), RunStop.manual());
        assertTrue(resumed.rows().get(0).has(Column.PCT_OF_MEASURED_BW), "judged against the earlier cold read");
    }
}
