package io.tokencost.suite;

/**
 * How long to measure. quick: the whole CPU sweep in under about two minutes on two cores;
 * full: more sizes, more iterations, less noise; brief: the iterations (never the cases) of the
 * default run's quick cost suite, whose fifty-odd cases must fit five minutes on two cores: each
 * still warms up first and reports its noise over five iterations of at least one launch each.
 */
public enum Profile {
    QUICK(3, 300, 5, 400),
    FULL(3, 1000, 10, 1000),
    BRIEF(2, 250, 5, 200);

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
