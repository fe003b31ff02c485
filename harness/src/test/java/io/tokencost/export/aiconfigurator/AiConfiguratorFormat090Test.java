package io.tokencost.export.aiconfigurator;

import io.tokencost.cost.WeightFormat;
import io.tokencost.export.ExportOptions;
import io.tokencost.export.GoldenFiles;
import io.tokencost.export.HandMadeRows;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AiConfiguratorFormat090Test {

    private static final String SYSTEM = "nvidia_h100_80gb_hbm3";
    private static final String VERSION = "tokencost-0.1.0";

    @TempDir
    Path dir;

    private static ExportOptions options(String framework) {
        return new ExportOptions(WeightFormat.FP16, null, null, framework, "hand-made rows");
    }

    @Test
    void handMadeRowsWriteTheGoldenDatabase() throws Exception {
        new AiConfiguratorFormat090().write(HandMadeRows.kernelRows(), options("vllm"), dir);
        GoldenFiles.assertMatches("aiconfigurator-0.9.0", dir);
        Path gemm = dir.resolve("systems/data/" + SYSTEM + "/gemm/vllm/" + VERSION + "/gemm_perf.txt");
        assertEquals("framework,version,device,op_name,kernel_source,gemm_dtype,m,n,k,latency", Files.readAllLines(gemm).get(0));
        for (String table : List.of("context_attention_perf.txt", "generation_attention_perf.txt")) {
            assertEquals("framework,version,device,op_name,kernel_source,batch_size,isl,num_heads,num_key_value_heads,head_dim,window_size,beam_width,"
                    + "attn_dtype,kv_cache_dtype,step,latency", Files.readAllLines(dir.resolve("systems/data/" + SYSTEM + "/attention/vllm/" + VERSION)
                    .resolve(table)).get(0));
        }
    }

    /** Read back by AIConfigurator's rules: every measured row where its loader looks it up, in ms; nothing else. */
    @Test
    void theLoaderFindsEachMeasuredRowUnderItsKey() throws Exception {
        new AiConfiguratorFormat090().write(HandMadeRows.kernelRows(), options("sglang"), dir);
        AiConfiguratorLoader db = new AiConfiguratorLoader(dir.resolve("systems"), SYSTEM, "sglang", VERSION);
        assertEquals(0.25, db.gemm.get("bfloat16").get(512L).get(4096L).get(4096L), "the bf16 row, not the fp16 one of its shape");
        assertEquals(0.9, db.gemm.get("bfloat16").get(2048L).get(4096L).get(4096L), "fp16 stands in where no bf16 row has the shape");
        assertEquals(0.012, db.gemm.get("bfloat16").get(1L).get(4096L).get(4096L), "qgemv fp16 batch 1: m = 1");
        assertEquals(0.007, db.gemm.get("int8_wo").get(1L).get(4096L).get(4096L));
        assertEquals(0.0045, db.gemm.get("int4_wo").get(16L).get(4096L).get(4096L));
        assertNull(db.gemm.get("int4_wo").get(1L), "a row that failed verification is not written");
        assertEquals(3, db.gemm.size(), "no fp32 entry: " + db.gemm.keySet());

        assertEquals(0.11, db.context.get(List.of("bfloat16", "bfloat16", 8L, 128L, 0L, 32L, 512L, 1L)));
        assertEquals(1.6, db.context.get(List.of("bfloat16", "bfloat16", 8L, 128L, 0L, 32L, 2048L, 2L)));
        assertEquals(2, db.context.size());
        assertEquals(0.021, db.generation.get(List.of("bfloat16", 8L, 128L, 0L, 32L, 1L, 1024L)), "keyed by isl + step = the context attended");
        assertEquals(0.15, db.generation.get(List.of("int8", 8L, 128L, 0L, 32L, 16L, 8192L)));
        assertEquals(2, db.generation.size());

        assertEquals(3.0e12, db.system.at("/gpu/mem_bw").asDouble(), "the measured read rate");
        assertEquals(7.6e14, db.system.at("/gpu/bfloat16_tc_flops").asDouble(), "the best 16-bit gemm row");
        assertEquals(80L << 30, db.system.at("/gpu/mem_capacity").asLong());
        assertEquals(90, db.system.at("/gpu/sm_version").asInt());
        assertTrue(db.system.at("/gpu/fp8_tc_flops").isMissingNode(), "fp8 is not measured");
        assertEquals(0, db.system.at("/misc/nccl_mem/1").asLong(), "no NCCL buffers at tensor parallel 1");
        String readme = Files.readString(dir.resolve("README.md"));
        assertTrue(readme.contains("--backend sglang --backend-version " + VERSION) && readme.contains("fp16 stands in for bfloat16** in 4 rows"), readme);
    }

    @Test
    void badInputNamesWhatToRun() {
        List<ResultRow> noAttention = HandMadeRows.kernelRows().stream().filter(r -> !r.get(Column.SUITE).equals("attention")).toList();
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> new AiConfiguratorFormat090().write(noAttention, options("vllm"), dir));
        assertEquals("the results hold no attention rows for AIConfigurator's attention tables (run --suite attention)", a.getMessage());
        List<ResultRow> noGemm = HandMadeRows.kernelRows().stream().filter(r -> !r.get(Column.SUITE).matches("gemm|qgemv")).toList();
        IllegalArgumentException g = assertThrows(IllegalArgumentException.class, () -> new AiConfiguratorFormat090().write(noGemm, options("vllm"), dir));
        assertTrue(g.getMessage().endsWith("(run --suite gemm,qgemv)"), g.getMessage());
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
                () -> new AiConfiguratorFormat090().write(HandMadeRows.kernelRows(), options("tgi"), dir));
        assertTrue(f.getMessage().startsWith("--framework must be vllm, sglang or trtllm"), f.getMessage());
        List<ResultRow> noRead = HandMadeRows.kernelRows().stream().filter(r -> !r.get(Column.SUITE).equals("memory")).toList();
        IllegalArgumentException r = assertThrows(IllegalArgumentException.class, () -> new AiConfiguratorFormat090().write(noRead, options("vllm"), dir));
        assertTrue(r.getMessage().startsWith("the results hold no memory/read row"), r.getMessage());
        List<ResultRow> mixed = new ArrayList<>(HandMadeRows.kernelRows());
        mixed.set(1, mixed.get(1).set(Column.HARNESS_VERSION, "0.0.9"));
        IllegalArgumentException v = assertThrows(IllegalArgumentException.class, () -> new AiConfiguratorFormat090().write(mixed, options("vllm"), dir));
        assertTrue(v.getMessage().startsWith("the rows come from more than one harness_version (0.1.0, 0.0.9)"), v.getMessage());
        List<ResultRow> unverified = HandMadeRows.kernelRows().stream().map(x -> x.set(Column.VERIFIED, "false")).toList();
        IllegalArgumentException u = assertThrows(IllegalArgumentException.class, () -> new AiConfiguratorFormat090().write(unverified, options("vllm"), dir));
        assertTrue(u.getMessage().startsWith("none of the 15 rows is a verified measurement"), u.getMessage());
        assertFalse(Files.exists(dir.resolve("systems")), "nothing written on bad input");
    }

    /** A decode over one token of context: nothing cached before it, step 0; a row without its context is refused, not keyed 0. */
    @Test
    void decodeStepIsTheTokensCachedBeforeIt() {
        ResultRow one = HandMadeRows.row("attention", "decode", "fp16", "int8", 0.01, Map.of(Column.BATCH, 1L, Column.CONTEXT, 1L,
                Column.HEADS, 8L, Column.KV_HEADS, 8L, Column.HEAD_DIM, 64L));
        List<String> row = AiConfiguratorTables.of(List.of(one), "d", "v").generation().get(0);
        assertEquals("0", row.get(AiConfiguratorTables.ATTENTION_HEADER.indexOf("step")));
        assertEquals("1", row.get(AiConfiguratorTables.ATTENTION_HEADER.indexOf("isl")));
        ResultRow noContext = HandMadeRows.row("attention", "decode", "fp16", "int8", 0.01, Map.of(Column.BATCH, 1L, Column.HEADS, 8L,
                Column.KV_HEADS, 8L, Column.HEAD_DIM, 64L));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AiConfiguratorTables.of(List.of(noContext), "d", "v"));
        assertTrue(e.getMessage().startsWith("a row of attention/decode has no whole context"), e.getMessage());
    }

    /** The CPU reference rows of every kernel suite: a complete database, each latency a row's median. */
    @Test
    void theCpuReferenceRunExportsAndReadsBack() throws Exception {
        RunResults runs = RunResults.of(List.of(Path.of("../results/reference/cpu-dev-vm/all-suites-quick")));
        new AiConfiguratorFormat090().write(runs.rows(), new ExportOptions(WeightFormat.FP16, "cpu_dev_vm", null, "vllm", runs.files().toString()), dir);
        AiConfiguratorLoader db = new AiConfiguratorLoader(dir.resolve("systems"), "cpu_dev_vm", "vllm", VERSION);
        ResultRow bf16 = runs.rows().stream().filter(r -> r.get(Column.SUITE).equals("gemm") && r.get(Column.DTYPE).equals("bf16")
                && r.number(Column.M) == 512).findFirst().orElseThrow();
        assertEquals(bf16.number(Column.TIME_MEDIAN_S) * 1e3, db.gemm.get("bfloat16").get(512L).get(4096L).get(4096L), 1e-5 * bf16.number(Column.TIME_MEDIAN_S) * 1e3);
        assertEquals(List.of("bfloat16", "int4_wo", "int8_wo"), List.copyOf(db.gemm.keySet()));
        assertEquals(2, db.context.size(), "the two bf16 prompts");
        assertEquals(12, db.generation.size(), "fp16 and int8 KV at 2 batches x 3 contexts");
        assertTrue(db.system.at("/gpu/sm_version").isMissingNode(), "a host has no compute capability");
    }
}
