package io.tokencost.measure;

import java.util.Collection;

/**
 * What one kernel invocation moves and computes, derived from its shape alone (nvbench's
 * add_global_memory_reads/writes). Rates, % of ceilings and dollars are computed from this in one
 * place ({@link Rates}); benchmarks never compute them.
 */
public record Workload(long bytesRead, long bytesWritten, long flops) {

    public Workload {
        if (bytesRead < 0 || bytesWritten < 0 || flops < 0) {
            throw new IllegalArgumentException("negative workload: " + bytesRead + "/" + bytesWritten + "/" + flops);
        }
    }

    public long bytesMoved() {
        return bytesRead + bytesWritten;
    }

    /** The parts run one after another: their bytes and FLOPs added. */
    public static Workload sum(Collection<Workload> parts) {
        return new Workload(parts.stream().mapToLong(Workload::bytesRead).sum(), parts.stream().mapToLong(Workload::bytesWritten).sum(),
                parts.stream().mapToLong(Workload::flops).sum());
    }

    /** This workload {@code times} times over, then {@code plus} once: a model's layers and its LM head. */
    public Workload times(long times, Workload plus) {
        return new Workload(times * bytesRead + plus.bytesRead, times * bytesWritten + plus.bytesWritten, times * flops + plus.flops);
    }
}
