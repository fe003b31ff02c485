package io.tokencost.results;

import java.util.List;

/** Questions several readers ask of a run's rows, asked one way. */
public final class Rows {

    private Rows() {
    }

    /** Whether a row is the measured case of a suite's kernel, e.g. {@code is(r, "memory", "read")}. */
    public static boolean is(ResultRow r, String suite, String kernel) {
        return r.get(Column.SUITE).equals(suite) && r.get(Column.KERNEL).equals(kernel);
    }

    /** The rows of a suite's kernel, in order. */
    public static List<ResultRow> of(List<ResultRow> rows, String suite, String kernel) {
        return rows.stream().filter(r -> is(r, suite, kernel)).toList();
    }

    /** The best memory/read bandwidth (bytes/s), NaN without one: the ceiling other rows are judged against. */
    public static double readBytesPerS(List<ResultRow> rows) {
        return of(rows, "memory", "read").stream().mapToDouble(r -> r.number(Column.BYTES_PER_S)).filter(v -> v > 0).max().orElse(Double.NaN);
    }

    /** As {@link #readBytesPerS}, cold rows only (>= 4x the last-level cache): the one a cost may be judged by. */
    public static double coldReadBytesPerS(List<ResultRow> rows) {
        return readBytesPerS(of(rows, "memory", "read").stream().filter(r -> r.get(Column.L2).equals("cold")).toList());
    }
}
