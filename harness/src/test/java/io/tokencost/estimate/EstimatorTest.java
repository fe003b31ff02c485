package io.tokencost.estimate;

import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.Price;
import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.attentiondecode.AttentionDecode.KvFormat;
import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.tokencost.estimate.SyntheticRuns.DECODE_FP16;
import static io.tokencost.estimate.SyntheticRuns.GEMM;
import static io.tokencost.estimate.SyntheticRuns.PREFILL;
import static io.tokencost.estimate.SyntheticRuns.QGEMV;
import static io.tokencost.estimate.SyntheticRuns.READ;
import static io.tokencost.estimate.SyntheticRuns.TINY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The estimator against cases added up by hand: the tiny model on round synthetic rates
 * ({@link SyntheticRuns}), every term written out below from the model's shapes, independently of
 * the estimator's code.
 */
class EstimatorTest {

    static final long MEMORY = 1_000_000_000L;
    /** $3.60 per hour: a tenth of a cent per second. */
    static final double USD_PER_S = 0.001;

    static Estimator estimator(String device) {
        return new Estimator(MeasuredRates.of(SyntheticRuns.rows(device, MEMORY)), device, MEMORY, Optional.of(Price.userGiven(3.6)));
    }

    static Scenario tiny(int batch, int context) {
        return Scenario.plain(TINY, WeightFormat.FP16, KvFormat.FP16, 512, 128, batch, context, 1);
    }

    // the tiny model's linear layers, rows x cols: qkv (8+2+2)*128 x 1024, o 1024 x 1024, gate_up 4096 x 1024, down 1024 x 2048
    static final long[][] LINEAR = {{1536, 1024}, {1024, 1024}, {4096, 1024}, {1024, 2048}};
    static final long VOCAB = 4096;
    static final long HIDDEN = 1024;

    /** qgemv bytes: fp16 weights, x read (2 bytes per token and column), y written (4 per token and row). */
    static double qgemvBytes(long rows, long cols, double tokens) {
        return rows * cols * 2 + tokens * (2 * cols + 4 * rows);
    }

    /** Elementwise bytes per token and layer: 20·hidden + rotary 4·(8+2)·128 + gated activation 6·2048. */
    static final double ELEMENTWISE = 20 * 1024 + 4 * 10 * 128 + 6 * 2048;

    /** One decode step of batch 1 with {@code tokens} queries, by hand. */
    static double decodeStepByHand(int tokens, int context) {
        double layer = 0;
        for (long[] l : LINEAR) {
            layer += qgemvBytes(l[0], l[1], tokens) / QGEMV;   // both measured batches run at 50 GB/s
        }
        double cache = 2.0 * 2 * context * 128 * 2;            // K and V, 2 kv heads, fp16
        layer += (cache + 6.0 * 8 * 128) / DECODE_FP16;        // + q read and o written (fp32)
        layer += tokens * ELEMENTWISE / READ;
        return 2 * layer + qgemvBytes(VOCAB, HIDDEN, tokens) / QGEMV;
    }

    @Test
    void stepsAddUpMeanLaunchesNotMedians() {
        double median = MeasuredRates.of(SyntheticRuns.rows("x", MEMORY)).decodeLinearSeconds(WeightFormat.FP16, 1, 4096, 4096);
        List<ResultRow> tailed = SyntheticRuns.rows("x", MEMORY);
        // the synthetic rows' median launch is 1 ms: a tail that puts the mean at 1.5 ms makes every product 1.5x longer
        tailed.stream().filter(r -> r.get(Column.SUITE).equals("qgemv")).forEach(r -> r.set(Column.TIME_MEAN_S, 1.5e-3));
        assertEquals(1.5 * median, MeasuredRates.of(tailed).decodeLinearSeconds(WeightFormat.FP16, 1, 4096, 4096), 1e-12 * median);
        // ops rows are read as times: their mean is the time
        ResultRow ops = SyntheticRuns.rows("x", MEMORY).get(0).set(Column.TIME_MEDIAN_S, 2e-3).set(Column.TIME_MEAN_S, 3e-3);
        assertEquals(3e-3, MeasuredRates.meanSeconds(ops), 1e-15);
        assertEquals(2e-3, MeasuredRates.meanSeconds(ops.set(Column.TIME_MEAN_S, "")), 1e-15, "a row without a mean: its median");
    }

