package io.tokencost.suite;

import io.tokencost.measure.JvmFlags;
import io.tokencost.measure.KernelSamples;
import io.tokencost.measure.KernelTimeProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Runs one {@link BenchCase} through JMH (programmatically, in forked JVMs unless forks = 0) and
 * returns the raw kernel-time samples the benchmark recorded, every fork's. JMH's own log is
 * appended to a file. With several passes, each run is one pass: its share of the measurement
 * iterations (rounded up), after its own fork, setup and warm-up.
 */
public final class JmhCaseRunner {

    private final Profile profile;
    private final int forks;
    private final int passes;
    private final Path jmhLog;
    private final long physicalMemory;
    private final double caseTimeoutSeconds;

    public JmhCaseRunner(Profile profile, int forks, int passes, Path jmhLog, long physicalMemory) {
        this(profile, forks, passes, jmhLog, physicalMemory, DEFAULT_CASE_TIMEOUT_SECONDS);
    }

    /** @param caseTimeoutSeconds the watchdog's floor ({@link CaseWatchdog}): a fork silent for longer is killed */
    public JmhCaseRunner(Profile profile, int forks, int passes, Path jmhLog, long physicalMemory, double caseTimeoutSeconds) {
        if (passes < 1) {
            throw new IllegalArgumentException("passes must be >= 1, got " + passes);
        }
        this.profile = profile;
        this.forks = forks;
        this.passes = passes;
        this.jmhLog = jmhLog;
        this.physicalMemory = physicalMemory;
        this.caseTimeoutSeconds = caseTimeoutSeconds;
    }

    /** Ten minutes without an iteration ending: no kernel here runs that long, and a fork's setup takes seconds. */
    public static final double DEFAULT_CASE_TIMEOUT_SECONDS = 600;

    public KernelSamples.Raw run(BenchCase c, String backend, int deviceIndex) throws RunnerException, IOException {
        return run(c, backend, deviceIndex, 0);
    }

    /**
     * One pass's measurement iterations and each one's milliseconds: the profile's, or at least
     * {@code minIterations} sharing the profile's measurement time (an iteration times one launch
     * at least, so a launch longer than an iteration still gives a sample per iteration), split
     * over the passes (rounded up: every pass times one iteration at least).
     */
    static long[] measurement(Profile profile, int minIterations, int passes) {
        int iterations = Math.max(profile.measurementIterations, minIterations);
        long millis = Math.max(1, (long) profile.measurementIterations * profile.measurementMillis / iterations);
        return new long[] {(iterations + passes - 1) / passes, millis};
    }

