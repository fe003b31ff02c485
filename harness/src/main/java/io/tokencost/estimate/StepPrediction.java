package io.tokencost.estimate;

import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.attentiondecode.AttentionDecode;
import io.tokencost.results.CaseKey;
import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A measured decode step or prefill (a decode / prefill suite row) beside the estimator's
 * prediction of the same scenario. Both sides are expectations: the estimator adds its rows' mean
 * launches, so the step is read by its mean too (its row's headline is its median). Throughput is
 * tokens over total time, which is the mean step's, not the median's.
 *
 * @param step      "decode" or "prefill"
 * @param tokens    the decode step's context, or the prefill's prompt
 * @param measuredS the step's mean time
 * @param medianS   the step's median time (its row's headline)
 * @param noiseRel  the step's samples' standard deviation over their mean (its row's noise_rel)
 * @param tokensPerS output tokens per second (decode: batch per mean step) or input tokens per second (prefill)
 */
public record StepPrediction(String step, WeightFormat weights, int batch, int tokens, double measuredS, double medianS, double noiseRel, double tokensPerS,
                             double predictedS) {

    /** The prediction for {@code row}'s scenario on {@code model}, from {@code estimator}. */
    public static StepPrediction of(ResultRow row, ModelSpec model, Estimator estimator) {
        boolean prefill = row.get(Column.SUITE).equals("prefill");
        if (!prefill && !row.get(Column.SUITE).equals("decode")) {
            throw new IllegalArgumentException("not a decode or prefill step: " + row.get(Column.SUITE));
        }
        int batch = (int) row.number(Column.BATCH);
        int tokens = (int) row.number(prefill ? Column.SEQ_LEN : Column.CONTEXT);
        WeightFormat f = WeightFormat.of(row.get(Column.WEIGHT_FORMAT));
        double mean = MeasuredRates.meanSeconds(row);
        // a prefill is one request's prompt; a decode step's sequences hold context - 1 tokens before it
        double predicted = prefill
                ? estimator.prefillSeconds(Scenario.plain(model, f, AttentionDecode.KvFormat.FP16, tokens, 1, 1, tokens, 1))
                : estimator.decodeStepSeconds(Scenario.plain(model, f, AttentionDecode.KvFormat.FP16, Math.max(1, tokens - 1), 1, batch, tokens, 1));
        return new StepPrediction(prefill ? "prefill" : "decode", f, batch, tokens, mean, row.number(Column.TIME_MEDIAN_S),
                row.number(Column.NOISE_REL), (prefill ? tokens : batch) / mean, predicted);
    }

    /**
     * The error of each pass alone: {@code step}'s case in that pass's rows, against the estimator on
     * that pass's rows only. A machine whose speed drifts meets a row and the step predicted from it
     * in different phases; how far these errors spread is how far one comparison can be trusted.
     * Empty when {@code passRows} is (a run of one pass).
     *
     * @param passRows each pass's rows, every case's samples from that pass alone
     */
    public static List<Double> errorsPerPass(ResultRow step, ModelSpec model, List<List<ResultRow>> passRows, String deviceName, long memoryBytes) {
        CaseKey key = CaseKey.of(step);
        List<Double> errors = new ArrayList<>();
        for (List<ResultRow> rows : passRows) {
            ResultRow alone = rows.stream().filter(r -> CaseKey.of(r).equals(key)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("a pass lacks the step " + key.name() + " " + key.shape()));
            Estimator estimator = new Estimator(MeasuredRates.of(rows), deviceName, memoryBytes, Optional.empty());
            errors.add(of(alone, model, estimator).errorPercent());
        }
        return errors;
    }

    /** (predicted − measured) / measured, in %. */
    public double errorPercent() {
        return 100 * (predictedS - measuredS) / measuredS;
    }
}
