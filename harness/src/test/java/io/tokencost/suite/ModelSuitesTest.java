package io.tokencost.suite;

import io.tokencost.backend.DeviceProperties;
import io.tokencost.cost.ModelPresets;
import io.tokencost.cost.ModelSpec;
import io.tokencost.results.Column;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decode and prefill suites: which cases a device gets, what fits, and the work each declares. */
class ModelSuitesTest {

    static DeviceProperties device(String backend, long memory) {
        return new DeviceProperties(backend, 0, "test", "", "", "", 2, memory, 0, 260L << 20, Map.of());
    }

    /** A host's decode step is short against its VM's phases: 20 iterations; a GPU's iteration holds dozens of steps; prefills keep the profile's. */
    @Test
    void aHostsDecodeStepGetsAsManyIterationsAsThePredictionsRows() {
        assertEquals(ModelSuite.PREDICTION_ROW_ITERATIONS, new DecodeSuite().minStepIterations(device("cpu", 24L << 30)));
        assertEquals(0, new DecodeSuite().minStepIterations(device("cuda", 141L << 30)));
        assertEquals(0, new PrefillSuite().minStepIterations(device("cpu", 24L << 30)));
    }

    @Test
    void casesFitTheDeviceAndDeclareTheWholeStep() {
        DecodeSuite suite = new DecodeSuite();
        var llama = ModelPresets.byName("Llama-3.1-8B");
        List<BenchCase> host = suite.cases(Profile.QUICK, device("cpu", 24L << 30), llama, "Llama-3.1-8B");
        assertEquals(1, host.size(), "a 24 GiB host: int4 only, batch 1, 1024 tokens");
        BenchCase c = host.get(0);
        assertEquals("int4_g128", c.weightFormat());
        assertEquals(1024L, c.shape().get(Column.CONTEXT));
        assertEquals("model/decode_step", c.check());
        // the declared bytes: every weight once (int4 + scales), the 16-bit LM head, the KV cache, activations
        assertTrue(c.workload().bytesRead() > 4.5e9 && c.workload().bytesRead() < 5.0e9, Long.toString(c.workload().bytesRead()));
        assertTrue(suite.cases(Profile.FULL, device("cpu", 24L << 30), ModelPresets.byName("Llama-3.1-70B"), "x").isEmpty(),
                "70B fits no 24 GiB host");
        List<BenchCase> h200 = suite.cases(Profile.QUICK, device("cuda", 141L << 30), llama, "Llama-3.1-8B");
        assertEquals(12, h200.size(), "3 formats x batch 1, 16 x context 1k, 8k");
        // the prediction's rows: decode attention at the model's heads, qgemv at the four products in int4 and the fp16 LM head, batch 1
        List<BenchCase> extra = suite.predictionCases(Profile.QUICK, device("cpu", 24L << 30), llama);
        assertEquals(List.of("attention_decode/fp16", "qgemv/int4_g128", "qgemv/int4_g128", "qgemv/int4_g128", "qgemv/int4_g128", "qgemv/fp16"),
                extra.stream().map(BenchCase::check).toList());
        assertEquals(1024L, extra.get(0).shape().get(Column.CONTEXT));
        assertEquals(128256L, extra.get(5).shape().get(Column.N));
    }

