package io.tokencost.bench;

import io.tokencost.backend.Backends;
import io.tokencost.backend.KernelTimer;
import io.tokencost.backend.Session;
import io.tokencost.measure.JvmFlags;
import io.tokencost.measure.KernelSamples;
import io.tokencost.measure.Workload;
import io.tokencost.measure.energy.EnergyMeter;
import io.tokencost.measure.energy.EnergyMeters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The measurement recipe every suite shares (nvbench's measure_cold, inside JMH): open the backend,
 * let the suite prepare its buffers and declare its work, warm up, then per invocation flush the
 * device caches and time one launch on the device's own clock; per iteration read the SM clock and
 * time a batch of back-to-back launches (GPUs). Suites implement {@link #prepare()} and
 * {@link #launch()} only: a benchmark declares its work, the harness derives the rates.
 * The fork, warm-up and measurement below are for running a benchmark class with JMH directly
 * (subclasses inherit them, as JMH's sample 24 shows); {@code tokencost run} sets its own.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", JvmFlags.INLINE_DEPTH, JvmFlags.LINE_ALIGNED_OBJECTS, JvmFlags.FULL_PROFILES, "-Xmx8g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public abstract class DeviceBench {

    /** Back-to-back launches in one batch sample (GPU only: there the launch queue hides launch cost). */
    static final int BATCH_LAUNCHES = 10;
    /** Warm-up launches before JMH's own warm-up, or as many as fit this many nanoseconds. */
    static final int WARMUP_LAUNCHES = 300;
    static final long WARMUP_NANOS = 2_000_000_000L;
    /**
     * Launches shorter than this get an untimed launch before each iteration's first timed one. JMH's
     * pause between iterations outlasts the CPU pool's spin (its workers park), so that launch paid a
     * wake-up no launch inside a step pays: 1.6-3x the median for a 1.3 ms product, the first of each
     * iteration's 71, +1.4 % on the row's mean at 20 iterations. Longer launches keep their every
     * launch timed: the pause is a millisecond against their tens.
     */
    static final double REWARM_BELOW_SECONDS = 0.05;

    @Param("cpu")
    public String backend;

    @Param("0")
    public int device;

    protected Session session;
    private KernelTimer timer;
    /** The last timed launch (0 before the first: the first iteration re-warms). */
    private double lastLaunchSeconds;
    /** The device's energy meter when it reads here (RAPL, NVML), and its reading at the iteration's start. */
    private EnergyMeter meter;
    private EnergyMeter.Sample energyStart;

    /** Allocates and fills the buffers (random, non-zero data); returns the work of one launch. */
    protected abstract Workload prepare();

    /** One launch of the kernel (asynchronous on GPUs). */
    protected abstract void launch();

    /** Frees what {@link #prepare()} allocated. */
    protected abstract void release();

    /**
     * JMH's time-based warm-up may run a large kernel only a few times, leaving the CPU kernels in
     * C1 code (where the Vector API is slow) when measurement starts; GPU modules load here too.
     */
    protected void warmUp() {
        long deadline = System.nanoTime() + WARMUP_NANOS;
        for (int i = 0; i < WARMUP_LAUNCHES && System.nanoTime() < deadline; i++) {
            launch();
        }
    }

    @Setup(Level.Trial)
    public void openTrial() {
        KernelSamples.get().reset();
        session = Backends.byId(backend).open(device);
        timer = session.newTimer();
        meter = EnergyMeters.of(backend, device).filter(m -> m.availability().available()).orElse(null);
        KernelSamples.get().noteEnergyMeter(EnergyMeters.describe(backend, device));
        KernelSamples.get().declareWorkload(prepare());
        warmUp();
        session.synchronize();
    }

    @Setup(Level.Iteration)
    public void clockBefore() {
        session.measureClockMhz().ifPresent(KernelSamples.get()::recordClockMhz);
        if (lastLaunchSeconds < REWARM_BELOW_SECONDS) {
            launch();
            session.synchronize();
        }
        if (meter != null) {
            session.synchronize();
            energyStart = meter.read();
        }
    }

    /** One cold sample: caches flushed (GPU), then one launch timed on the device's clock. */
    @Benchmark
    public void measure() {
        session.flushCaches();
        timer.start();
        launch();
        lastLaunchSeconds = timer.stopSeconds();
        KernelSamples.get().recordKernelSeconds(lastLaunchSeconds);
    }

    @TearDown(Level.Iteration)
    public void batchAndClockAfter() {
        if (meter != null && energyStart != null) {
            // the iteration's energy over its timed launches (on GPUs the cache flush before each is in it)
            session.synchronize();
            int launches = KernelSamples.get().iterationLaunches();
            if (launches > 0) {
                KernelSamples.get().recordEnergyJoulesPerLaunch(meter.joulesBetween(energyStart, meter.read()) / launches);
            }
            energyStart = null;
        }
        if (!backend.equals("cpu")) {
            session.flushCaches();
            timer.start();
            for (int i = 0; i < BATCH_LAUNCHES; i++) {
                launch();
            }
            KernelSamples.get().recordBatchSecondsPerLaunch(timer.stopSeconds() / BATCH_LAUNCHES);
        }
        session.measureClockMhz().ifPresent(KernelSamples.get()::recordClockMhz);
    }

    @TearDown(Level.Trial)
    public void closeTrial() {
        KernelSamples.get().writeToRequestedDir();
        release();
        session.close();
    }
}
