package io.tokencost.suite;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JmhCaseRunnerTest {

    /** The profile's iterations unless more are asked for; then the same measurement time shared among them. */
    @Test
    void aMinimumIterationCountSplitsTheProfilesMeasurementTimeAmongThem() {
        assertArrayEquals(new long[] {5, 400}, JmhCaseRunner.measurement(Profile.QUICK, 0, 1));
        assertArrayEquals(new long[] {5, 400}, JmhCaseRunner.measurement(Profile.QUICK, 3, 1));
        assertArrayEquals(new long[] {20, 100}, JmhCaseRunner.measurement(Profile.QUICK, 20, 1));
        assertArrayEquals(new long[] {20, 500}, JmhCaseRunner.measurement(Profile.FULL, 20, 1));
    }

    /** Passes share the iterations, each iteration as long as in one pass; a pass that would get a fraction gets one. */
    @Test
    void passesShareTheIterationsRoundedUp() {
        assertArrayEquals(new long[] {10, 100}, JmhCaseRunner.measurement(Profile.QUICK, 20, 2));
        assertArrayEquals(new long[] {7, 100}, JmhCaseRunner.measurement(Profile.QUICK, 20, 3));
        assertArrayEquals(new long[] {2, 400}, JmhCaseRunner.measurement(Profile.QUICK, 0, 3));
        assertArrayEquals(new long[] {1, 400}, JmhCaseRunner.measurement(Profile.QUICK, 0, 8));
        assertThrows(IllegalArgumentException.class, () -> new JmhCaseRunner(Profile.QUICK, 1, 0, Path.of("jmh.log"), 0));
    }

    /** A case larger than the machine can hold is not started (no fork, no out-of-memory): it fails with the numbers. */
    @Test
    void aCaseLargerThanTheMachineFailsWithTheNumbersBeforeAnyFork() {
        BenchCase huge = new BenchCase("memory", "memory_stream/read", "read", "fp32", "", java.util.Map.of(io.tokencost.results.Column.N, 1L << 30),
                new io.tokencost.measure.Workload(4L << 30, 0, 0), 4L << 30, "cold", "io.tokencost.bench.MemoryBench.measure", java.util.Map.of());
        JmhCaseRunner runner = new JmhCaseRunner(Profile.QUICK, 1, 1, Path.of("jmh.log"), 8L << 30);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> runner.run(huge, "cpu", 0));
        org.junit.jupiter.api.Assertions.assertEquals("memory/read fp32 n=1073741824 needs 9216 MiB of heap, more than 80 % of this machine's 8192 MiB: "
                + "use a smaller --working-set", FailureReason.of(e));
    }
}