    @Test
    void aDecodeStepAddsUpLayerByLayer() {
        Estimate e = estimator("NVIDIA H100 80GB HBM3").estimate(tiny(1, 1024));
        assertEquals(decodeStepByHand(1, 1024), e.tpotS(), 1e-12);
        // the weights' share is their bytes at the read ceiling; the rest of the linear time is compute
        double weightBytes = 0;
        for (long[] l : LINEAR) {
            weightBytes += 2.0 * l[0] * l[1];
        }
        assertEquals((2 * weightBytes + 2.0 * VOCAB * HIDDEN) / READ, e.decodeStep().weights(), 1e-12);
        assertEquals(2 * (2.0 * 2 * 1024 * 128 * 2 + 6.0 * 8 * 128) / READ, e.decodeStep().kv(), 1e-12);
        assertEquals("compute", e.decodeStep().bottleneck());
        // halfway between the measured contexts (in log) the rate is the same 20 GB/s: time follows the bytes
        assertEquals(decodeStepByHand(1, 2896), estimator("x").estimate(tiny(1, 2896)).tpotS(), 1e-12);
    }

    /**
     * The tiny model as a mixture of 8 experts of width 512, top 2, at batch 1: per layer q/k/v and o,
     * its 2 experts' gate/up (1024 x 1024) and down (1024 x 512), and the 16-bit router (8 x 1024);
     * SwiGLU over 2 x 512.
     */
    @Test
    void aMixtureOfExpertsDecodeStepAddsTheTouchedExpertsAndTheRouterByHand() {
        ModelSpec moe = new ModelSpec("tiny-moe", 1024, 2, 8, 2, 128, 2048, 4096, false, 8, 2, 512);
        Estimate e = estimator("x").estimate(Scenario.plain(moe, WeightFormat.FP16, KvFormat.FP16, 512, 128, 1, 1024, 1));
        double layer = qgemvBytes(1536, 1024, 1) / QGEMV + qgemvBytes(1024, 1024, 1) / QGEMV
                + 2 * (qgemvBytes(1024, 1024, 1) + qgemvBytes(1024, 512, 1)) / QGEMV + qgemvBytes(8, 1024, 1) / QGEMV;
        layer += (2.0 * 2 * 1024 * 128 * 2 + 6.0 * 8 * 128) / DECODE_FP16;
        layer += (20 * 1024 + 4 * 10 * 128 + 6 * 2 * 512) / READ;
        assertEquals(2 * layer + qgemvBytes(VOCAB, HIDDEN, 1) / QGEMV, e.tpotS(), 1e-12);
    }

    /** Prefill of {@code fresh} new tokens of a 512-token prompt, by hand. */
    static double prefillByHand(int fresh) {
        double layer = 0;
        for (long[] l : LINEAR) {
            layer += 2.0 * fresh * l[0] * l[1] / GEMM;          // past 16 tokens the GEMM rate sets the time
        }
        long cached = 512 - fresh;
        double pairs = 512 * 513 / 2.0 - cached * (cached + 1) / 2.0;
        layer += 4.0 * 8 * 128 * pairs / PREFILL;
        layer += fresh * ELEMENTWISE / READ;
        return 2 * layer + qgemvBytes(VOCAB, HIDDEN, 1) / QGEMV;   // the LM head on the last token
    }

