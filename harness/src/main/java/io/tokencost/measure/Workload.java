package io.tokencost.measure;

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
}
