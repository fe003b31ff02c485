package io.tokencost.cost;

/**
 * The bandwidth ceiling of decode at batch 1 and context → 0: each output token streams every
 * weight once, so tokens/s ≤ bandwidth / weight bytes per token. A ceiling, not an estimate: it
 * ignores KV-cache reads, compute and per-step overhead (the estimator adds those).
 */
public final class DecodeCeiling {

    private DecodeCeiling() {
    }

    public static double tokensPerSecond(double weightBytesPerToken, double bytesPerSecond) {
        if (!(weightBytesPerToken > 0) || !(bytesPerSecond > 0)) {
            throw new IllegalArgumentException("bytes per token and bandwidth must be positive");
        }
        return bytesPerSecond / weightBytesPerToken;
    }

    /** $ per 1M output tokens when the device produces {@code tokensPerSecond} for {@code usdPerHour}. */
    public static double usdPerMillionTokens(double usdPerHour, double tokensPerSecond) {
        return usdPerHour / 3600.0 / tokensPerSecond * 1e6;
    }
}
