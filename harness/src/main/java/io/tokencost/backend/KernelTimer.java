package io.tokencost.backend;

/**
 * Times the kernels launched between {@link #start()} and {@link #stopSeconds()} on the device's
 * own clock: the interval covers device execution, not the host's launch calls (CUDA events).
 */
public interface KernelTimer extends AutoCloseable {

    void start();

    /** Stops, waits for the device, and returns the elapsed seconds. */
    double stopSeconds();

    @Override
    default void close() {
    }
}
