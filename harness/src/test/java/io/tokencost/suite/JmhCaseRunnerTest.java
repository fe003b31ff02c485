package io.tokencost.suite;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class JmhCaseRunnerTest {

    /** The profile's iterations unless more are asked for; then the same measurement time shared among them. */
    @Test
    void aMinimumIterationCountSplitsTheProfilesMeasurementTimeAmongThem() {
        assertArrayEquals(new long[] {5, 400}, JmhCaseRunner.measurement(Profile.QUICK, 0));
        assertArrayEquals(new long[] {5, 400}, JmhCaseRunner.measurement(Profile.QUICK, 3));
        assertArrayEquals(new long[] {20, 100}, JmhCaseRunner.measurement(Profile.QUICK, 20));
        assertArrayEquals(new long[] {20, 500}, JmhCaseRunner.measurement(Profile.FULL, 20));
    }
}
