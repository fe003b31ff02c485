package io.tokencost.bench;

import io.tokencost.kernels.CheckResult;
import io.tokencost.measure.Workload;
import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;
import io.tokencost.results.RunIdentity;
import io.tokencost.suite.BenchCase;
import io.tokencost.suite.CaseFailedException;
import io.tokencost.suite.FailureReason;
import io.tokencost.suite.JmhCaseRunner;
import io.tokencost.suite.Profile;
import io.tokencost.suite.RunExecutor;
import io.tokencost.suite.RunPlan;
import io.tokencost.suite.RunStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults in a case's fork, each planted in a real JMH fork on the emulation ({@link PlantedBench}):
 * the case fails with what happened in one line, and the run goes on with the next case.
 */
class RunFaultsTest {

    @TempDir
    Path dir;

    private static BenchCase planted(String fault) {
        return new BenchCase("planted", "planted/" + fault, fault, "fp32", "", Map.of(Column.N, 1024L), new Workload(4096, 4096, 0), 8192, "warm",
                PlantedBench.class.getName() + ".measure", Map.of("fault", fault));
    }

    private JmhCaseRunner runner(double caseTimeoutSeconds) {
        return new JmhCaseRunner(Profile.BRIEF, 1, 1, dir.resolve("jmh.log"), 0, caseTimeoutSeconds);
    }

    /** A kernel that never returns: the watchdog kills its fork, the case is timed out, and the next case is measured. */
    @Test
    void aHungKernelIsKilledByTheWatchdogAndTheNextCaseRuns() {
        List<BenchCase> cases = List.of(planted("spin"), planted("ok"));
        Map<String, CheckResult> checks = new HashMap<>();
        cases.forEach(c -> checks.put(c.check(), new CheckResult("planted", c.kernel(), "fp32", 1, 0, 1e-5, null)));
        // the hung case's bound is short; the next case's is not, so that a slow machine's fork start is no timeout
        JmhCaseRunner hung = runner(5);
        JmhCaseRunner next = runner(300);
        List<String> failed = new ArrayList<>();
        io.tokencost.backend.DeviceProperties emu;
        try (var session = new io.tokencost.backend.emu.EmuBackend().open(0)) {
            emu = session.device();
        }
        long start = System.nanoTime();
        RunExecutor.Result r = RunExecutor.execute(new RunPlan(List.of(), List.of(), Profile.BRIEF, cases, Map.of(), List.of()), checks, 1,
                (c, min) -> (c.kernel().equals("spin") ? hung : next).run(c, "emu", 0, min), RunIdentity.create(emu), 0, List.of(),
                new RunExecutor.RowSink() {
                    @Override
                    public void append(ResultRow row, Map<String, Object> raw) {
                    }

                    @Override
                    public void failed(String label, String reason) {
                        failed.add(label + ": " + reason);
                    }
                }, new RunExecutor.Progress() {
                    @Override
                    public void notVerified(BenchCase c) {
                    }

                    @Override
                    public void passStarted(int pass, int passes) {
                    }

                    @Override
                    public void sampled(BenchCase c, int samples, int pass) {
                    }

                    @Override
                    public void measured(ResultRow row) {
                    }

                    @Override
                    public void failed(BenchCase c, int pass, String reason) {
                    }
                }, RunStop.manual());
        assertEquals(1, failed.size(), failed.toString());
        assertTrue(failed.get(0).startsWith("planted/spin fp32 n=1024: timed out: no iteration ended in"), failed.get(0));
        assertEquals(List.of("ok"), r.rows().stream().map(row -> row.get(Column.KERNEL)).toList(), "the next case runs, in a fresh fork");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(120), "the hang was cut short");
        assertEquals(0, ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count(), "no fork left behind");
    }

    @Test
    void anOutOfBoundsKernelFailsItsCaseNotThisJvm() {
        Exception e = assertThrows(Exception.class, () -> runner(60).run(planted("oob"), "emu", 0));
        String reason = FailureReason.of(e);
        assertTrue(reason.startsWith("the emulated kernel faulted: ") && reason.contains("out-of-bounds"), reason);
    }

    @Test
    void aForkKilledBySigkillIsSaidSo() throws Exception {
        JmhCaseRunner jmh = runner(600);
        Thread killer = new Thread(() -> {
            try {
                // the fork is up once it has a child process of ours; give it a moment in its hung kernel
                while (ProcessHandle.current().descendants().findAny().isEmpty()) {
                    Thread.sleep(100);
                }
                Thread.sleep(2000);
                ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        killer.start();
        Exception e = assertThrows(Exception.class, () -> jmh.run(planted("spin"), "emu", 0));
        killer.join();
        assertEquals("the fork died by SIGKILL (exit code 137)", FailureReason.of(e));
        assertTrue(!(e instanceof CaseFailedException), "not the watchdog");
    }

    @Test
    void aForkThatEndsInItsSetupSaysItsExitCode() {
        Exception e = assertThrows(Exception.class, () -> runner(60).run(planted("exit"), "emu", 0));
        assertEquals("the fork exited with code 3", FailureReason.of(e));
    }
}
