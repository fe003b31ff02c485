package io.tokencost.results;

import java.util.List;
import java.util.Map;

/** Which case a row measured: suite, kernel, dtype, weight format and shape, as the rows of two runs are joined. */
public record CaseKey(List<String> cells) {

    static final List<Column> COLUMNS = List.of(Column.SUITE, Column.KERNEL, Column.DTYPE, Column.WEIGHT_FORMAT, Column.M, Column.N,
            Column.K, Column.BATCH, Column.SEQ_LEN, Column.CONTEXT, Column.HEADS, Column.KV_HEADS, Column.HEAD_DIM);

    public static CaseKey of(ResultRow r) {
        return new CaseKey(COLUMNS.stream().map(r::get).toList());
    }

    /** The key of a case before it is measured: the cells its row will carry. */
    public static CaseKey of(String suite, String kernel, String dtype, String weightFormat, Map<Column, Long> shape) {
        ResultRow r = new ResultRow().set(Column.SUITE, suite).set(Column.KERNEL, kernel).set(Column.DTYPE, dtype).set(Column.WEIGHT_FORMAT, weightFormat);
        shape.forEach(r::set);
        return of(r);
    }

    /** The same case with the n cell replaced (e.g. by a working-set rank). */
    public CaseKey withN(String n) {
        java.util.List<String> c = new java.util.ArrayList<>(cells);
        c.set(COLUMNS.indexOf(Column.N), n);
        return new CaseKey(List.copyOf(c));
    }

    /** e.g. {@code qgemv/qgemv int4_g128}. */
    public String name() {
        return cells.get(0) + "/" + cells.get(1) + (cells.get(3).isEmpty() ? "" : " " + cells.get(3));
    }

    /**
     * The case as a run's log and plan name it, e.g. {@code qgemv/qgemv fp16 int4_g128 n=4096 k=14336 batch=1}:
     * suite/kernel, dtype, weight format (unless the dtype), shape.
     */
    public String label() {
        StringBuilder sb = new StringBuilder(cells.get(0)).append('/').append(cells.get(1));
        String dtype = cells.get(2);
        String weightFormat = cells.get(3);
        if (!dtype.isEmpty()) {
            sb.append(' ').append(dtype);
        }
        if (!weightFormat.isEmpty() && !weightFormat.equals(dtype)) {
            sb.append(' ').append(weightFormat);
        }
        String shape = shape();
        return shape.isEmpty() ? sb.toString() : sb.append(' ').append(shape).toString();
    }

    /** The shape cells that are set, e.g. {@code n=4096 k=14336 batch=1}. */
    public String shape() {
        StringBuilder sb = new StringBuilder();
        for (int i = 4; i < COLUMNS.size(); i++) {
            if (!cells.get(i).isEmpty()) {
                sb.append(sb.length() == 0 ? "" : " ").append(COLUMNS.get(i).header()).append('=').append(cells.get(i));
            }
        }
        return sb.toString();
    }
}
