package io.tokencost.estimate;

/**
 * What a scenario costs. Metric names as vLLM's benchmark defines them: TTFT (time to the first
 * output token: the prefill), TPOT (time per output token after the first), E2EL (TTFT + the
 * remaining output tokens' TPOT). Device-seconds are split between prefill and decode: a request's
 * prefill occupies the devices for its TTFT (prefill is compute-bound, so batching prompts changes
 * little), its decode for output × TPOT / batch (a decode step serves the whole batch). Input $
 * comes from the prefill share, output $ from the decode share.
 *
 * @param prefill        the prefill of one request, attributed
 * @param decodeStep     one decode step of the batch (with speculation: a verify step plus the draft's steps)
 * @param tokensPerStep  output tokens each sequence gains per decode step (1, or speculation's expectation)
 * @param maxBatch       the most sequences whose KV cache fits beside the weights (0: the weights do not fit)
 * @param usdPerHour     the devices' price per hour, all of them; NaN without a price
 */
public record Estimate(Scenario scenario, StepTime prefill, StepTime decodeStep, double tokensPerStep, long maxBatch,
                       double usdPerHour) {

    public double ttftS() {
        return prefill.total();
    }

    public double tpotS() {
        return decodeStep.total() / tokensPerStep;
    }

    public double e2elS() {
        return ttftS() + (scenario.output() - 1) * tpotS();
    }

    public double tokensPerSPerUser() {
        return 1 / tpotS();
    }

    /** Output tokens per second of the whole batch while it decodes. */
    public double outputTokensPerS() {
        return scenario.batch() / tpotS();
    }

    /** Prompt tokens per second of a request's prefill (cached tokens count as input). */
    public double inputTokensPerS() {
        return scenario.prompt() / ttftS();
    }

    public boolean fits() {
        return scenario.batch() <= maxBatch;
    }

    /** Device-seconds (all tensor-parallel devices together count as one) a request's decode takes. */
    public double decodeSecondsPerRequest() {
        return scenario.output() * tpotS() / scenario.batch();
    }

    private double usdPerSecond() {
        return usdPerHour / 3600 / scenario.utilisation();
    }

    public double usdPer1mInput() {
        return usdPerSecond() * ttftS() / scenario.prompt() * 1e6;
    }

    public double usdPer1mOutput() {
        return usdPerSecond() * tpotS() / scenario.batch() * 1e6;
    }

    public double usdPerRequest() {
        return usdPerSecond() * (ttftS() + decodeSecondsPerRequest());
    }

    /**
     * The utilisation above which self-hosting is cheaper than {@code api}: this scenario's cost per
     * request at full load over the API's. Above 1: the API is cheaper at any utilisation.
     */
    public double breakEvenUtilisation(ApiPrice api) {
        double fullLoad = usdPerRequest() * scenario.utilisation();
        return fullLoad / api.usdPerRequest(scenario.prompt(), scenario.output());
    }
}