    @Test
    void mixturesOfExpertsDecodeWhereTheyFitAndDeclareTheExpertsTheyTouch() {
        DecodeSuite suite = new DecodeSuite();
        var mixtral = ModelPresets.byName("Mixtral-8x7B");
        assertEquals(12, suite.cases(Profile.QUICK, device("cuda", 141L << 30), mixtral, "Mixtral-8x7B").size(),
                "an H200 holds Mixtral even in fp16 (93 GB): 3 formats x batch 1, 16 x context 1k, 8k");
        var qwen = ModelPresets.byName("Qwen3-30B-A3B");
        assertTrue(suite.cases(Profile.QUICK, device("cpu", 24L << 30), qwen, "q").isEmpty(), "Qwen3-30B-A3B int4 (16 GB) leaves no heap room on 24 GiB");
        BenchCase c = suite.cases(Profile.QUICK, device("cuda", 141L << 30), qwen, "q").stream()
                .filter(x -> x.weightFormat().equals("int4_g128") && x.shape().get(Column.BATCH) == 1 && x.shape().get(Column.CONTEXT) == 1024)
                .findFirst().orElseThrow();
        // batch 1 reads its 8 experts' weights only: per layer q/k/v/o and 8 x (gate, up, down) in int4 (+ a scale per 128),
        // the fp16 router and the KV cache; then the fp16 LM head
        double int4 = 0.5 + 2.0 / 128;
        double layerParams = 40 * 128 * 2048 + 2048 * 4096 + 8 * 3 * 2048 * 768;
        double layer = layerParams * int4 + 128 * 2048 * 2 + 2 * 4 * 1024 * 128 * 2;
        double expected = 48 * layer + 151936 * 2048 * 2;
        assertEquals(expected, c.workload().bytesRead(), expected * 0.005);
        // the prediction's rows on a host: q/k/v and o at batch 1, each expert's products at its one row, the router, the LM head
        List<BenchCase> extra = suite.predictionCases(Profile.QUICK, device("cpu", 24L << 30), mixtral).stream()
                .filter(x -> x.suite().equals("qgemv")).toList();
        assertEquals(List.of("6144x4096/1", "4096x4096/1", "28672x4096/1", "4096x14336/1", "8x4096/1", "32000x4096/1"),
                extra.stream().map(x -> x.shape().get(Column.N) + "x" + x.shape().get(Column.K) + "/" + x.shape().get(Column.BATCH)).toList());
        // batch 16 of Mixtral's top 2 of 8: 32 slots over 7.92 experts on average, 4.04 rows each: batches 4 and 5
        List<Long> expertBatches = suite.predictionCases(Profile.QUICK, device("cuda", 141L << 30), mixtral).stream()
                .filter(x -> x.suite().equals("qgemv") && x.shape().get(Column.N) == 28672 && x.weightFormat().equals("int4_g128")).map(x -> x.shape().get(Column.BATCH)).toList();
        assertEquals(List.of(1L, 4L, 5L), expertBatches);
    }

    /** Qwen3-30B-A3B's heads (32 q / 4 kv) are not among the attention suite's layouts: the decode suite times them itself. */
    @Test
    void decodePredictionsTimeAttentionAtTheModelsOwnHeads() {
        var qwen = ModelPresets.byName("Qwen3-30B-A3B");
        List<BenchCase> attention = new DecodeSuite().predictionCases(Profile.QUICK, device("cuda", 141L << 30), qwen).stream()
                .filter(x -> x.suite().equals("attention")).toList();
        assertEquals(4, attention.size(), "batch 1, 16 x context 1k, 8k");
        assertTrue(attention.stream().allMatch(x -> x.shape().get(Column.HEADS) == 32 && x.shape().get(Column.KV_HEADS) == 4
                && x.weightFormat().equals("fp16")), attention.toString());
    }

    @Test
    void opsCasesOfAMixtureOfExpertsAddItsRouting() {
        var qwen = ModelPresets.byName("Qwen3-30B-A3B");
        List<BenchCase> host = new TransformerOpsSuite().cases(Profile.QUICK, device("cpu", 24L << 30), qwen, "q");
        assertEquals(List.of("decode_layer_ops", "prefill_layer_ops"), host.stream().map(BenchCase::kernel).toList());
        // the dense layer's ops with SwiGLU over 8 slots x 768, then routing (128 logits read; expert, weight and row written per
        // slot), gather (2 B read and written per slot and hidden element) and combine (4 B read per slot, 4 written per element)
        long dense = 2 * 18L * 2048 + 6L * 5120 + 6L * 4096 + 10L * 8 * 768;
        long moe = 4L * 128 + 8 * (2L * 2048 + 4L * 2048 + 8) + 12L * 8 + 2L * 8 * 2048 + 4L * 2048;
        assertEquals(dense + moe, host.get(0).workload().bytesMoved());
        // a prompt of 128: attention's fp32 -> fp16 (6 B per element of 4096) gives way to the q/k/v and o GEMMs' fp16 -> fp32
        // (6 B per element of 5120 + 2048) and the head merge (4 B per element of 4096); the experts write fp32, nothing more
        assertEquals(128 * (dense - 6L * 4096 + moe + 6L * (5120 + 2048) + 4L * 4096), host.get(1).workload().bytesMoved());
    }

