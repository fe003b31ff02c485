package io.tokencost.export.llmanalysis;

import io.tokencost.cost.WeightFormat;
import io.tokencost.estimate.Interconnect;
import io.tokencost.estimate.SyntheticRuns;
import io.tokencost.export.ExportOptions;
import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;
import io.tokencost.results.RunResults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LlmAnalysisFormatD841e40Test {

    @Test
    void theConfigHoldsExactlyLlmAnalysisFieldsFilledWithMeasuredCeilings() {
        LlmAnalysisFormatD841e40.Export e = LlmAnalysisFormatD841e40.of(SyntheticRuns.rows("NVIDIA H100 80GB HBM3", 80L << 30), WeightFormat.INT4_G128);
        Map<String, Object> c = e.gpuConfig();
        // llm-analysis builds GPUConfig(**json): these fields and no others
        assertEquals(List.of("name", "mem_per_GPU_in_GB", "hbm_bandwidth_in_GB_per_sec", "intra_node_bandwidth_in_GB_per_sec",
                "intra_node_min_message_latency", "peak_fp16_TFLOPS", "peak_i8_TFLOPS", "peak_i4_TFLOPS", "inter_node_bandwidth_in_GB_per_sec"),
                List.copyOf(c.keySet()));
        assertEquals("tokencost-nvidia-h100-80gb-hbm3", e.name());
        assertEquals(80.0, c.get("mem_per_GPU_in_GB"));
        assertEquals(100.0, c.get("hbm_bandwidth_in_GB_per_sec"), "the measured read ceiling, 100 GB/s");
        assertEquals(1.0, c.get("peak_fp16_TFLOPS"), "the best gemm row, 1 TFLOP/s");
        assertEquals(450.0, c.get("intra_node_bandwidth_in_GB_per_sec"), "the catalog's NVLink figure, labelled an assumption");
        assertEquals(0.5, e.hbmMemoryEfficiency(), 1e-12, "int4 qgemv at 50 GB/s over the 100 GB/s ceiling");
        assertEquals(1.0, e.flopsEfficiency(), 1e-12);
        assertEquals("--gpu_name tokencost-nvidia-h100-80gb-hbm3 --hbm_memory_efficiency 0.500 --flops_efficiency 1.000", e.flags());
        assertTrue(e.provenance().stream().anyMatch(p -> p.startsWith("intra_node_*: ASSUMED")), e.provenance().toString());
    }

    /**
     * llm-analysis divides by the bandwidths and peaks (its time_allgather: S·(n−1)/(B·n)): every one
     * is positive for a catalogued GPU, a host and a GPU the catalog does not name, each said to be
     * assumed, and the all-gather of 1 GB over 8 devices comes out finite on both links.
     */
    @Test
    void everyFigureLlmAnalysisDividesByIsPositiveAndSaysWhereItCameFrom() {
        for (String device : List.of("NVIDIA H100 80GB HBM3", "AMD EPYC 9654 96-Core Processor", "NVIDIA RTX PRO 6000 Blackwell")) {
            LlmAnalysisFormatD841e40.Export e = LlmAnalysisFormatD841e40.of(SyntheticRuns.rows(device, 80L << 30), WeightFormat.FP16);
            Map<String, Object> c = e.gpuConfig();
            for (String field : List.of("mem_per_GPU_in_GB", "hbm_bandwidth_in_GB_per_sec", "intra_node_bandwidth_in_GB_per_sec", "peak_fp16_TFLOPS",
                    "peak_i8_TFLOPS", "peak_i4_TFLOPS", "inter_node_bandwidth_in_GB_per_sec")) {
                assertTrue(((Number) c.get(field)).doubleValue() > 0, device + ": " + field + " = " + c.get(field));
            }
            for (String link : List.of("intra_node_bandwidth_in_GB_per_sec", "inter_node_bandwidth_in_GB_per_sec")) {
                double bandwidth = ((Number) c.get(link)).doubleValue() * 1e9;
                double allGather = 1e9 * (8 - 1) / (bandwidth * 8);
                assertTrue(Double.isFinite(allGather) && allGather > 0, device + ": time_allgather over " + link + " = " + allGather);
            }
            assertTrue(e.provenance().stream().anyMatch(p -> p.startsWith("intra_node_*: ASSUMED"))
                    && e.provenance().stream().anyMatch(p -> p.startsWith("inter_node_bandwidth_in_GB_per_sec: ASSUMED")), e.provenance().toString());
        }
        assertEquals(32.0, LlmAnalysisFormatD841e40.of(SyntheticRuns.rows("AMD EPYC 9654 96-Core Processor", 80L << 30), WeightFormat.FP16).gpuConfig()
                .get("intra_node_bandwidth_in_GB_per_sec"), "a host: one socket link, assumed");
        assertTrue(Interconnect.lookup("AMD EPYC 9654 96-Core Processor").isEmpty(), "the estimator's tensor parallel takes no default");
    }

    @Test
    void missingRowsAreNamed() {
        var rows = SyntheticRuns.rows("x", 1L << 30);
        IllegalArgumentException noGemm = assertThrows(IllegalArgumentException.class,
                () -> LlmAnalysisFormatD841e40.of(rows.stream().filter(r -> !r.get(Column.SUITE).equals("gemm")).toList(), WeightFormat.FP16));
        assertTrue(noGemm.getMessage().contains("no 16-bit gemm rows"), noGemm.getMessage());
        IllegalArgumentException noGemv = assertThrows(IllegalArgumentException.class,
                () -> LlmAnalysisFormatD841e40.of(rows.stream().filter(r -> !r.get(Column.SUITE).equals("qgemv")).toList(), WeightFormat.INT8));
        assertTrue(noGemv.getMessage().contains("no batch-1 qgemv row for int8"), noGemv.getMessage());
    }

    /**
     * llm-analysis's inference path on the export (its analysis.py of mid-2024, 08d7f8f, restated for
     * tp = pp = dp = 1, fp16 weights and activations): per layer max(compute, memory) of attention and
     * the MLP, two layernorms, the sharded-dp all-gather (which divides by the intra-node bandwidth even
     * at dp 1), the embeddings; decode one token plus the KV cache read and written. Every division is
     * by an exported figure times a flag: the latencies come out finite, and decode at least the weights' stream.
     */
    @Test
    void llmAnalysisDecodeAndPrefillLatenciesRunOnTheExport() throws Exception {
        List<ResultRow> reference = RunResults.of(
                List.of(Path.of("../results/reference/cpu-dev-vm/gemm-qgemv-quick"))).rows();
        for (List<ResultRow> rows : List.of(SyntheticRuns.rows("NVIDIA H100 80GB HBM3", 80L << 30), reference)) {
            LlmAnalysisFormatD841e40.Export e = LlmAnalysisFormatD841e40.of(rows, WeightFormat.FP16);
            Map<String, Object> c = e.gpuConfig();
            double bw = ((Number) c.get("hbm_bandwidth_in_GB_per_sec")).doubleValue() * e.hbmMemoryEfficiency() * 1e9;
            double flops = ((Number) c.get("peak_fp16_TFLOPS")).doubleValue() * e.flopsEfficiency() * 1e12;
            double intra = ((Number) c.get("intra_node_bandwidth_in_GB_per_sec")).doubleValue() * 1e9;
            // Llama-3.1-8B: h 4096, f 14336, 32 heads, 8 kv heads, vocab 128256, 32 layers; batch 1, prompt 128, 32 tokens out
            double h = 4096, f = 14336, heads = 32, kv = 8, vocab = 128256, layers = 32, b = 1, s = 128, n = 32;
            java.util.function.DoubleUnaryOperator forward = seq -> {
                double g = heads / kv;
                double attn = Math.max((4 * b * seq * h * h + 4 * b * seq * h * h / g + 4 * b * seq * seq * h) / flops,
                        ((2 * h * h + 2 * h * (h * kv / heads)) * 2 + Math.max(3 * 2 * seq * b * h, (2 * seq * b * h + 4 * heads * seq * b) * 2)) / bw);
                double mlp = Math.max(4 * b * seq * h * h * (f / h) / flops, (2 * h * f * 2 + Math.max(2, 2 * f / h) * seq * b * h) / bw);
                double layernorm = seq * b * h * 4 / bw;
                double allGather = 2 * h * f * 2 * (1 - 1) / (intra * 1);
                double layer = Math.max(attn + mlp + 2 * layernorm, allGather);
                return layers * layer + vocab * h * 2 / bw + 2 * seq * b * vocab * h / flops;
            };
            double prefill = forward.applyAsDouble(s);
            double kvCache = 2 * b * (s + n) * (h / heads) * kv * 2 * layers;
            double decode = forward.applyAsDouble(1) + 2 * kvCache / bw;
            assertTrue(Double.isFinite(prefill) && prefill > 0 && Double.isFinite(decode) && decode > 0, e.name() + ": prefill " + prefill + " decode " + decode);
            double weights = layers * (2 * h * h + 2 * h * h * kv / heads + 2 * h * f) * 2;
            assertTrue(decode >= weights / bw, e.name() + ": decode " + decode + " s under the weights' stream " + weights / bw + " s");
        }
    }

    /** The ceilings llm-analysis takes may come from runs of several harness versions (the default reads every run of the device). */
    @Test
    void runsOfSeveralVersionsExport(@TempDir Path dir) throws Exception {
        List<ResultRow> rows = new ArrayList<>(SyntheticRuns.rows("NVIDIA H100 80GB HBM3", 80L << 30));
        rows.forEach(r -> r.set(Column.VERIFIED, "true").set(Column.HARNESS_VERSION, "0.1.0"));
        rows.get(0).set(Column.HARNESS_VERSION, "0.0.9");
        var written = new LlmAnalysisFormatD841e40().write(rows, new ExportOptions(WeightFormat.FP16, null, null, "vllm", "rows"), dir);
        assertTrue(Files.readString(written.files().get(1)).startsWith("written for llm-analysis d841e40 by LlmAnalysisFormatD841e40"));
    }
}
