package io.tokencost.backend;

/**
 * One open device: allocates buffers, serves each kernel family's launchers, and times them.
 * Kernel launches may be asynchronous; {@link #synchronize()} waits for them.
 */
public interface Session extends AutoCloseable {

    DeviceProperties device();

    /** A buffer of {@code elements} values of {@code type}; contents undefined until written. */
    Buffer allocate(DataType type, long elements);

    default Buffer allocateFloats(long elements) {
        return allocate(DataType.F32, elements);
    }

    /**
     * {@code family}'s launchers on this device, built on first use and kept while the session is
     * open (callers write {@code QGemvFamily.on(session)}).
     */
    <T> T family(KernelFamily<T> family);

    /**
     * The launcher of the kernels/*.cu files on backends that run them (cuda, emu), which the
     * families' CUDA host code and the probes launch through; empty on the CPU backend.
     */
    default java.util.Optional<io.tokencost.backend.cuda.KernelLauncher> kernelLauncher() {
        return launchTarget().map(io.tokencost.backend.cuda.LaunchTarget::launcher);
    }

    /** {@link #kernelLauncher} with the device sizes the families' CUDA host code sizes launches for. */
    default java.util.Optional<io.tokencost.backend.cuda.LaunchTarget> launchTarget() {
        return java.util.Optional.empty();
    }

    /** The CPU backend's worker threads, which its kernel families run on; empty on the other backends. */
    default java.util.Optional<io.tokencost.backend.cpu.CpuParallel> cpuThreads() {
        return java.util.Optional.empty();
    }

    /**
     * {@code step}'s kernel launches recorded once, returned as their replay: on a GPU a CUDA graph
     * (the whole step one launch, as serving engines run decode steps so that launch gaps do not
     * dominate; capturing does not run the kernels), on the emulation the recorded launches
     * relaunched in order, on the CPU the step itself. The step must launch the same kernels with
     * the same arguments each time, read nothing back to the host, and have run once before (its
     * modules loaded).
     */
    default Runnable capture(Runnable step) {
        return step;
    }

    /** Waits until every launched kernel has finished. */
    void synchronize();

    /**
     * Evicts the device's last-level cache (GPU: memset of an L2-sized buffer), so the next
     * sample reads from DRAM. A no-op where working sets are sized past the cache instead.
     */
    void flushCaches();

    /**
     * The SM clock right now, measured by a tiny kernel that spins for a fixed number of clock64
     * cycles against %globaltimer (nvbench's throttle check). Empty where no such clock exists (CPU).
     */
    java.util.OptionalDouble measureClockMhz();

    /** Nominal (maximum) SM clock from attributes, or 0 where unknown: samples under 75 % are throttled. */
    default double nominalClockMhz() {
        return 0;
    }

    /** A timer of the device's own clock: CUDA events on GPUs, System.nanoTime on the CPU. */
    KernelTimer newTimer();

    @Override
    void close();
}