    @Test
    void opsCasesFollowTheDecodeBatchesAndPrefillPrompts() {
        var llama = ModelPresets.byName("Llama-3.1-8B");
        List<BenchCase> host = new TransformerOpsSuite().cases(Profile.QUICK, device("cpu", 24L << 30), llama, "Llama-3.1-8B");
        assertEquals(List.of("decode_layer_ops", "prefill_layer_ops"), host.stream().map(BenchCase::kernel).toList());
        assertEquals(1L, host.get(0).shape().get(Column.BATCH));
        assertEquals(128L, host.get(1).shape().get(Column.SEQ_LEN));
        assertEquals(4096L, host.get(1).shape().get(Column.N));
        assertEquals("model/prefill", host.get(1).check());
        // decode, batch 1: two norms (12 B read + 6 written per hidden element), rotary (4 B read, 2 written per qkv element),
        // to_half (4 + 2 per attention element), SwiGLU (8 + 2 per ffn element)
        long bytes = 2 * 18L * 4096 + 6L * 6144 + 6L * 4096 + 10L * 14336;
        assertEquals(bytes, host.get(0).workload().bytesMoved());
        assertEquals(4, new TransformerOpsSuite().cases(Profile.QUICK, device("cuda", 141L << 30), llama, "Llama-3.1-8B").size(),
                "GPUs: batch 1, 16 and prompts 512, 2048");
    }

