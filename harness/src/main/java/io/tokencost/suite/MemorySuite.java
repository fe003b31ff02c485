package io.tokencost.suite;

import io.tokencost.backend.DeviceProperties;
import io.tokencost.kernels.memorystream.MemoryStream;
import io.tokencost.results.Column;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * copy, read, write and triad over working sets of at least 4x the last-level cache (read from the
 * device), on random non-zero data: the bandwidth ceiling every other number is judged against.
 */
public final class MemorySuite implements Suite {

    /** Working sets are at least this multiple of the last-level cache, so it cannot flatter them. */
    public static final int LLC_MULTIPLE = 4;
    /** Floor for machines that do not report their cache, and for GPUs with small L2s. */
    static final long MIN_WORKING_SET = 1L << 30;
    static final String BENCHMARK = "io.tokencost.bench.MemoryBench.measure";

    @Override
    public String id() {
        return "memory";
    }

    @Override
    public String description() {
        return "memory bandwidth: copy, read, write, triad over working sets >= 4x the last-level cache";
    }

    /**
     * The memory/read case alone: the ceiling every other suite's rows are judged against
     * (pct_of_measured_bw), which a run measures first when the memory suite was not chosen.
     */
    public List<BenchCase> ceilingCases(DeviceProperties device, long workingSetOverride) {
        return cases(Profile.QUICK, device, workingSetOverride).stream().filter(c -> c.kernel().equals(MemoryStream.Op.READ.id())).toList();
    }

    @Override
    public List<BenchCase> cases(Profile profile, DeviceProperties device, long workingSetOverride) {
        List<Long> workingSets = new ArrayList<>();
        String l2;
        if (workingSetOverride > 0) {
            workingSets.add(workingSetOverride);
            l2 = CacheRotation.pastCache(device, workingSetOverride) ? "cold" : "warm";
        } else {
            long base = Math.max(MIN_WORKING_SET, LLC_MULTIPLE * device.lastLevelCacheBytes());
            workingSets.add(base);
            if (profile == Profile.FULL) {
                workingSets.add(4 * base);
            }
            l2 = "cold";
        }
        List<BenchCase> cases = new ArrayList<>();
        for (long workingSet : workingSets) {
            for (MemoryStream.Op op : MemoryStream.Op.values()) {
                // n per array, a multiple of 1024 so no kernel runs a tail in the timed case
                long n = Math.max(1024, workingSet / op.arrays() / Float.BYTES / 1024 * 1024);
                cases.add(new BenchCase(id(), "memory_stream/" + op.id(), op.id(), "fp32", "", Map.of(Column.N, n), op.workload(n),
                        n * op.arrays() * Float.BYTES, l2, BENCHMARK,
                        Map.of("op", op.id(), "elements", Long.toString(n))));
            }
        }
        return cases;
    }
}
