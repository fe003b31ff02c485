package io.tokencost.estimate;

import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.attentiondecode.AttentionDecode.KvFormat;
import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static io.tokencost.estimate.SyntheticRuns.TINY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StepPredictionTest {

    private static final long MEMORY = 1_000_000_000L;
    private final List<ResultRow> rows = SyntheticRuns.rows("x", MEMORY);
    private final Estimator estimator = new Estimator(MeasuredRates.of(rows), "x", MEMORY, Optional.empty());

    @Test
    void aDecodeStepIsReadByItsMeanBesideThePredictionOfItsScenario() {
        ResultRow step = step("decode").set(Column.BATCH, 4).set(Column.CONTEXT, 1024).set(Column.TIME_MEDIAN_S, 2e-3).set(Column.TIME_MEAN_S, 2.5e-3)
                .set(Column.NOISE_REL, 0.04);
        StepPrediction p = StepPrediction.of(step, TINY, estimator);
        assertEquals("decode", p.step());
        assertEquals(2.5e-3, p.measuredS(), 1e-15, "the mean: the prediction adds mean launches");
        assertEquals(2e-3, p.medianS(), 1e-15);
        assertEquals(0.04, p.noiseRel(), 1e-15, "the step's own noise, printed beside the error");
        assertEquals(4 / 2.5e-3, p.tokensPerS(), 1e-9, "a token per sequence per mean step");
        // the step's sequences hold context - 1 tokens before it
        double tpot = estimator.estimate(Scenario.plain(TINY, WeightFormat.FP16, KvFormat.FP16, 1023, 1, 4, 1024, 1)).tpotS();
        assertEquals(tpot, p.predictedS(), 1e-15);
        assertEquals(100 * (tpot - 2.5e-3) / 2.5e-3, p.errorPercent(), 1e-9);
    }

    @Test
    void aPrefillIsOnePromptsFirstTokenTime() {
        ResultRow step = step("prefill").set(Column.BATCH, 1).set(Column.SEQ_LEN, 128).set(Column.TIME_MEDIAN_S, 0.1);
        StepPrediction p = StepPrediction.of(step, TINY, estimator);
        assertEquals(0.1, p.measuredS(), 1e-15, "a row without a mean: its median");
        assertEquals(1280, p.tokensPerS(), 1e-9, "input tokens per second");
        assertEquals(estimator.estimate(Scenario.plain(TINY, WeightFormat.FP16, KvFormat.FP16, 128, 1, 1, 128, 1)).ttftS(), p.predictedS(), 1e-15);
    }

    /** Predicting a decode step estimates no prefill: the notes speak of what the step reads (an int4 prefill of 1023 tokens would note its dequantisation). */
    @Test
    void aDecodeStepsPredictionLeavesNoPrefillNotes() {
        MeasuredRates rates = MeasuredRates.of(rows);
        Estimator fresh = new Estimator(rates, "x", MEMORY, Optional.empty());
        ResultRow step = step("decode").set(Column.WEIGHT_FORMAT, "int4_g128").set(Column.BATCH, 1).set(Column.CONTEXT, 1024).set(Column.TIME_MEDIAN_S, 2e-3);
        StepPrediction.of(step, TINY, fresh);
        assertTrue(rates.notes().stream().noneMatch(n -> n.contains("dequantize") || n.contains("prefill")), rates.notes().toString());
        StepPrediction.of(step("prefill").set(Column.WEIGHT_FORMAT, "int4_g128").set(Column.BATCH, 1).set(Column.SEQ_LEN, 1023).set(Column.TIME_MEDIAN_S, 1.0),
                TINY, fresh);
        assertTrue(rates.notes().stream().anyMatch(n -> n.contains("dequantize")), rates.notes().toString());
    }

    /** Pass by pass: each pass's step against that pass's rows alone, not the pooled rows. */
    @Test
    void eachPassIsPredictedFromItsOwnRows() {
        ResultRow probe = step("decode").set(Column.BATCH, 1).set(Column.CONTEXT, 1024).set(Column.TIME_MEDIAN_S, 1.0);
        double predicted = StepPrediction.of(probe, TINY, estimator).predictedS();
        // pass 1: the step as predicted; pass 2: the same rows, the step 1.25x slower; pass 3: qgemv at half its rate, the step as pass 1's prediction
        List<ResultRow> slowQgemv = SyntheticRuns.rows("x", MEMORY);
        slowQgemv.stream().filter(r -> r.get(Column.SUITE).equals("qgemv")).forEach(r -> r.set(Column.BYTES_PER_S, SyntheticRuns.QGEMV / 2));
        List<List<ResultRow>> passes = List.of(withStep(rows, predicted), withStep(rows, 1.25 * predicted), withStep(slowQgemv, predicted));
        List<Double> errors = StepPrediction.errorsPerPass(probe, TINY, passes, "x", MEMORY);
        assertEquals(3, errors.size());
        // a row holds its numbers as text of a few significant digits
        assertEquals(0, errors.get(0), 1e-3);
        assertEquals(-20, errors.get(1), 1e-3);
        assertTrue(errors.get(2) > 20, "half-rate products predict a slower step: " + errors.get(2));
        assertTrue(StepPrediction.errorsPerPass(probe, TINY, List.of(), "x", MEMORY).isEmpty(), "one pass: nothing pass by pass");
        assertThrows(IllegalArgumentException.class, () -> StepPrediction.errorsPerPass(probe, TINY, List.of(rows), "x", MEMORY), "a pass without the step");
    }

    private static List<ResultRow> withStep(List<ResultRow> kernelRows, double seconds) {
        List<ResultRow> pass = new java.util.ArrayList<>(kernelRows);
        pass.add(step("decode").set(Column.BATCH, 1).set(Column.CONTEXT, 1024).set(Column.TIME_MEDIAN_S, seconds));
        return pass;
    }

    @Test
    void aKernelRowIsNotAStep() {
        assertThrows(IllegalArgumentException.class, () -> StepPrediction.of(rows.get(0), TINY, estimator));
    }

    private static ResultRow step(String suite) {
        return new ResultRow().set(Column.SUITE, suite).set(Column.KERNEL, "step").set(Column.WEIGHT_FORMAT, "fp16").set(Column.DEVICE_NAME, "x");
    }
}
