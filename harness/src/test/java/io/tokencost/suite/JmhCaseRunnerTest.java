package io.tokencost.suite;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class JmhCaseRunnerTest {

    /** The profile's iterations unless more samples are asked for; then as many iterations, the same measurement time shared. */
    @Test
    void aMinimumSampleCountSplitsTheProfilesMeasurementTimeIntoMoreIterations() {
        assertArrayEquals(new long[] {5, 400}, JmhCaseRunner.measurement(Profile.QUICK, 0));
        assertArrayEquals(new long[] {5, 400}, JmhCaseRunner.measurement(Profile.QUICK, 3));
        assertArrayEquals(new long[] {20, 100}, JmhCaseRunner.measurement(Profile.QUICK, 20));
        assertArrayEquals(new long[] {20, 500}, JmhCaseRunner.measurement(Profile.FULL, 20));
    }
}
