package io.tokencost.suite;

import io.tokencost.backend.DeviceProperties;

/**
 * How a case keeps the last-level cache from flattering it on a host: inputs rotated over copies
 * totalling at least {@value MemorySuite#LLC_MULTIPLE}x the cache (or the --working-set given).
 */
final class CacheRotation {

    private CacheRotation() {
    }

    /** The bytes the copies should total: the override, else max(4 x LLC, 256 MiB). */
    static long coldSetBytes(DeviceProperties device, long workingSetOverride) {
        return workingSetOverride > 0 ? workingSetOverride
                : Math.max(MemorySuite.LLC_MULTIPLE * device.lastLevelCacheBytes(), 256L << 20);
    }

    /** Copies of {@code bytesPerCopy} that reach the cold set: 1 .. maxCopies. */
    static int copies(long coldSetBytes, long bytesPerCopy, int maxCopies) {
        return (int) Math.max(1, Math.min(maxCopies, (coldSetBytes + bytesPerCopy - 1) / bytesPerCopy));
    }

    /** Whether a working set is past 4x the device's last-level cache (false where the cache is unknown). */
    static boolean pastCache(DeviceProperties device, long workingSetBytes) {
        long llc = device.lastLevelCacheBytes();
        return llc > 0 && workingSetBytes >= MemorySuite.LLC_MULTIPLE * llc;
    }
}
