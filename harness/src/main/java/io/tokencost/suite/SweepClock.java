package io.tokencost.suite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.function.LongSupplier;

/**
 * A sweep's elapsed time and the time it has left: each case's planned seconds (its fork, warm-up
 * and measurement iterations) scaled by the pace the finished cases kept. Cases with long launches
 * take longer than planned, and a slow machine forks slowly; the pace measured so far carries both.
 */
public final class SweepClock {

    private final List<Double> planned;
    private final LongSupplier nanos;
    private final long start;
    private double plannedDone;
    private int done;

    /** @param plannedSeconds each step of the sweep, in order (a case in each pass) */
    public SweepClock(List<Double> plannedSeconds, LongSupplier nanos) {
        this.planned = new ArrayList<>(plannedSeconds);
        this.nanos = nanos;
        this.start = nanos.getAsLong();
    }

    public int steps() {
        return planned.size();
    }

    /** The next step has ended (measured or failed). */
    public void stepDone() {
        plannedDone += planned.get(done++);
    }

    /** {@code count} steps of {@code seconds} each will not run (a case that failed leaves the passes after it). */
    public void dropLater(double seconds, int count) {
        for (int i = planned.size() - 1; i >= done && count > 0; i--) {
            if (planned.get(i) == seconds) {
                planned.remove(i);
                count--;
            }
        }
    }

    public double elapsedSeconds() {
        return (nanos.getAsLong() - start) / 1e9;
    }

    /** Seconds left at the pace so far; empty until a step has ended. */
    public OptionalDouble remainingSeconds() {
        if (done == 0 || plannedDone <= 0) {
            return OptionalDouble.empty();
        }
        double left = 0;
        for (int i = done; i < planned.size(); i++) {
            left += planned.get(i);
        }
        return OptionalDouble.of(elapsedSeconds() / plannedDone * left);
    }

    /** {@code 45s}, {@code 3m 10s}, {@code 1h 05m}. */
    public static String duration(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh %02dm", s / 3600, s / 60 % 60);
    }
}
