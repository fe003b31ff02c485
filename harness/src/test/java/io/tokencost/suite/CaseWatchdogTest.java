package io.tokencost.suite;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.OutputStream;
import java.io.PrintStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The watchdog's bound on a fake clock: the floor until iterations end, then 20x the slowest; it kills once. */
class CaseWatchdogTest {

    @Test
    void aSilentForkIsKilledOncePastTheBound() {
        long[] now = {0};
        int[] kills = {0};
        try (CaseWatchdog w = new CaseWatchdog(OutputFormatFactory.createFormatInstance(new PrintStream(OutputStream.nullOutputStream()), VerboseMode.SILENT),
                10, () -> now[0], () -> kills[0]++, false)) {
            assertEquals(10, w.boundSeconds(), 1e-9);
            now[0] = 9_000_000_000L;
            assertFalse(w.check(), "setup may take the floor");
            w.iteration(null, null, 1);
            now[0] = 10_000_000_000L;
            w.iterationResult(null, null, 1, null);
            assertEquals(20, w.boundSeconds(), 1e-9, "an iteration of 1 s: 20x");
            now[0] = 29_000_000_000L;
            assertFalse(w.check());
            now[0] = 31_000_000_000L;
            assertTrue(w.check());
            assertTrue(w.fired());
            assertFalse(w.check(), "killed once");
            assertEquals(1, kills[0]);
            assertTrue(w.reason().startsWith("timed out: no iteration ended in 21 s (the bound: 10 s, or 20x its slowest iteration"), w.reason());
        }
    }
}
