package io.tokencost.measure;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Collects, inside the (forked) benchmark JVM, the per-invocation kernel times measured on the
 * device's own clock, and the device clock around each iteration. Warm-up iterations are discarded.
 * {@link KernelTimeProfiler} hands each iteration's summary to JMH; {@link #writeTo} hands the raw
 * samples to the parent process, which computes the statistics of the row.
 *
 * <p>One static instance per JVM: JMH runs one benchmark trial at a time in a fork. A timed launch
 * records into a preallocated primitive buffer: nothing is allocated or boxed between launches.
 */
public final class KernelSamples {

    /** A growable array of doubles: appending boxes nothing, and grows (doubling) only past its capacity. */
    static final class DoubleBuffer {
        private double[] values = new double[4096];
        private int size;

        void add(double v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, Math.min(2 * values.length, MAX_SAMPLES));
            }
            values[size++] = v;
        }

        int size() {
            return size;
        }

        void clear() {
            size = 0;
        }

        /** The values, boxed once (an iteration's end, a trial's end: never per launch). */
        List<Double> boxed() {
            List<Double> out = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                out.add(values[i]);
            }
            return out;
        }
    }

    /** Set by the parent (-D) to the folder each trial (each fork) writes its raw samples into. */
    public static final String DIR_PROPERTY = "tokencost.samples.dir";

    /** Keeps memory bounded for microsecond kernels: later samples past this are not stored. */
    public static final int MAX_SAMPLES = 1_000_000;

    private static final KernelSamples INSTANCE = new KernelSamples();

    private final List<Double> energyPerLaunch = new ArrayList<>();
    private String energyMeter = "";
    private final List<Double> measured = new ArrayList<>();
    private final DoubleBuffer iteration = new DoubleBuffer();
    private final List<Double> batchPerLaunch = new ArrayList<>();
    private final List<Double> clocksMhz = new ArrayList<>();
    private final List<Double> iterationClocksMhz = new ArrayList<>();
    private final List<Double> iterationBatch = new ArrayList<>();
    private Workload workload;
    private boolean warmup = true;

    public static KernelSamples get() {
        return INSTANCE;
    }

    public synchronized void reset() {
        energyPerLaunch.clear();
        energyMeter = "";
        measured.clear();
        iteration.clear();
        batchPerLaunch.clear();
        clocksMhz.clear();
        iterationClocksMhz.clear();
        iterationBatch.clear();
        workload = null;
        warmup = true;
    }

    /** The work one invocation declares; the profiler derives bytes/s and FLOP/s from it. */
    public synchronized void declareWorkload(Workload w) {
        workload = w;
    }

    public synchronized Workload workload() {
        return workload;
    }

    /** Starts an iteration; samples of warm-up iterations are dropped at its end. */
    public synchronized void beginIteration(boolean isWarmup) {
        warmup = isWarmup;
        iteration.clear();
        iterationClocksMhz.clear();
        iterationBatch.clear();
    }

    /** One cold sample: one kernel invocation, caches flushed before it. */
    public synchronized void recordKernelSeconds(double seconds) {
        if (iteration.size() < MAX_SAMPLES) {
            iteration.add(seconds);
        }
    }

    /** One batch sample: the time of many back-to-back launches divided by their count. */
    public synchronized void recordBatchSecondsPerLaunch(double seconds) {
        iterationBatch.add(seconds);
        if (!warmup) {
            batchPerLaunch.add(seconds);
        }
    }

    public synchronized void recordClockMhz(double mhz) {
        iterationClocksMhz.add(mhz);
        if (!warmup) {
            clocksMhz.add(mhz);
        }
    }

    /** Clock readings since the iteration began (warm-up ones too: the profiler reports every iteration). */
    public synchronized List<Double> iterationClocksMhz() {
        return List.copyOf(iterationClocksMhz);
    }

    /** Batch samples since the iteration began. */
    public synchronized List<Double> iterationBatchSeconds() {
        return List.copyOf(iterationBatch);
    }

    /** Ends an iteration and returns its samples (empty for warm-up ones). */
    public synchronized List<Double> endIteration() {
        List<Double> done = iteration.boxed();
        if (keeps(done)) {
            measured.addAll(done);
        }
        iteration.clear();
        return warmup ? List.of() : done;
    }

    /** Whether an iteration's samples join the measured ones: a measurement iteration's, while the total stays within {@link #MAX_SAMPLES}. */
    private boolean keeps(List<Double> iterationSamples) {
        return !warmup && measured.size() + iterationSamples.size() <= MAX_SAMPLES;
    }

    /** Launches timed so far in this iteration (what its energy reading is divided by). */
    public synchronized int iterationLaunches() {
        return iteration.size();
    }

    /** Joules the device drew over a measured iteration, per launch in it (warm-up iterations dropped). */
    public synchronized void recordEnergyJoulesPerLaunch(double joules) {
        if (!warmup) {
            energyPerLaunch.add(joules);
        }
    }

    /** What meters this trial's energy, or why nothing does (one line). */
    public synchronized void noteEnergyMeter(String description) {
        energyMeter = description;
    }

    public synchronized List<Double> measured() {
        return List.copyOf(measured);
    }

    private static final java.util.concurrent.atomic.AtomicInteger TRIALS = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Writes this trial's raw samples as JSON, atomically, into the folder the parent named (if it
     * named one), under a name of their own: every fork of a case contributes its samples.
     */
    public synchronized void writeToRequestedDir() {
        String dir = System.getProperty(DIR_PROPERTY);
        if (dir != null && !dir.isEmpty()) {
            writeTo(Path.of(dir, "samples-" + ProcessHandle.current().pid() + "-" + TRIALS.incrementAndGet() + ".json"));
        }
    }

    /** Every trial's samples in a folder, concatenated (empty lists when the folder holds none). */
    public static Raw readAll(Path dir) {
        try (var files = Files.list(dir)) {
            return Raw.concat(files.filter(p -> p.getFileName().toString().matches("samples-.*\\.json")).sorted().map(KernelSamples::readFrom).toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list samples in " + dir, e);
        }
    }

    /**
     * Writes the trial's samples, the open iteration's included: JMH tears the trial down (where this
     * is called) inside the last measurement iteration, before the profiler's afterIteration ends it,
     * so that iteration's samples are not yet in {@link #measured}: without them each fork's row lost
     * its last iteration (1 of 20 samples for a launch longer than an iteration).
     */
    public synchronized void writeTo(Path file) {
        List<Double> kernel = new ArrayList<>(measured);
        List<Double> open = iteration.boxed();
        if (keeps(open)) {
            kernel.addAll(open);
        }
        Raw raw = new Raw(kernel, List.copyOf(batchPerLaunch), List.copyOf(clocksMhz), List.copyOf(energyPerLaunch), energyMeter);
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            new ObjectMapper().writeValue(tmp.toFile(), raw);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write samples to " + file, e);
        }
    }

    public static Raw readFrom(Path file) {
        try {
            return new ObjectMapper().readValue(file.toFile(), Raw.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read samples from " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * What crosses from the benchmark JVM to the parent. {@code energyJoulesPerLaunch}: per measured
     * iteration, the device's energy over it divided by its launches (empty where no meter reads);
     * {@code energyMeter}: what metered it, or why nothing did.
     */
    public record Raw(List<Double> kernelSeconds, List<Double> batchSecondsPerLaunch, List<Double> clockMhz, List<Double> energyJoulesPerLaunch,
                      String energyMeter) {

        public Raw {
            energyJoulesPerLaunch = energyJoulesPerLaunch == null ? List.of() : energyJoulesPerLaunch;
            energyMeter = energyMeter == null ? "" : energyMeter;
        }

        /** Several trials' samples in order, as one (the last trial's energy meter: every trial of a case has the same). */
        public static Raw concat(List<Raw> trials) {
            List<Double> kernel = new ArrayList<>();
            List<Double> batch = new ArrayList<>();
            List<Double> clocks = new ArrayList<>();
            List<Double> energy = new ArrayList<>();
            String meter = "";
            for (Raw r : trials) {
                kernel.addAll(r.kernelSeconds());
                batch.addAll(r.batchSecondsPerLaunch());
                clocks.addAll(r.clockMhz());
                energy.addAll(r.energyJoulesPerLaunch());
                meter = r.energyMeter();
            }
            return new Raw(kernel, batch, clocks, energy, meter);
        }

        public double[] kernelSecondsArray() {
            return kernelSeconds.stream().mapToDouble(Double::doubleValue).toArray();
        }

        public Map<String, Object> asJson() {
            return Map.of("kernel_s", kernelSeconds, "batch_s_per_launch", batchSecondsPerLaunch, "clock_mhz", clockMhz,
                    "energy_j_per_launch", energyJoulesPerLaunch, "energy_meter", energyMeter);
        }
    }
}
