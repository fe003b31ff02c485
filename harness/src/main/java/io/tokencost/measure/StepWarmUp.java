package io.tokencost.measure;

import io.tokencost.backend.Session;

/**
 * The warm-up of a whole-model step. A step runs a dozen kernels, each a few times: on the CPU the
 * first steps run them in interpreted and C1 code, 4x slower than compiled (an 8B int4 decode
 * step: 2.6 s for four steps, then 0.6 s). So warm up until the step time settles, not for a fixed count.
 */
public final class StepWarmUp {

    /** Most warm-up steps. */
    public static final int MAX_STEPS = 40;
    /** Settled: three steps in a row within this fraction of each other. */
    public static final double STEADY = 0.15;

    private StepWarmUp() {
    }

    /**
     * Runs {@code step} (waiting for the device after each) at least {@code minSteps} times (3 at
     * least: the test compares three), then until three in a row agree within {@link #STEADY}, at
     * most {@link #MAX_STEPS}; returns the steps run.
     */
    public static int untilSteady(Runnable step, Session session, int minSteps) {
        double[] last = new double[3];
        int i = 0;
        while (i < MAX_STEPS) {
            long t = System.nanoTime();
            step.run();
            session.synchronize();
            last[i % 3] = System.nanoTime() - t;
            i++;
            if (i >= Math.max(3, minSteps)) {
                double min = Math.min(last[0], Math.min(last[1], last[2]));
                double max = Math.max(last[0], Math.max(last[1], last[2]));
                if (max <= min * (1 + STEADY)) {
                    break;
                }
            }
        }
        return i;
    }
}