    /** int8 / int4 weights reach a prefill's 16-bit GEMM dequantised: at the measured qgemv/dequantize bytes/s, else the read ceiling (noted). */
    @Test
    void dequantisationIsTimedFromItsRowsOrTheReadCeiling() {
        double bytes = 4096.0 * 14336 / 2 + 4096.0 * 112 * 2 + 2.0 * 4096 * 14336;   // int4 codes and scales read, fp16 written
        MeasuredRates without = MeasuredRates.of(SyntheticRuns.rows("x", 80L << 30));
        assertEquals(bytes / READ, without.dequantizeSeconds(WeightFormat.INT4_G128, 4096, 14336), 1e-15);
        assertTrue(without.notes().stream().anyMatch(n -> n.startsWith("no qgemv/dequantize rows for int4_g128")), without.notes().toString());
        List<ResultRow> rows = new ArrayList<>(SyntheticRuns.rows("x", 80L << 30));
        rows.add(SyntheticRuns.dequantizeRow("x", 80L << 30, "int4_g128", 2e10));
        rows.add(SyntheticRuns.dequantizeRow("x", 80L << 30, "int8", 9e10));
        MeasuredRates with = MeasuredRates.of(rows);
        assertEquals(bytes / 2e10, with.dequantizeSeconds(WeightFormat.INT4_G128, 4096, 14336), 1e-15);
        assertTrue(with.notes().isEmpty(), with.notes().toString());
        // the dequantisation rows are not qgemv rows: the products' lookups never see them
        assertEquals(16, with.largestQgemvBatch(WeightFormat.INT4_G128));
    }

    /**
     * A prefill's products on the path it takes: int4 below 256 tokens on qgemv (past the largest
     * measured batch, 16, that batch's time per token: chunks), from 256 tokens the GEMM on weights
     * dequantised first; fp16 always the GEMM; an expert's rows qgemv whatever the format.
     */
    @Test
    void aPrefillsProductsTakeQgemvBelow256Int4TokensAndTheGemmElsewhere() {
        MeasuredRates rates = MeasuredRates.of(SyntheticRuns.rows("x", MEMORY));
        double rows = 4096;
        double cols = 1024;
        double codesAndScales = rows * cols / 2 + rows * (cols / 128) * 2;
        double chunkOf16 = (codesAndScales + 16 * (2 * cols + 4 * rows)) / QGEMV;
        assertEquals(chunkOf16 * 128 / 16, rates.linearSeconds(WeightFormat.INT4_G128, 128, 4096, 1024), 1e-15);
        assertEquals(chunkOf16 * 255 / 16, rates.linearSeconds(WeightFormat.INT4_G128, 255, 4096, 1024), 1e-15);
        double dequantize = (codesAndScales + 2 * rows * cols) / READ;
        assertEquals(2 * 256 * rows * cols / GEMM + dequantize, rates.linearSeconds(WeightFormat.INT4_G128, 256, 4096, 1024), 1e-15);
        assertEquals(2 * 128 * rows * cols / GEMM, rates.linearSeconds(WeightFormat.FP16, 128, 4096, 1024), 1e-15);
        assertEquals(2 * qgemvBytes(4096, 1024, 16) / QGEMV, rates.qgemvPathSeconds(WeightFormat.FP16, 32, 4096, 1024), 1e-15);
        assertEquals(qgemvBytes(4096, 1024, 1) / QGEMV, rates.linearSeconds(WeightFormat.FP16, 1, 4096, 1024), 1e-15, "one token: qgemv");
    }

