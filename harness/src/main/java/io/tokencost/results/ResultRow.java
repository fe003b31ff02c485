package io.tokencost.results;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * One row of the results schema: a cell per {@link Column}, already formatted as text the same way
 * in every locale (a decimal comma never reaches a CSV). Missing cells are empty.
 */
public final class ResultRow {

    private final EnumMap<Column, String> cells = new EnumMap<>(Column.class);

    public ResultRow set(Column c, String value) {
        if (value == null || value.isEmpty()) {
            cells.remove(c);
        } else {
            cells.put(c, value);
        }
        return this;
    }

    public ResultRow set(Column c, long value) {
        return set(c, Long.toString(value));
    }

    /** Six significant digits, plain notation; NaN and infinities leave the cell empty. */
    public ResultRow set(Column c, double value) {
        return set(c, formatNumber(value));
    }

    public ResultRow setAll(ResultRow other) {
        cells.putAll(other.cells);
        return this;
    }

    public String get(Column c) {
        return cells.getOrDefault(c, "");
    }

    public boolean has(Column c) {
        return cells.containsKey(c);
    }

    /** The numeric value of a cell, NaN when empty. */
    public double number(Column c) {
        String v = get(c);
        return v.isEmpty() ? Double.NaN : Double.parseDouble(v);
    }

    public Map<Column, String> cells() {
        return Collections.unmodifiableMap(cells);
    }

    public static String formatNumber(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "";
        }
        if (value == 0) {
            return "0";
        }
        return new BigDecimal(value).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResultRow r && r.cells.equals(cells);
    }

    @Override
    public int hashCode() {
        return cells.hashCode();
    }

    @Override
    public String toString() {
        return cells.toString();
    }
}
