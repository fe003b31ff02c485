package io.tokencost.bench;

import io.tokencost.results.CaseKey;
import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;
import io.tokencost.results.RunOutput;
import io.tokencost.results.RunResults;
import io.tokencost.results.StoredRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A running {@code tokencost run} (the packaged jar through the launcher, CPU backend, small working
 * sets) stopped by SIGTERM and SIGINT once some cases are done: it exits 4, its folder reads back
 * with every finished case and says it is incomplete, {@code compare} reads it, and {@code run
 * --resume} completes it with every case exactly once. A second signal stops at once, losing no row.
 */
class RunStopIT {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final List<String> RUN = List.of("run", "--backend", "cpu", "--suite", "memory", "--working-set", "64KiB");

    @TempDir
    Path tmp;

    private Process start(List<String> args, Path log) throws Exception {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("tokencost").toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TOKENCOST_NO_BUILD", "1");
        return pb.start();
    }

    /** Waits until the run has written {@code rows} finished cases. */
    private static void awaitRows(Path dir, int rows, Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        Path partial = dir.resolve(RunOutput.CSV_INCOMPLETE);
        while (!(Files.isRegularFile(partial) && Files.readAllLines(partial).size() > rows)) {
            assertTrue(p.isAlive(), "the run ended first: " + Files.readString(log));
            assertTrue(System.nanoTime() < deadline, "no " + rows + " rows in 3 minutes: " + Files.readString(log));
            Thread.sleep(200);
        }
    }

    private static void signal(Process p, String signal) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor());
    }

    private static int exit(Process p, Path log) throws Exception {
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "did not end: " + Files.readString(log));
        return p.exitValue();
    }

    private Path stoppedRun(String signal) throws Exception {
        Path dir = tmp.resolve(signal.toLowerCase());
        Path log = tmp.resolve(signal + ".log");
        List<String> args = new ArrayList<>(RUN);
        args.addAll(List.of("--out", dir.toString()));
        Process p = start(args, log);
        awaitRows(dir, 2, p, log);
        signal(p, signal);
        assertEquals(4, exit(p, log), Files.readString(log));
        String out = Files.readString(log);
        assertTrue(out.contains("stopped by SIG" + signal + " after "), out);
        assertTrue(out.contains("tokencost run --resume " + dir), out);
        // not a terminal: a plain progress line per case, no escape codes
        assertTrue(out.lines().anyMatch(l -> l.matches("\\[1/\\d+\\] memory/\\w+ fp32 n=\\d+ · \\d+s elapsed")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("\\[2/\\d+\\] memory/.* elapsed · about .* left")), out);
        assertTrue(!out.contains("\033["), out);
        return dir;
    }

    @Test
    void sigtermStopsAfterTheFinishedCasesAndResumeCompletesTheRun() throws Exception {
        Path dir = stoppedRun("TERM");
        StoredRun stopped = StoredRun.read(dir);
        int planned = stopped.plannedCases().size();
        assertTrue(planned >= 4 && !stopped.rows().isEmpty() && stopped.rows().size() < planned, stopped.rows().size() + " of " + planned);
        Optional<String> said = RunResults.completeness(dir.resolve(RunOutput.CSV));
        assertEquals(Optional.of("incomplete: " + stopped.rows().size() + " of " + planned + " cases (stopped by SIGTERM)"), said);

        Path compared = tmp.resolve("compare.log");
        Process compare = start(List.of("compare", dir.toString(), dir.toString()), compared);
        assertEquals(0, exit(compare, compared), Files.readString(compared));
        assertTrue(Files.readString(compared).contains(said.get()), Files.readString(compared));

        Path resumedLog = tmp.resolve("resume.log");
        List<String> resume = new ArrayList<>(RUN);
        resume.addAll(List.of("--resume", dir.toString()));
        Process resumed = start(resume, resumedLog);
        assertEquals(0, exit(resumed, resumedLog), Files.readString(resumedLog));
        StoredRun done = StoredRun.read(dir);
        assertTrue(done.complete(), done.completeness().toString());
        List<String> measured = done.rows().stream().map(r -> CaseKey.of(r).label()).filter(done.plannedCases()::contains).sorted().toList();
        assertEquals(done.plannedCases().stream().sorted().toList(), measured, "every case exactly once");
        assertTrue(done.rows().stream().map(r -> r.get(Column.RUN_ID)).distinct().count() == 1, "one run");
    }

    @Test
    void sigintStopsTheSameWay() throws Exception {
        Path dir = stoppedRun("INT");
        assertEquals(Optional.of("SIGINT"), StoredRun.read(dir).stoppedBy());
    }

    /**
     * A second signal while the first stop waits for its case (in this JVM, with --forks 0, a case
     * cannot be cut short): the run ends at once, without finishing its files, and their partial
     * versions hold every finished row.
     */
    @Test
    void aSecondSignalStopsAtOnceLosingNoRow() throws Exception {
        Path dir = tmp.resolve("twice");
        Path log = tmp.resolve("twice.log");
        List<String> args = new ArrayList<>(RUN);
        args.addAll(List.of("--forks", "0", "--out", dir.toString()));
        Process p = start(args, log);
        awaitRows(dir, 1, p, log);
        List<ResultRow> before = io.tokencost.results.CsvResultReader.read(dir.resolve(RunOutput.CSV_INCOMPLETE));
        signal(p, "TERM");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.readString(log).contains("stopping after the finished cases")) {
            assertTrue(System.nanoTime() < deadline && p.isAlive(), Files.readString(log));
            Thread.sleep(20);
        }
        signal(p, "TERM");
        assertEquals(4, exit(p, log), Files.readString(log, StandardCharsets.UTF_8));
        assertTrue(Files.readString(log).contains("SIGTERM again: stopping now"), Files.readString(log));
        assertTrue(!Files.exists(dir.resolve(RunOutput.CSV)), "halted: the files are not finished");
        List<ResultRow> after = io.tokencost.results.CsvResultReader.read(dir.resolve(RunOutput.CSV_INCOMPLETE));
        assertTrue(after.size() >= before.size() && !after.isEmpty(), before.size() + " rows before the signals, " + after.size() + " after");
    }

    /** On a terminal (a pseudo-terminal from util-linux's script): one progress line that rewrites itself, erased before each row. */
    @Test
    void onATerminalTheProgressIsOneUpdatingLine() throws Exception {
        Path dir = tmp.resolve("tty");
        Path log = tmp.resolve("tty.log");
        String command = "TOKENCOST_NO_BUILD=1 " + ROOT.resolve("tokencost") + " " + String.join(" ", RUN) + " --out " + dir;
        Process p = new ProcessBuilder("script", "-qec", command, "/dev/null").directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        assertEquals(0, exit(p, log), Files.readString(log));
        String out = Files.readString(log);
        assertTrue(out.contains("\r\033[K[1/4] memory/"), out);
        assertTrue(out.contains("\r\033[K[4/4] memory/"), out);
        assertTrue(out.lines().noneMatch(l -> l.startsWith("[1/4]")), "no plain progress lines on a terminal: " + out);
        assertTrue(StoredRun.read(dir).complete());
    }
}