    /** With ops rows at the model's widths, a layer's small ops take their measured time (launches included), not the read ceiling's. */
    @Test
    void measuredLayerOpsReplaceTheReadCeilingsGuess() {
        List<ResultRow> rows = new ArrayList<>(SyntheticRuns.rows("x", 80L << 30));
        rows.add(SyntheticRuns.opsRow("x", 80L << 30, false, 1, 40e-6));
        rows.add(SyntheticRuns.opsRow("x", 80L << 30, false, 16, 100e-6));
        rows.add(SyntheticRuns.opsRow("x", 80L << 30, true, 512, 2e-3));
        Estimator est = Estimator.forRows(rows, Optional.empty());
        Estimate plain = estimator("x").estimate(tiny(1, 1024));
        Estimate e = est.estimate(tiny(1, 1024));
        // two layers: the read ceiling's ops replaced by 40 us each (decode, batch 1) and 2 ms each (a 512-token prefill)
        assertEquals(plain.tpotS() - 2 * ELEMENTWISE / READ + 2 * 40e-6, e.tpotS(), 1e-12);
        assertEquals(plain.ttftS() - 2 * 512 * ELEMENTWISE / READ + 2 * 2e-3, e.ttftS(), 1e-12);
        // between measured batches linear: batch 4 is 40 + 3/15 x 60 = 52 us per layer
        Estimate b4 = est.estimate(tiny(4, 1024));
        assertEquals(estimator("x").estimate(tiny(4, 1024)).tpotS() - 2 * 4 * ELEMENTWISE / READ + 2 * 52e-6, b4.tpotS(), 1e-12);
        // past the largest measured prompt: per token, noted
        MeasuredRates rates = MeasuredRates.of(rows);
        assertEquals(2e-3 * 2, rates.layerOpsSeconds(true, 1024, TINY).getAsDouble(), 1e-15);
        assertTrue(rates.notes().stream().anyMatch(n -> n.contains("1024 tokens timed per token")), rates.notes().toString());
        assertTrue(rates.layerOpsSeconds(true, 100, new ModelSpec("other", 2048, 2, 8, 2, 128, 2048, 4096, false, 0, 0, 0)).isEmpty(),
                "rows of other widths do not count");
    }

    @Test
    void prefillAndItsDollarsAddUpByHand() {
        Estimate e = estimator("x").estimate(tiny(1, 1024));
        assertEquals(prefillByHand(512), e.ttftS(), 1e-12);
        assertEquals(USD_PER_S * prefillByHand(512) / 512 * 1e6, e.usdPer1mInput(), 1e-9);
        assertEquals(USD_PER_S * decodeStepByHand(1, 1024) * 1e6, e.usdPer1mOutput(), 1e-9);
        assertEquals(USD_PER_S * (prefillByHand(512) + 128 * decodeStepByHand(1, 1024)), e.usdPerRequest(), 1e-12);
        assertEquals(prefillByHand(512) + 127 * decodeStepByHand(1, 1024), e.e2elS(), 1e-12);
    }

    @Test
    void promptCachingSkipsTheCachedPrefixButAttendsToIt() {
        Estimator est = estimator("x");
        Estimate half = est.estimate(tiny(1, 1024).withCachedFraction(0.5));
        assertEquals(prefillByHand(256), half.ttftS(), 1e-12);
        assertEquals(USD_PER_S * prefillByHand(256) / 512 * 1e6, half.usdPer1mInput(), 1e-9, "cached tokens are input tokens too");
        assertEquals(est.estimate(tiny(1, 1024)).tpotS(), half.tpotS(), 0, "decode is untouched");
    }

    @Test
    void speculativeDecodingDividesTheVerifyAndDraftStepsByTheExpectedTokens() {
        Speculation spec = new Speculation(TINY, 2, 0.5);
        assertEquals(1.75, spec.expectedTokensPerStep(), 1e-15);   // 1 + 0.5 + 0.25
        assertEquals(1, new Speculation(TINY, 4, 0).expectedTokensPerStep(), 1e-15);
        assertEquals(1.8, new Speculation(TINY, 1, 0.8).expectedTokensPerStep(), 1e-15);
        Estimate e = estimator("x").estimate(tiny(1, 1024).withSpeculation(spec));
        // the target verifies 3 tokens per sequence in one step (one read of the cache); the draft (the same tiny model here) runs 2 plain steps
        double step = decodeStepByHand(3, 1024) + 2 * decodeStepByHand(1, 1024);
        assertEquals(step / 1.75, e.tpotS(), 1e-12);
        assertEquals(USD_PER_S * step / 1.75 * 1e6, e.usdPer1mOutput(), 1e-9);
    }

