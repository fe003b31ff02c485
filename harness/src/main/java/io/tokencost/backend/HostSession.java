package io.tokencost.backend;

import java.util.OptionalDouble;

/**
 * A session whose kernels run on the host and return when done (the CPU backend and the CUDA
 * emulation): nothing to synchronise, no device cache to flush (working sets are sized past the
 * last-level cache instead), no SM clock, wall-clock timers.
 */
public abstract class HostSession implements Session {

    @Override
    public void synchronize() {
        // launches return when done
    }

    @Override
    public void flushCaches() {
        // no device cache: cases size their working sets past the last-level cache instead
    }

    @Override
    public OptionalDouble measureClockMhz() {
        return OptionalDouble.empty();
    }

    @Override
    public KernelTimer newTimer() {
        return new NanoTimer();
    }
}
