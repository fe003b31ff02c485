package io.tokencost.estimate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line of an estimate's output: a scenario variant (the plain scenario, or a lever applied to
 * it, or a traffic mix's blend), its figures, and its $ deltas against the plain scenario. The
 * cells, in order, are the CSV's columns and the JSON's fields.
 *
 * @param plain the plain scenario the variant is compared with (null for the plain line itself)
 */
public record EstimateLine(String variant, Estimate estimate, Estimate plain, List<ApiPrice> apis, String priceSource) {

    public Map<String, Object> cells() {
        Scenario s = estimate.scenario();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("model", s.model().name());
        c.put("variant", variant);
        c.put("weights", s.weights().id());
        c.put("kv", s.kv().id());
        c.put("prompt", s.prompt());
        c.put("output", s.output());
        c.put("batch", s.batch());
        c.put("context", s.context());
        c.put("tp", s.tp());
        c.put("cached_fraction", s.cachedFraction());
        c.put("draft", s.speculation().map(x -> x.draft().name()).orElse(""));
        c.put("draft_tokens", s.speculation().map(x -> (Object) x.draftTokens()).orElse(null));
        c.put("acceptance", s.speculation().map(x -> (Object) x.acceptance()).orElse(null));
        c.put("utilisation", s.utilisation());
        c.put("ttft_s", number(estimate.ttftS()));
        c.put("tpot_s", number(estimate.tpotS()));
        c.put("e2el_s", number(estimate.e2elS()));
        c.put("tokens_per_s_per_user", number(estimate.tokensPerSPerUser()));
        c.put("output_tokens_per_s", number(estimate.outputTokensPerS()));
        c.put("input_tokens_per_s", number(estimate.inputTokensPerS()));
        c.put("max_batch", estimate.maxBatch());
        c.put("fits", estimate.fits());
        StepTime d = estimate.decodeStep();
        c.put("bottleneck", d.bottleneck());
        c.put("decode_weights_s", number(d.weights()));
        c.put("decode_kv_s", number(d.kv()));
        c.put("decode_compute_s", number(d.compute()));
        c.put("decode_overhead_s", number(d.overhead()));
        c.put("usd_per_hour", number(estimate.usdPerHour()));
        c.put("usd_per_1m_input", number(estimate.usdPer1mInput()));
        c.put("usd_per_1m_output", number(estimate.usdPer1mOutput()));
        c.put("usd_per_request", number(estimate.usdPerRequest()));
        c.put("delta_usd_per_1m_input_pct", plain == null ? null : number(pct(estimate.usdPer1mInput(), plain.usdPer1mInput())));
        c.put("delta_usd_per_1m_output_pct", plain == null ? null : number(pct(estimate.usdPer1mOutput(), plain.usdPer1mOutput())));
        c.put("delta_tpot_pct", plain == null ? null : number(pct(estimate.tpotS(), plain.tpotS())));
        double lowest = apis.stream().mapToDouble(estimate::breakEvenUtilisation).min().orElse(Double.NaN);
        double highest = apis.stream().mapToDouble(estimate::breakEvenUtilisation).max().orElse(Double.NaN);
        c.put("break_even_utilisation_min", number(lowest));
        c.put("break_even_utilisation_max", number(highest));
        c.put("price_source", priceSource);
        c.put("api_price_source", String.join("; ", apis.stream().map(ApiPrice::source).toList()));
        return c;
    }

    /** Percent change of {@code v} against {@code base}. */
    static double pct(double v, double base) {
        return 100 * (v - base) / base;
    }

    /** A figure, or null where there is none (NaN: no price, no API price). */
    private static Double number(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
