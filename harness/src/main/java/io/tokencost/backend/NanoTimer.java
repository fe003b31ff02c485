package io.tokencost.backend;

/** A {@link KernelTimer} for backends whose kernels return when done (CPU, emulation): wall time. */
public final class NanoTimer implements KernelTimer {

    private long start;

    @Override
    public void start() {
        start = System.nanoTime();
    }

    @Override
    public double stopSeconds() {
        return (System.nanoTime() - start) * 1e-9;
    }
}
