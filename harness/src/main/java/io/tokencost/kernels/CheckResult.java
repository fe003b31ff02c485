package io.tokencost.kernels;

/**
 * Outcome of checking one kernel against its Java reference: the worst relative error
 * ‖out−ref‖/‖ref‖ over every random case tried, against the dtype's bound.
 */
public record CheckResult(String family, String kernel, String dtype, int cases, double maxRelError, double bound,
                          String failure) {

    /** {@code <family>/<kernel>}: what a {@link io.tokencost.suite.BenchCase} names as its check. */
    public String key() {
        return family + "/" + kernel;
    }

    public boolean passed() {
        return failure == null && maxRelError <= bound;
    }
}
