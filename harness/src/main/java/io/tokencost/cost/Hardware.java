package io.tokencost.cost;

import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;

/**
 * What a price is looked up for: a device by name, and whether it is a host (priced per vCPU, at
 * the {@code threads} a run used; 0 where the rows do not say) or a GPU (priced per device).
 */
public record Hardware(String name, boolean host, int threads) {

    public static Hardware gpu(String name) {
        return new Hardware(name, false, 0);
    }

    /** The hardware of a results row: the CPU backend's rows are a host's. */
    public static Hardware of(ResultRow row) {
        boolean host = row.get(Column.BACKEND).equals("cpu");
        int threads = host && row.has(Column.CPU_THREADS) ? (int) row.number(Column.CPU_THREADS) : 0;
        return new Hardware(row.get(Column.DEVICE_NAME), host, threads);
    }
}
