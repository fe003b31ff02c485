package io.tokencost.estimate;

import io.tokencost.cost.ModelSpec;

/**
 * Speculative decoding: a draft model proposes {@code draftTokens} tokens per step, the target
 * verifies them in one step, each accepted with probability {@code acceptance} (independently, as
 * Leviathan et al. 2023 model it).
 */
public record Speculation(ModelSpec draft, int draftTokens, double acceptance) {

    public Speculation {
        if (draftTokens < 1 || draftTokens > 32) {
            throw new IllegalArgumentException("draft tokens per step must be in 1..32, got " + draftTokens);
        }
        if (!(acceptance >= 0 && acceptance < 1)) {
            throw new IllegalArgumentException("acceptance rate must be in [0, 1), got " + acceptance);
        }
    }

    /** Tokens one target step yields on average: (1 − a^(k+1)) / (1 − a), between 1 and k+1. */
    public double expectedTokensPerStep() {
        return (1 - Math.pow(acceptance, draftTokens + 1)) / (1 - acceptance);
    }
}
