package io.tokencost.suite;

/**
 * How long to measure. quick: the whole CPU sweep in under about two minutes on two cores;
 * full: more sizes, more iterations, less noise.
 */
public enum Profile {
    QUICK(3, 300, 5, 400),
    FULL(3, 1000, 10, 1000);

    public final int warmupIterations;
    public final int warmupMillis;
    public final int measurementIterations;
    public final int measurementMillis;

    Profile(int warmupIterations, int warmupMillis, int measurementIterations, int measurementMillis) {
        this.warmupIterations = warmupIterations;
        this.warmupMillis = warmupMillis;
        this.measurementIterations = measurementIterations;
        this.measurementMillis = measurementMillis;
    }
}
