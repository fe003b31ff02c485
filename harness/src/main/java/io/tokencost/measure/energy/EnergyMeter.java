package io.tokencost.measure.energy;

import io.tokencost.backend.Availability;

/**
 * A cumulative energy counter of a device: read it before and after some work, and
 * {@link #joulesBetween} is what the device drew meanwhile (counter wraparound handled). Where the
 * counter cannot be read, {@link #availability} says why in one line, and nothing is reported as
 * measured.
 */
public interface EnergyMeter {

    /** What is metered, e.g. {@code RAPL package (2 domains)} or {@code NVML total energy, GPU 0}. */
    String name();

    Availability availability();

    /** The counter now: one raw value per domain (package, GPU), in the source's own unit. */
    Sample read();

    /** Joules drawn between two samples of this meter. */
    double joulesBetween(Sample before, Sample after);

    /** Raw counters per domain and the time they were read. */
    record Sample(long[] counters, long nanoTime) {
    }

    /** Average watts between two samples. */
    default double wattsBetween(Sample before, Sample after) {
        return joulesBetween(before, after) / ((after.nanoTime() - before.nanoTime()) / 1e9);
    }
}
