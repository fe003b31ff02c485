package io.tokencost.suite;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SweepClockTest {

    /** The time left is the planned seconds left at the pace the finished steps kept. */
    @Test
    void theTimeLeftScalesThePlanByThePaceSoFar() {
        long[] now = {0};
        SweepClock clock = new SweepClock(List.of(2.0, 2.0, 4.0), () -> now[0]);
        assertEquals(3, clock.steps());
        assertEquals(OptionalDouble.empty(), clock.remainingSeconds(), "no pace before a step ends");
        now[0] = 3_000_000_000L;
        clock.stepDone();
        assertEquals(3.0, clock.elapsedSeconds(), 1e-9);
        assertEquals(9.0, clock.remainingSeconds().getAsDouble(), 1e-9, "1.5x slower than planned: 6 planned seconds left take 9");
        clock.dropLater(4.0, 1);
        assertEquals(2, clock.steps());
        assertEquals(3.0, clock.remainingSeconds().getAsDouble(), 1e-9);
        now[0] = 5_000_000_000L;
        clock.stepDone();
        assertEquals(0.0, clock.remainingSeconds().getAsDouble(), 1e-9);
    }

    @Test
    void durationsReadAsATerminalShowsThem() {
        assertEquals("0s", SweepClock.duration(0.2));
        assertEquals("45s", SweepClock.duration(45));
        assertEquals("3m 10s", SweepClock.duration(190));
        assertEquals("1h 05m", SweepClock.duration(3900));
    }
}
