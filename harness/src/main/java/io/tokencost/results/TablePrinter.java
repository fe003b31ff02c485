package io.tokencost.results;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** Terminal tables: measured rows as they finish, and the cost summary at the end. */
public final class TablePrinter {

    private final PrintWriter out;

    public TablePrinter(PrintWriter out) {
        this.out = out;
    }

    public void measuredHeader() {
        out.printf(Locale.ROOT, "%-24s %-26s %11s %10s %10s %7s %7s %8s %8s%n",
                "case", "shape", "median", "GB/s", "GFLOP/s", "noise", "%peak", "samples", "verified");
    }

    public void measured(ResultRow r) {
        CaseKey key = CaseKey.of(r);
        out.printf(Locale.ROOT, "%-24s %-26s %11s %10.2f %10.2f %6.2f%% %7s %8s %8s%s%n",
                key.name(), key.shape(), seconds(r.number(Column.TIME_MEDIAN_S)),
                r.number(Column.BYTES_PER_S) / 1e9, r.number(Column.FLOPS_PER_S) / 1e9, 100 * r.number(Column.NOISE_REL),
                r.has(Column.PCT_OF_PEAK_BW) ? String.format(Locale.ROOT, "%.1f", r.number(Column.PCT_OF_PEAK_BW)) : "-",
                r.get(Column.SAMPLES), r.get(Column.VERIFIED), noisy(r));
    }

    /** A noisy row's mark: the median's own 95 % interval, which is what its figure can be trusted to. */
    static String noisy(ResultRow r) {
        if (!"yes".equals(r.get(Column.NOISY))) {
            return "";
        }
        return r.has(Column.MEDIAN_CI_REL) ? String.format(Locale.ROOT, "  NOISY (median ±%.1f%%)", 100 * r.number(Column.MEDIAN_CI_REL)) : "  NOISY";
    }

    public void note(String line) {
        out.println();
        out.println(line);
    }

    public void flush() {
        out.flush();
    }

    public void ceiling(String title, List<ResultRow> rows, String priceHint) {
        out.println();
        out.println(title);
        out.printf(Locale.ROOT, "  %-10s %14s %14s %16s%n", "weights", "GB/token", "tokens/s", "$/1M out tokens");
        for (ResultRow r : rows) {
            out.printf(Locale.ROOT, "  %-10s %14.3f %14.1f %16s%n", r.get(Column.WEIGHT_FORMAT),
                    r.number(Column.BYTES_MOVED) / 1e9, r.number(Column.TOKENS_PER_S),
                    r.has(Column.USD_PER_1M_TOKENS) ? String.format(Locale.ROOT, "%.4f", r.number(Column.USD_PER_1M_TOKENS)) : "-");
        }
        out.println("  " + priceHint);
    }

    public static String seconds(double s) {
        if (s >= 1) {
            return String.format(Locale.ROOT, "%.3f s", s);
        } else if (s >= 1e-3) {
            return String.format(Locale.ROOT, "%.3f ms", s * 1e3);
        }
        return String.format(Locale.ROOT, "%.2f us", s * 1e6);
    }
}