    @Test
    void utilisationDividesEveryDollarFigure() {
        Estimator est = estimator("x");
        Estimate full = est.estimate(tiny(4, 1024));
        Estimate quarter = est.estimate(tiny(4, 1024).withUtilisation(0.25));
        assertEquals(4 * full.usdPer1mInput(), quarter.usdPer1mInput(), 1e-9);
        assertEquals(4 * full.usdPer1mOutput(), quarter.usdPer1mOutput(), 1e-9);
        assertEquals(4 * full.usdPerRequest(), quarter.usdPerRequest(), 1e-12);
        assertEquals(full.tpotS(), quarter.tpotS(), 0);
    }

    @Test
    void breakEvenIsTheFullLoadCostOverTheApisAndIgnoresUtilisation() {
        Estimator est = estimator("x");
        Estimate e = est.estimate(tiny(1, 1024));
        ApiPrice api = ApiPrice.parse("1,2");   // $1 per 1M input, $2 per 1M output
        double apiRequest = (512 * 1 + 128 * 2) / 1e6;
        double self = USD_PER_S * (prefillByHand(512) + 128 * decodeStepByHand(1, 1024));
        assertEquals(self / apiRequest, e.breakEvenUtilisation(api), 1e-12);
        assertEquals(self / apiRequest, est.estimate(tiny(1, 1024).withUtilisation(0.3)).breakEvenUtilisation(api), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> ApiPrice.parse("1,x"));
        assertThrows(IllegalArgumentException.class, () -> ApiPrice.parse("-1"));
    }

