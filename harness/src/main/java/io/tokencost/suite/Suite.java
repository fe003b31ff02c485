package io.tokencost.suite;

import io.tokencost.backend.DeviceProperties;

import java.util.List;

/** A family of measured cases that share one JMH benchmark class. */
public interface Suite {

    /** The id users type after {@code --suite}. */
    String id();

    String description();

    /**
     * The cases to measure on this device. {@code workingSetOverride} (bytes, 0 = none) replaces the
     * sizes derived from the device's caches: for tests and quick looks, and then labelled warm.
     */
    List<BenchCase> cases(Profile profile, DeviceProperties device, long workingSetOverride);
}
