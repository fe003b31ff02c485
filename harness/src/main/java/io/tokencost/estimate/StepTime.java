package io.tokencost.estimate;

import java.util.Locale;

/**
 * Seconds of a step, attributed to what bounds them: streaming the weights and the KV cache at the
 * measured read bandwidth, compute (the measured time beyond that streaming), and overhead (the
 * small elementwise ops and tensor-parallel communication).
 */
public record StepTime(double weights, double kv, double compute, double overhead) {

    public static final StepTime ZERO = new StepTime(0, 0, 0, 0);

    public double total() {
        return weights + kv + compute + overhead;
    }

    public StepTime plus(StepTime o) {
        return new StepTime(weights + o.weights, kv + o.kv, compute + o.compute, overhead + o.overhead);
    }

    public StepTime times(double f) {
        return new StepTime(weights * f, kv * f, compute * f, overhead * f);
    }

    /** A measured time of which {@code streamSeconds} (bytes at the read ceiling) is streaming, the rest compute. */
    public static StepTime weights(double measured, double streamSeconds) {
        double stream = Math.min(measured, streamSeconds);
        return new StepTime(stream, 0, measured - stream, 0);
    }

    public static StepTime kv(double measured, double streamSeconds) {
        double stream = Math.min(measured, streamSeconds);
        return new StepTime(0, stream, measured - stream, 0);
    }

    public static StepTime overhead(double seconds) {
        return new StepTime(0, 0, 0, seconds);
    }

    /** The largest share's name: weights, kv, compute or overhead. */
    public String bottleneck() {
        double max = Math.max(Math.max(weights, kv), Math.max(compute, overhead));
        return max == weights ? "weights" : max == kv ? "kv" : max == compute ? "compute" : "overhead";
    }

    /** The largest share's fraction of the whole: the part {@link #bottleneck} names. */
    public double bottleneckShare() {
        return Math.max(Math.max(weights, kv), Math.max(compute, overhead)) / total();
    }

    /** Shares in percent, e.g. {@code w62/kv20/c15/o3}. */
    public String shares() {
        double t = total();
        return String.format(Locale.ROOT, "w%.0f/kv%.0f/c%.0f/o%.0f", 100 * weights / t, 100 * kv / t, 100 * compute / t, 100 * overhead / t);
    }
}
