package io.tokencost.backend;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the results need to know of a device, read from the device itself (attributes, /proc, /sys).
 * {@code details} holds the rest, in the order printed by {@code tokencost devices}.
 *
 * @param peakBandwidthBytesPerS theoretical DRAM bandwidth from attributes (2·memClock·busWidth/8 on
 *        GPUs), or 0 where the machine does not tell it (most CPUs): never a datasheet guess
 * @param lastLevelCacheBytes L2 on GPUs, the last-level cache on CPUs: working sets are sized from it
 */
public record DeviceProperties(
        String backend,
        int index,
        String name,
        String driverVersion,
        String cudaVersion,
        String computeCapability,
        int computeUnits,
        long memoryBytes,
        long peakBandwidthBytesPerS,
        long lastLevelCacheBytes,
        Map<String, String> details) {

    /** The detail naming what a GPU's kernels were loaded from (SASS, or PTX JIT-compiled), which results carry. */
    public static final String KERNEL_IMAGE = "kernel_image";

    public DeviceProperties {
        details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /**
     * A GPU timing itself (the cuda backend): suites take its sizes and formats, its L2 is flushed
     * before every sample, a model's step runs as one CUDA graph. The emulation runs the same kernels
     * on the host and is not one.
     */
    public boolean isGpu() {
        return backend.equals("cuda");
    }

    /** The host's own cores (the cpu backend): buffers on the Java heap, priced per vCPU at {@link #computeUnits()} threads. */
    public boolean isHost() {
        return backend.equals("cpu");
    }
}