    /** As {@link #run(BenchCase, String, int)}, in at least {@code minIterations} measurement iterations over all passes ({@link #measurement}). */
    public KernelSamples.Raw run(BenchCase c, String backend, int deviceIndex, int minIterations) throws RunnerException, IOException {
        Path samplesDir = Files.createTempDirectory("tokencost-samples");
        long[] measurement = measurement(profile, minIterations, passes);
        try {
            ChainedOptionsBuilder opts = new OptionsBuilder()
                    .include("^" + Pattern.quote(c.benchmark()) + "$")
                    .param("backend", backend)
                    .param("device", Integer.toString(deviceIndex))
                    .forks(forks)
                    .warmupIterations(profile.warmupIterations)
                    .warmupTime(TimeValue.milliseconds(profile.warmupMillis))
                    .measurementIterations((int) measurement[0])
                    .measurementTime(TimeValue.milliseconds(measurement[1]))
                    .addProfiler(KernelTimeProfiler.class)
                    .shouldFailOnError(true)
                    .jvmArgsAppend(forkArgs(c, samplesDir));
            c.jmhParams().forEach(opts::param);
            if (forks == 0) {
                System.setProperty(KernelSamples.DIR_PROPERTY, samplesDir.toString());
            }
            Collection<RunResult> results;
            // in this JVM (no fork) nothing could be killed: the watchdog only watches forks
            try (PrintStream log = new PrintStream(new FileOutputStream(jmhLog.toFile(), true), true, StandardCharsets.UTF_8);
                 CaseWatchdog watchdog = new CaseWatchdog(OutputFormatFactory.createFormatInstance(log, VerboseMode.NORMAL), caseTimeoutSeconds,
                         System::nanoTime, JmhCaseRunner::killForks, forks > 0)) {
                log.println("### " + c.label() + " on " + backend + ":" + deviceIndex);
                try {
                    results = new Runner(opts.build(), watchdog).run();
                } catch (RunnerException e) {
                    if (watchdog.fired()) {
                        throw new CaseFailedException(watchdog.reason(), e);
                    }
                    throw e;
                }
                if (watchdog.fired()) {
                    throw new CaseFailedException(watchdog.reason(), null);
                }
            } finally {
                if (forks == 0) {
                    System.clearProperty(KernelSamples.DIR_PROPERTY);
                }
            }
            KernelSamples.Raw raw = KernelSamples.readAll(samplesDir);
            if (results.isEmpty() || raw.kernelSeconds().isEmpty()) {
                throw new RunnerException("JMH produced no result for " + c.label() + " (see " + jmhLog + ")");
            }
            OptionalLong counted = samplesJmhCounted(results);
            if (counted.isPresent() && counted.getAsLong() != raw.kernelSeconds().size()) {
                throw new RunnerException(c.label() + ": the forks wrote " + raw.kernelSeconds().size() + " samples, but JMH's iterations counted "
                        + counted.getAsLong() + " (see " + jmhLog + ")");
            }
            return raw;
        } catch (RunnerException e) {
            throw new RunnerException(Objects.toString(e.getMessage(), "JMH failed") + " (details in " + jmhLog + ")", e);
        } finally {
            try (var files = Files.list(samplesDir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(samplesDir);
        }
    }

    /** This JVM's child processes: the JMH fork of the case being measured. */
    static void killForks() {
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * The kernel samples every measured iteration of every fork reported to JMH ({@link KernelTimeProfiler}'s
     * count), which the forks' files must hold too; empty when a fork took more than a file keeps.
     */
    static OptionalLong samplesJmhCounted(Collection<RunResult> results) {
        long sum = 0;
        for (RunResult r : results) {
            for (var fork : r.getBenchmarkResults()) {
                Result<?> samples = fork.getSecondaryResults().get(KernelTimeProfiler.SAMPLES);
                long n = samples == null ? 0 : Math.round(samples.getScore());
                if (n > KernelSamples.MAX_SAMPLES) {
                    return OptionalLong.empty();
                }
                sum += n;
            }
        }
        return OptionalLong.of(sum);
    }

    private String[] forkArgs(BenchCase c, Path samplesDir) {
        List<String> args = new ArrayList<>(List.of("--add-modules", "jdk.incubator.vector"));
        args.addAll(JvmFlags.forTiming());
        args.add("-Xmx" + heapMiB(c) + "m");
        args.add("-D" + KernelSamples.DIR_PROPERTY + "=" + samplesDir);
        args.addAll(tokencostProperties());
        return args.toArray(new String[0]);
    }

    /**
     * This JVM's {@code tokencost.*} system properties (a forced kernel image, the qgemv switch batch)
     * as the forks' {@code -D} flags: a fork measures what this process chose and verified.
     */
    static List<String> tokencostProperties() {
        return System.getProperties().stringPropertyNames().stream().sorted()
                .filter(n -> n.startsWith("tokencost.") && !n.equals(KernelSamples.DIR_PROPERTY))
                .map(n -> "-D" + n + "=" + System.getProperty(n)).toList();
    }

    /** Heap for the fork: the host staging arrays and (on the CPU) the buffers, twice the working set, plus 1 GiB. */
    long heapMiB(BenchCase c) {
        long want = 2 * c.workingSetBytes() + (1L << 30);
        if (physicalMemory > 0 && want > physicalMemory * 8 / 10) {
            throw new IllegalArgumentException(c.label() + " needs " + (want >> 20) + " MiB of heap, more than 80 % of this machine's "
                    + (physicalMemory >> 20) + " MiB: use a smaller --working-set");
        }
        return want >> 20;
    }
}
