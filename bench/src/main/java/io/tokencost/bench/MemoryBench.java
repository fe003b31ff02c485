package io.tokencost.bench;

import io.tokencost.backend.Backends;
import io.tokencost.backend.Buffer;
import io.tokencost.backend.KernelTimer;
import io.tokencost.backend.Session;
import io.tokencost.kernels.MemoryStream;
import io.tokencost.kernels.MemoryStreamKernels;
import io.tokencost.kernels.RandomData;
import io.tokencost.measure.KernelSamples;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The memory suite: copy, read, write and triad on random non-zero data. Each invocation is one
 * cold sample: caches flushed (GPU), then the kernel timed on the device's own clock and recorded
 * in {@link KernelSamples}; JMH's own score (wall time of flush + launch + sync) stays as a
 * cross-check. The harness sizes {@code elements} from the device's last-level cache; the default
 * here (1 GiB per array) serves plain JMH use of the jar.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MemoryBench {

    /** Back-to-back launches in one batch sample (GPU only: there the launch queue hides launch cost). */
    static final int BATCH_LAUNCHES = 10;
    /** Launches on small buffers before JMH's own warm-up (see {@link #warmUpCompilers()}). */
    static final int WARMUP_LAUNCHES = 2000;

    @Param("cpu")
    public String backend;

    @Param("0")
    public int device;

    @Param({"copy", "read", "write", "triad"})
    public String op;

    @Param("268435456")
    public long elements;

    private Session session;
    private MemoryStreamKernels kernels;
    private KernelTimer timer;
    private MemoryStream.Op kernel;
    private Buffer a;
    private Buffer b;
    private Buffer c;
    private Buffer partials;
    private float scalar;

    @Setup(Level.Trial)
    public void setUp() {
        KernelSamples.get().reset();
        kernel = MemoryStream.Op.of(op);
        KernelSamples.get().declareWorkload(kernel.workload(elements));
        session = Backends.byId(backend).open(device);
        kernels = session.memoryStream();
        timer = session.newTimer();
        a = randomBuffer(1);
        b = kernel.arrays() > 1 ? randomBuffer(2) : null;
        c = kernel.arrays() > 2 ? randomBuffer(3) : null;
        partials = session.allocateFloats(kernels.readPartials(elements));
        scalar = 0.5f + (float) Math.random();
        warmUpCompilers();
    }

    /**
     * JMH's time-based warm-up runs a gigabyte kernel only a few times: the CPU kernels' methods
     * are then still in C1 code (the Vector API is slow there) when measurement starts. Many short
     * launches on small buffers get them to C2 (and load GPU modules) without touching the data.
     */
    private void warmUpCompilers() {
        int small = 1 << 14;
        try (Buffer x = session.allocateFloats(small); Buffer y = session.allocateFloats(small);
             Buffer z = session.allocateFloats(small); Buffer p = session.allocateFloats(kernels.readPartials(small))) {
            x.upload(RandomData.uniformParallel(small, 7));
            y.upload(RandomData.uniformParallel(small, 8));
            z.upload(RandomData.uniformParallel(small, 9));
            for (int i = 0; i < WARMUP_LAUNCHES; i++) {
                launch(x, y, z, p);
            }
            session.synchronize();
        }
    }

    private Buffer randomBuffer(long seed) {
        if (elements > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("elements per array must fit a Java array: " + elements);
        }
        Buffer buf = session.allocateFloats(elements);
        buf.upload(RandomData.uniformParallel((int) elements, System.nanoTime() ^ seed));
        return buf;
    }

    @Setup(Level.Iteration)
    public void clockBefore() {
        session.measureClockMhz().ifPresent(KernelSamples.get()::recordClockMhz);
    }

    @Benchmark
    public void measure() {
        session.flushCaches();
        timer.start();
        launch();
        KernelSamples.get().recordKernelSeconds(timer.stopSeconds());
    }

    private void launch() {
        launch(a, b, c, partials);
    }

    /** One launch of this trial's kernel on buffers in the roles of the fields a, b, c, partials. */
    private void launch(Buffer a, Buffer b, Buffer c, Buffer partials) {
        switch (kernel) {
            case COPY -> kernels.copy(b, a);
            case READ -> kernels.read(a, partials);
            case WRITE -> kernels.write(a, scalar);
            case TRIAD -> kernels.triad(a, b, c, scalar);
            default -> throw new IllegalStateException("unhandled " + kernel);
        }
    }

    @TearDown(Level.Iteration)
    public void batchAndClockAfter() {
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
    public void tearDown() {
        KernelSamples.get().writeToRequestedFile();
        for (Buffer buf : new Buffer[] {a, b, c, partials}) {
            if (buf != null) {
                buf.close();
            }
        }
        session.close();
    }
}