    @Test
    void prefillCasesFitTheDeviceAndDeclareThePromptsWork() {
        PrefillSuite suite = new PrefillSuite();
        var llama = ModelPresets.byName("Llama-3.1-8B");
        List<BenchCase> host = suite.cases(Profile.QUICK, device("cpu", 24L << 30), llama, "Llama-3.1-8B");
        assertEquals(1, host.size(), "a 24 GiB host: int4 only, a prompt of 128");
        BenchCase c = host.get(0);
        assertEquals("model/prefill", c.check());
        assertEquals(128L, c.shape().get(Column.SEQ_LEN));
        // 2 P n over the layers' products (6.98e9 parameters in Llama-3.1-8B's layers) plus causal attention; the LM head on one token
        double layerParams = 32.0 * (4096 * 6144 + 4096 * 4096 + 2 * 4096 * 14336 + 14336 * 4096);
        double attention = 32.0 * 4 * 32 * 128 * (128.0 * 129 / 2);
        assertEquals(2 * layerParams * 128 + attention + 2.0 * 128256 * 4096, c.workload().flops(), 1e6);
        assertTrue(suite.cases(Profile.FULL, device("cpu", 24L << 30), ModelPresets.byName("Llama-3.1-70B"), "x").isEmpty(),
                "70B fits no 24 GiB host");
        assertEquals(6, suite.cases(Profile.QUICK, device("cuda", 141L << 30), llama, "Llama-3.1-8B").size(), "3 formats x 512, 2048 tokens");
        // the prediction's rows, on the path the prefill takes: a host's 128-token int4 prompt runs qgemv over its rows (below
        // 256 tokens), each of the model's four products at batch 128; no GEMM, no dequantisation
        List<BenchCase> extra = suite.predictionCases(Profile.QUICK, device("cpu", 24L << 30), llama);
        assertEquals(0, extra.stream().filter(g -> g.suite().equals("gemm") || g.kernel().equals("dequantize")).count(), extra.toString());
        List<BenchCase> products = extra.stream().filter(g -> g.check().equals("qgemv/int4_g128")).toList();
        assertEquals(List.of(6144L, 4096L, 28672L, 4096L), products.stream().map(g -> g.shape().get(Column.N)).toList());
        assertTrue(products.stream().allMatch(g -> g.shape().get(Column.BATCH) == 128), products.toString());
        assertEquals(2 * (28672L * 4096 / 2 + 28672L * 32 * 2) + 2L * 128 * 4096 + 4L * 128 * 28672, products.get(2).workload().bytesMoved(),
                "gate_up: two chunks of 64 rows, each a pass over the codes and scales");
        // a GPU's 512 and 2048 tokens: the fp16 GEMM at each prompt x each product, and each product's int8 and int4 dequantisation
        List<BenchCase> gpu = suite.predictionCases(Profile.QUICK, device("cuda", 141L << 30), llama);
        List<BenchCase> gemm = gpu.stream().filter(g -> g.suite().equals("gemm")).toList();
        assertEquals(8, gemm.size());
        assertTrue(gemm.stream().allMatch(g -> g.check().equals("gemm/fp16")), gemm.toString());
        assertEquals(2L * 512 * 28672 * 4096, gemm.get(2).workload().flops(), "gate_up");
        List<BenchCase> dequantize = gpu.stream().filter(g -> g.kernel().equals("dequantize")).toList();
        assertEquals(8, dequantize.size());
        assertEquals("qgemv/dequantize/int8", dequantize.get(0).check());
        assertEquals("qgemv/dequantize/int4_g128", dequantize.get(1).check());
        assertEquals(6144L * 4096 / 2 + 6144L * 32 * 2 + 2L * 6144 * 4096, dequantize.get(1).workload().bytesMoved(), "qkv: codes and scales read, fp16 written");
        assertEquals("dequantize", dequantize.get(0).jmhParams().get("kernel"));
        assertEquals(0, gpu.stream().filter(g -> g.check().equals("qgemv/int4_g128")).count(), "no dense product on qgemv from 256 tokens");
        List<BenchCase> prompts = extra.stream().filter(g -> g.suite().equals("attention")).toList();
        assertEquals(1, prompts.size());
        assertEquals(128L, prompts.get(0).shape().get(Column.SEQ_LEN));
        // a mixture of experts: q/k/v and o on qgemv over the 128 rows, the router's fp16 product over them, the experts on
        // the experts kernel at the rows an expert gets: Mixtral's 128 tokens x top 2 over its 8 experts, 32 each
        ModelSpec mixtral = ModelPresets.byName("Mixtral-8x7B");
        assertEquals(6, suite.cases(Profile.QUICK, device("cuda", 141L << 30), mixtral, "Mixtral-8x7B").size(), "3 formats x 512, 2048 tokens (fp16: 93 GB)");
        List<BenchCase> moe = suite.predictionCases(Profile.QUICK, device("cpu", 24L << 30), mixtral);
        assertEquals(List.of(6144L, 4096L, 8L), moe.stream().filter(g -> g.shape().get(Column.BATCH) == 128).map(g -> g.shape().get(Column.N)).toList(),
                "q/k/v, o, the router");
        assertEquals("qgemv/fp16", moe.stream().filter(g -> g.shape().get(Column.N) == 8).findFirst().orElseThrow().check());
        List<BenchCase> experts = moe.stream().filter(g -> g.suite().equals("qgemv") && g.kernel().equals("qgemv") && g.shape().get(Column.BATCH) < 128).toList();
        // 8 (1 - (6/8)^128) experts touched: a hair under 8, so 32.0000... rows each, timed at 32 and 33
        assertEquals(List.of(28672L, 28672L, 4096L, 4096L), experts.stream().map(g -> g.shape().get(Column.N)).toList(), "gate_up, down");
        assertEquals(List.of(32L, 33L, 32L, 33L), experts.stream().map(g -> g.shape().get(Column.BATCH)).toList());
    }
}
