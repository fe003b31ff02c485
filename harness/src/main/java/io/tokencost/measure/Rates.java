package io.tokencost.measure;

/**
 * The one place rates are derived: declared work over measured time, and the share of a ceiling.
 * Rates use the median time (robust to the odd slow sample).
 */
public final class Rates {

    private Rates() {
    }

    public static double bytesPerSecond(Workload w, double seconds) {
        return w.bytesMoved() / seconds;
    }

    public static double flopsPerSecond(Workload w, double seconds) {
        return w.flops() / seconds;
    }

    /** Percentage of a ceiling, or NaN when the ceiling is unknown (0). */
    public static double percentOf(double value, double ceiling) {
        return ceiling > 0 ? 100.0 * value / ceiling : Double.NaN;
    }
}
