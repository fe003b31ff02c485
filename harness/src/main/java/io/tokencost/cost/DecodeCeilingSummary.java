package io.tokencost.cost;

import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The first dollar figure of a run: for a model, the decode ceiling at batch 1 in fp16, int8 and
 * int4_g128 from the run's measured read bandwidth, and $ per 1M output tokens at a price. Labelled
 * a ceiling (suite {@code ceiling}) until the estimator, which adds KV reads, compute and overhead.
 */
public final class DecodeCeilingSummary {

    public static final List<WeightFormat> FORMATS = List.of(WeightFormat.FP16, WeightFormat.INT8, WeightFormat.INT4_G128);

    /** One format's line; {@code usdPerMillion} is NaN without a price. */
    public record Line(WeightFormat format, double weightBytesPerToken, double tokensPerS, double usdPerMillion) {
    }

    private DecodeCeilingSummary() {
    }

    public static List<Line> lines(ModelSpec model, double readBytesPerS, Optional<Price> price) {
        List<Line> out = new ArrayList<>();
        for (WeightFormat f : FORMATS) {
            double bytes = model.decodeWeightBytesPerToken(f);
            double tps = DecodeCeiling.tokensPerSecond(bytes, readBytesPerS);
            double usd = price.map(p -> DecodeCeiling.usdPerMillionTokens(p.usdPerHour(), tps)).orElse(Double.NaN);
            out.add(new Line(f, bytes, tps, usd));
        }
        return out;
    }

    /** Model-level rows for the results CSV, carrying the run's identity cells. */
    public static List<ResultRow> rows(ResultRow identity, ModelSpec model, double readBytesPerS, Optional<Price> price) {
        List<ResultRow> rows = new ArrayList<>();
        for (Line l : lines(model, readBytesPerS, price)) {
            ResultRow r = new ResultRow().setAll(identity)
                    .set(Column.SUITE, "ceiling")
                    .set(Column.KERNEL, "decode_ceiling:" + model.name())
                    .set(Column.DTYPE, l.format() == WeightFormat.FP16 ? "fp16" : "fp16/" + l.format().id())
                    .set(Column.WEIGHT_FORMAT, l.format().id())
                    .set(Column.BATCH, 1)
                    .set(Column.BYTES_MOVED, Math.round(l.weightBytesPerToken()))
                    .set(Column.BYTES_PER_S, readBytesPerS)
                    .set(Column.TOKENS_PER_S, l.tokensPerS());
            price.ifPresent(p -> r.set(Column.USD_PER_HOUR, p.usdPerHour())
                    .set(Column.USD_PER_1M_TOKENS, l.usdPerMillion())
                    .set(Column.PRICE_SOURCE, p.source()));
            rows.add(r);
        }
        return rows;
    }
}