    @Test
    void aTrafficMixBlendsByShare() {
        ModelSpec deeper = new ModelSpec("tiny4", 1024, 4, 8, 2, 128, 2048, 4096, false, 0, 0, 0);
        Estimator est = estimator("x");
        Estimate a = est.estimate(tiny(1, 1024));
        Estimate b = est.estimate(tiny(1, 1024).withModel(deeper));
        TrafficMix mix = new TrafficMix(List.of(new TrafficMix.Share(TINY, 0.8), new TrafficMix.Share(deeper, 0.2)));
        assertEquals(0.8 * a.usdPer1mOutput() + 0.2 * b.usdPer1mOutput(), mix.blend(List.of(a, b), Estimate::usdPer1mOutput), 1e-12);
        // the deeper model adds two layers' worth of time
        assertEquals(2 * (decodeStepByHand(1, 1024) - qgemvBytes(VOCAB, HIDDEN, 1) / QGEMV) + qgemvBytes(VOCAB, HIDDEN, 1) / QGEMV, b.tpotS(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> TrafficMix.parse("llama-3.1-8b:0.8,llama-3.1-70b:0.1"));
        assertThrows(IllegalArgumentException.class, () -> TrafficMix.parse("llama-3.1-8b:1"));
        assertThrows(IllegalArgumentException.class, () -> TrafficMix.parse("llama-3.1-8b:x,llama-3.1-70b:0.2"));
        assertEquals("mix Llama-3.1-8B 80%, Llama-3.1-70B 20%", TrafficMix.parse("llama-3.1-8b:0.8,llama-3.1-70b:0.2").label());
    }

    @Test
    void theLargestBatchIsWhatFitsBesideTheWeights() {
        Estimate e = estimator("x").estimate(tiny(1, 1024));
        // KV per token: 2 x 2 layers x 2 kv heads x 128 x 2 bytes = 2048; a sequence holds max(512 + 128, 1024) tokens
        long expected = (long) Math.floor((0.9 * MEMORY - TINY.weightBytes(WeightFormat.FP16)) / (2048.0 * 1024));
        assertEquals(expected, e.maxBatch());
        assertTrue(e.fits());
        assertTrue(!estimator("x").estimate(tiny((int) expected + 1, 1024)).fits());
    }

    @Test
    void tensorParallelSplitsTheLayersAndAddsAllReducesOverTheCataloguedLink() {
        Estimator est = estimator("NVIDIA H100 80GB HBM3");
        Estimate one = est.estimate(tiny(1, 1024));
        Estimate two = est.estimate(Scenario.plain(TINY, WeightFormat.FP16, KvFormat.FP16, 512, 128, 1, 1024, 2));
        assertEquals(2 * one.usdPerHour(), two.usdPerHour(), 1e-12);
        // per layer: elementwise at tp 2 (rotary and activation split) + two ring all-reduces of 1024 fp16 values over 450 GB/s, 10 µs each
        double elementwise = (20 * 1024 + 4 * 10 * 128 / 2.0 + 6 * 2048 / 2.0) / READ;
        double allReduce = 10e-6 + 2.0 * 1 / 2 * 2048 / 450e9;
        assertEquals(2 * (elementwise + 2 * allReduce), two.decodeStep().overhead(), 1e-15);
        assertTrue(two.decodeStep().weights() < 0.6 * one.decodeStep().weights(), "each device streams half the layers' weights");
        IllegalArgumentException noLink = assertThrows(IllegalArgumentException.class,
                () -> estimator("Intel(R) Xeon(R) Processor").estimate(Scenario.plain(TINY, WeightFormat.FP16, KvFormat.FP16, 512, 128, 1, 1024, 2)));
        assertTrue(noLink.getMessage().contains("no interconnect figure"), noLink.getMessage());
    }

    @Test
    void absurdScenariosAreRejectedWithTheirName() {
        assertMessage("batch must be in 1..65536", () -> tiny(0, 1024));
        assertMessage("context must be in", () -> tiny(1, 20_000_000));
        assertMessage("must divide tiny's 8 attention heads", () -> Scenario.plain(TINY, WeightFormat.FP16, KvFormat.FP16, 512, 128, 1, 1024, 3));
        assertMessage("cached prefix fraction must be in [0, 1)", () -> tiny(1, 1024).withCachedFraction(1));
        assertMessage("utilisation must be in (0, 1]", () -> tiny(1, 1024).withUtilisation(0));
        assertMessage("acceptance rate must be in [0, 1)", () -> new Speculation(TINY, 4, 1));
        assertMessage("draft tokens per step must be in 1..32", () -> new Speculation(TINY, 0, 0.5));
        assertMessage("no memory/read row", () -> MeasuredRates.of(SyntheticRuns.rows("x", MEMORY).subList(1, 5)));
    }

    @Test
    void missingFamiliesFallBackWithANote() {
        // only the memory row: weights and cache stream at the read ceiling, prefill has no compute rate
        MeasuredRates rates = MeasuredRates.of(SyntheticRuns.rows("x", MEMORY).subList(0, 1));
        double t = rates.decodeAttentionSeconds(KvFormat.INT8, 1, 1000, 8, 2, 128);
        assertEquals(MeasuredRates.decodeAttentionBytes(KvFormat.INT8, 1, 1000, 8, 2, 128) / READ, t, 1e-15);
        assertTrue(rates.notes().get(0).contains("no attention/decode rows for int8 KV"), rates.notes().toString());
        // no compute rate: no prefill, and a decode batch's weights at the read ceiling (a lower bound)
        assertTrue(Double.isNaN(rates.linearSeconds(WeightFormat.INT8, 512, 4096, 4096)));
        assertEquals((4096.0 * 4096 + 4096 * 2 + 8 * (2 * 4096 + 4 * 4096)) / READ, rates.decodeLinearSeconds(WeightFormat.INT8, 8, 4096, 4096), 1e-15);
        // a short int8 prompt's products run on qgemv: without its rows, at the read ceiling too (a lower bound, not a division by no batch)
        assertEquals((4096.0 * 4096 + 4096 * 2 + 128 * (2 * 4096 + 4 * 4096)) / READ, rates.linearSeconds(WeightFormat.INT8, 128, 4096, 4096), 1e-15);
        assertTrue(rates.notes().stream().anyMatch(n -> n.startsWith("no gemm or qgemv rows: no compute rate")), rates.notes().toString());
        Estimate e = new Estimator(rates, "x", MEMORY, Optional.of(Price.userGiven(3.6))).estimate(tiny(8, 1024));
        assertTrue(Double.isNaN(e.ttftS()) && Double.isNaN(e.usdPer1mInput()) && e.usdPer1mOutput() > 0);
    }

    static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(fragment), ex.getMessage());
    }
}
