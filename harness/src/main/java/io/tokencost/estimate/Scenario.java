package io.tokencost.estimate;

import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.attentiondecode.AttentionDecode.KvFormat;

import java.util.Optional;

/**
 * One serving scenario: a model in a weight format with a KV-cache format, requests of
 * {@code prompt} input and {@code output} output tokens, {@code batch} sequences decoding together,
 * each decode step reading {@code context} tokens of KV cache, on {@code tp} devices (tensor
 * parallel). The levers: {@code cachedFraction} of each prompt served from a prompt cache,
 * speculative decoding, and the devices' {@code utilisation} (an idle device still costs).
 */
public record Scenario(ModelSpec model, WeightFormat weights, KvFormat kv, int prompt, int output, int batch, int context,
                       int tp, double cachedFraction, Optional<Speculation> speculation, double utilisation) {

    /** Beyond these an input is a typo, not a scenario. */
    static final int MAX_TOKENS = 10_000_000;
    static final int MAX_BATCH = 65_536;
    static final int MAX_TP = 1024;

    public Scenario {
        require(prompt, 1, MAX_TOKENS, "prompt length");
        require(output, 1, MAX_TOKENS, "output length");
        require(context, 1, MAX_TOKENS, "context");
        require(batch, 1, MAX_BATCH, "batch");
        require(tp, 1, MAX_TP, "tensor-parallel degree");
        if (model.heads() % tp != 0) {
            throw new IllegalArgumentException("tensor-parallel degree " + tp + " must divide " + model.name() + "'s " + model.heads() + " attention heads");
        }
        if (!(cachedFraction >= 0 && cachedFraction < 1)) {
            throw new IllegalArgumentException("cached prefix fraction must be in [0, 1), got " + cachedFraction);
        }
        if (!(utilisation > 0 && utilisation <= 1)) {
            throw new IllegalArgumentException("utilisation must be in (0, 1], got " + utilisation);
        }
    }

    /** The plain scenario: no prompt cache, no speculation, full utilisation. */
    public static Scenario plain(ModelSpec model, WeightFormat weights, KvFormat kv, int prompt, int output, int batch, int context, int tp) {
        return new Scenario(model, weights, kv, prompt, output, batch, context, tp, 0, Optional.empty(), 1);
    }

    /** The context a request's decode steps read on average: its prompt plus half its output. */
    public static int averageContext(int prompt, int output) {
        return (int) Math.min(MAX_TOKENS, prompt + (long) output / 2);
    }

    public Scenario withModel(ModelSpec m) {
        return new Scenario(m, weights, kv, prompt, output, batch, context, tp, cachedFraction, speculation, utilisation);
    }

    public Scenario withCachedFraction(double f) {
        return new Scenario(model, weights, kv, prompt, output, batch, context, tp, f, speculation, utilisation);
    }

    public Scenario withSpeculation(Speculation s) {
        return new Scenario(model, weights, kv, prompt, output, batch, context, tp, cachedFraction, Optional.of(s), utilisation);
    }

    public Scenario withUtilisation(double u) {
        return new Scenario(model, weights, kv, prompt, output, batch, context, tp, cachedFraction, speculation, u);
    }

    /** Prompt tokens that are computed (not served from the prompt cache): at least one. */
    public int newPromptTokens() {
        return Math.max(1, (int) Math.round(prompt * (1 - cachedFraction)));
    }

    /** Tokens of KV cache a sequence holds at its longest. */
    public long kvTokensPerSequence() {
        return Math.max((long) prompt + output, context);
    }

    private static void require(int v, int min, int max, String what) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(what + " must be in " + min + ".." + max + ", got " + v);
        }
    }
}
