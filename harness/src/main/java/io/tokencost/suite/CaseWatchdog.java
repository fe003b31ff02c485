package io.tokencost.suite;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.format.OutputFormat;

import java.io.IOException;
import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Bounds a case's fork by its progress: JMH's output in this JVM hears of every iteration the fork
 * starts and ends (the fork forwards them), and a fork that ends none for longer than the bound is
 * killed, which a hung kernel (a GPU hang, a deadlock in the emulation) would otherwise never be:
 * JMH's own timeout interrupts a thread, and a native synchronize does not listen. The bound is the
 * larger of {@code floorSeconds} (its setup and first iteration included) and 20 times the
 * slowest iteration the case has ended, so a case of long launches gets the time its launches take.
 */
final class CaseWatchdog implements OutputFormat, AutoCloseable {

    static final int SLOWEST_ITERATION_MULTIPLE = 20;

    private final OutputFormat out;
    private final long floorNanos;
    private final LongSupplier nanos;
    private final Runnable kill;
    private final ScheduledExecutorService timer;
    private volatile long lastProgress;
    private volatile long iterationStart;
    private volatile long slowestIteration;
    private volatile long firedAfter = -1;

    /** @param kill ends the fork (the run's: this JVM's child processes) */
    CaseWatchdog(OutputFormat out, double floorSeconds, LongSupplier nanos, Runnable kill, boolean watch) {
        this.out = out;
        this.floorNanos = (long) (floorSeconds * 1e9);
        this.nanos = nanos;
        this.kill = kill;
        this.lastProgress = nanos.getAsLong();
        if (watch) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tokencost-case-watchdog");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleWithFixedDelay(this::check, 250, 250, TimeUnit.MILLISECONDS);
        } else {
            timer = null;
        }
    }

    /** Seconds the fork may go without ending an iteration. */
    double boundSeconds() {
        return Math.max(floorNanos, SLOWEST_ITERATION_MULTIPLE * slowestIteration) / 1e9;
    }

    /** Kills the fork when it has been silent past the bound; returns whether it did. */
    boolean check() {
        long silent = nanos.getAsLong() - lastProgress;
        if (firedAfter < 0 && silent > boundSeconds() * 1e9) {
            firedAfter = silent;
            kill.run();
            return true;
        }
        return false;
    }

    boolean fired() {
        return firedAfter >= 0;
    }

    /** {@code timed out: no iteration ended in 612 s (the bound: 600 s, or 20x its slowest iteration)}. */
    String reason() {
        return String.format(Locale.ROOT, "timed out: no iteration ended in %.0f s (the bound: %.0f s, or %dx its slowest iteration; "
                + "--case-timeout sets it), its fork was killed", firedAfter / 1e9, floorNanos / 1e9, SLOWEST_ITERATION_MULTIPLE);
    }

    private void progress() {
        lastProgress = nanos.getAsLong();
    }

    @Override
    public void iteration(BenchmarkParams benchParams, IterationParams params, int iteration) {
        progress();
        iterationStart = lastProgress;
        out.iteration(benchParams, params, iteration);
    }

    @Override
    public void iterationResult(BenchmarkParams benchParams, IterationParams params, int iteration, IterationResult data) {
        progress();
        slowestIteration = Math.max(slowestIteration, lastProgress - iterationStart);
        out.iterationResult(benchParams, params, iteration, data);
    }

    @Override
    public void startBenchmark(BenchmarkParams benchParams) {
        progress();
        out.startBenchmark(benchParams);
    }

    @Override
    public void endBenchmark(BenchmarkResult result) {
        progress();
        out.endBenchmark(result);
    }

    @Override
    public void startRun() {
        out.startRun();
    }

    @Override
    public void endRun(Collection<RunResult> result) {
        out.endRun(result);
    }

    @Override
    public void print(String s) {
        out.print(s);
    }

    @Override
    public void println(String s) {
        out.println(s);
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void verbosePrintln(String s) {
        out.verbosePrintln(s);
    }

    @Override
    public void write(int b) {
        out.write(b);
    }

    @Override
    public void write(byte[] b) throws IOException {
        out.write(b);
    }

    /** Stops watching; the output it wraps is its owner's to close. */
    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
