package io.tokencost.export.vidur;

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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VidurFormat001Test {

    @TempDir
    Path dir;

    @TempDir
    Path configs;

    private ExportOptions options(String model) {
        return new ExportOptions(WeightFormat.FP16, null, model, "vllm", "hand-made rows");
    }

    @Test
    void handMadeRowsWriteTheGoldenProfiles() throws Exception {
        new VidurFormat001().write(HandMadeRows.opsGridRows(), options(HandMadeRows.tinyConfig(configs).toString()), dir);
        GoldenFiles.assertMatches("vidur-0.0.1", dir);
        Path folder = dir.resolve("data/profiling/compute/nvidia_h100_80gb_hbm3/test-org/tiny");
        List<String> mlp = new ArrayList<>();
        for (String op : List.of("emb", "input_layernorm", "attn_pre_proj", "attn_rope", "attn_post_proj", "post_attention_layernorm", "mlp_up_proj",
                "mlp_act", "mlp_down_proj", "add")) {
            for (String s : List.of("min", "max", "mean", "median", "std")) {
                mlp.add("time_stats." + op + "." + s);
            }
        }
        mlp.addAll(List.of("n_head", "n_kv_head", "n_embd", "n_expanded_embd", "vocab_size", "use_gated_mlp", "num_tokens", "num_tensor_parallel_workers"));
        assertEquals(String.join(",", mlp), Files.readAllLines(folder.resolve("mlp.csv")).get(0));
        List<String> attention = new ArrayList<>();
        for (String op : List.of("attn_input_reshape", "attn_decode", "attn_output_reshape", "attn_prefill")) {
            for (String s : List.of("min", "max", "mean", "median", "std")) {
                attention.add("time_stats." + op + "." + s);
            }
        }
        attention.addAll(List.of("n_embd", "n_q_head", "n_kv_head", "block_size", "num_tensor_parallel_workers", "max_model_len", "batch_size",
                "prefill_chunk_size", "kv_cache_size", "is_prefill", "attention_backend"));
        assertEquals(String.join(",", attention), Files.readAllLines(folder.resolve("attention.csv")).get(0));
    }

    /** Read back by Vidur's rules: each op's median per token count (the faster kernel where two ran), attention per batch and context, per prompt. */
    @Test
    void vidursLoaderTrainsOnEveryMeasuredPoint() throws Exception {
        new VidurFormat001().write(HandMadeRows.opsGridRows(), options(HandMadeRows.tinyConfig(configs).toString()), dir);
        VidurLoader v = new VidurLoader(dir, "nvidia_h100_80gb_hbm3", "test-org/tiny", 8, 2, 1024, 2048, 4096, 1);
        assertEquals(List.of(1L, 2L, 64L, 128L), List.copyOf(v.mlp.get("attn_pre_proj").keySet()), "256 lacks the small ops: left out");
        // the hand-made times: 0.01 ms x the product's index, 0.001 ms x the small op's, counted token count by token count
        assertEquals(0.01, v.mlp.get("attn_pre_proj").get(1L), 1e-12);
        assertEquals(0.04, v.mlp.get("mlp_down_proj").get(1L), 1e-12);
        assertEquals(0.001 * 5, v.mlp.get("input_layernorm").get(1L), 1e-12);
        assertEquals(0.001 * 5, v.mlp.get("post_attention_layernorm").get(1L), 1e-12, "both norms are an add_rmsnorm");
        assertEquals(0.001 * 6, v.mlp.get("attn_rope").get(1L), 1e-12);
        assertEquals(0.001 * 7, v.mlp.get("mlp_act").get(1L), 1e-12);
        assertEquals(0.0, v.mlp.get("add").get(1L), "the residual add is in the norms");
        assertEquals(0.01 * 15 / 2, v.mlp.get("attn_pre_proj").get(64L), 1e-12, "at 64 tokens the GEMM (half qgemv's time) is taken");
        assertEquals(0.01 * 23, v.mlp.get("attn_post_proj").get(128L), 1e-12);
        assertEquals(4, v.decode.size());
        assertEquals(0.001 * 4 * 1024 / 64, v.decode.get(List.of(4L, 1023L)), 1e-12, "kv_cache_size: the tokens cached before the step");
        assertEquals(0.2, v.prefill.get(List.of(0L, 128L)), "fp16, not the bf16 row");
        assertEquals(0.03, v.prefill.get(List.of(0L, 32L)));
        // another tensor parallel degree or model config finds nothing
        assertThrows(IllegalStateException.class, () -> new VidurLoader(dir, "nvidia_h100_80gb_hbm3", "test-org/tiny", 8, 2, 1024, 2048, 4096, 2));
        assertThrows(IllegalStateException.class, () -> new VidurLoader(dir, "nvidia_h100_80gb_hbm3", "test-org/tiny", 8, 2, 1024, 2048, 32000, 1));
        String snippet = Files.readString(dir.resolve("vidur_config.py"));
        assertTrue(snippet.contains("return \"test-org/tiny\"") && snippet.contains("vocab_size: int = 4096")
                && snippet.contains("#     NVIDIA_H100_80GB_HBM3 = <n>") && snippet.contains("fp16_tflops: int = 400  # measured")
                && snippet.contains("total_memory_gb: int = 80"), snippet);
    }

    /** A device is Vidur's own only when the user names it: then nothing to add for it, and the README says the copy merges into its profiles. */
    @Test
    void vidursOwnDeviceOnlyByName() throws Exception {
        new VidurFormat001().write(HandMadeRows.opsGridRows(), new ExportOptions(WeightFormat.FP16, "h100", HandMadeRows.tinyConfig(configs).toString(),
                "vllm", "rows"), dir);
        assertTrue(Files.readString(dir.resolve("vidur_config.py")).contains("h100 is one of Vidur's devices: nothing to add"));
        assertTrue(Files.readString(dir.resolve("README.md")).contains("`h100` is one of Vidur's own devices: the copy merges into its shipped profiles"));
        assertTrue(Files.isRegularFile(dir.resolve("data/profiling/compute/h100/test-org/tiny/mlp.csv")));
    }

    /** A local checkpoint's config names the model by its path: the profiles stay under --out, in a folder named by the model. */
    @Test
    void aPathAsTheModelsNameNeverLeadsOutOfTheOutputFolder() throws Exception {
        Path config = Files.writeString(configs.resolve("config.json"), Files.readString(HandMadeRows.tinyConfig(configs))
                .replace("test-org/tiny", configs.resolve("checkpoints/my-tiny").toAbsolutePath().toString()));
        new VidurFormat001().write(HandMadeRows.opsGridRows(), options(config.toString()), dir);
        assertTrue(Files.isRegularFile(dir.resolve("data/profiling/compute/nvidia_h100_80gb_hbm3/my-tiny/mlp.csv")));
        assertTrue(Files.notExists(configs.resolve("checkpoints")), "nothing written where the config's path points");
        assertTrue(Files.readString(dir.resolve("vidur_config.py")).contains("return \"my-tiny\""));
    }

    @Test
    void badInputNamesWhatToRun() throws Exception {
        List<ResultRow> rows = HandMadeRows.opsGridRows();
        IllegalArgumentException noModel = assertThrows(IllegalArgumentException.class, () -> new VidurFormat001().write(rows, options(null), dir));
        assertTrue(noModel.getMessage().startsWith("vidur's tables are per model: give --model"), noModel.getMessage());
        IllegalArgumentException moe = assertThrows(IllegalArgumentException.class, () -> new VidurFormat001().write(rows, options("Mixtral-8x7B"), dir));
        assertEquals("Mixtral-8x7B is a mixture of experts: Vidur's mlp.csv models dense layers", moe.getMessage());
        IllegalArgumentException notMeasured = assertThrows(IllegalArgumentException.class, () -> new VidurFormat001().write(rows, options("Llama-3.1-8B"), dir));
        assertEquals("the results hold 0 token count(s) with every op of Llama-3.1-8B measured; Vidur fits each op on at least 2 "
                + "(run --suite ops-grid --model Llama-3.1-8B)", notMeasured.getMessage());
        String tiny = HandMadeRows.tinyConfig(configs).toString();
        List<ResultRow> noAttention = rows.stream().filter(r -> !r.get(Column.SUITE).equals("attention")).toList();
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> new VidurFormat001().write(noAttention, options(tiny), dir));
        assertTrue(a.getMessage().startsWith("the results hold 0 decode and 0 prefill attention rows at tiny's heads"), a.getMessage());
        assertTrue(Files.notExists(dir.resolve("data")), "nothing written on bad input");
    }

    /** The CPU reference run of the ops-grid suite: complete profiles that Vidur's rules read back, each median a row's. */
    @Test
    void theCpuReferenceGridExportsAndReadsBack() throws Exception {
        RunResults runs = RunResults.of(List.of(Path.of("../results/reference/cpu-epyc-vm/ops-grid-llama-quick")));
        new VidurFormat001().write(runs.rows(), new ExportOptions(WeightFormat.FP16, "cpu_epyc_vm", "Llama-3.1-8B", "vllm", runs.files().toString()), dir);
        VidurLoader v = new VidurLoader(dir, "cpu_epyc_vm", "meta-llama/Llama-3.1-8B", 32, 8, 4096, 14336, 128256, 1);
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L, 512L), List.copyOf(v.mlp.get("mlp_up_proj").keySet()));
        ResultRow swiglu = runs.rows().stream().filter(r -> r.get(Column.KERNEL).equals("swiglu") && r.number(Column.SEQ_LEN) == 512).findFirst().orElseThrow();
        assertEquals(swiglu.number(Column.TIME_MEDIAN_S) * 1e3, v.mlp.get("mlp_act").get(512L), 1e-5 * swiglu.number(Column.TIME_MEDIAN_S) * 1e3);
        assertEquals(15, v.decode.size(), "batches 1-16 x contexts 256, 1024, 4096");
        assertEquals(5, v.prefill.size(), "prompts 32 to 512");
        assertTrue(Files.readString(dir.resolve("README.md")).matches("(?s).*- NOISY rows written from: [1-9][0-9]* .*"), "the CPU grid has noisy rows");
    }
}
