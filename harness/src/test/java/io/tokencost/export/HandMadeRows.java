package io.tokencost.export;

import io.tokencost.cost.ModelSpec;
import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Result rows made by hand for the exporters' golden files: one H100, round numbers, every row
 * verified unless said otherwise (one qgemv row noisy), and one each of what an exporter must leave out.
 */
public final class HandMadeRows {

    public static final String DEVICE = "NVIDIA H100 80GB HBM3";
    /** A dense model small enough to check by hand: hidden 1024, 8 q / 2 kv heads of 128, ffn 2048, vocab 4096. */
    public static final ModelSpec TINY = new ModelSpec("tiny", 1024, 2, 8, 2, 128, 2048, 4096, false, 0, 0, 0);

    private HandMadeRows() {
    }

    /** TINY's config.json, named test-org/tiny on the hub, written into {@code dir}. */
    public static Path tinyConfig(Path dir) throws IOException {
        return Files.writeString(dir.resolve("config.json"), """
                {"_name_or_path": "test-org/tiny", "hidden_size": 1024, "num_hidden_layers": 2, "num_attention_heads": 8,
                 "num_key_value_heads": 2, "head_dim": 128, "intermediate_size": 2048, "vocab_size": 4096}
                """);
    }

    public static ResultRow row(String suite, String kernel, String dtype, String format, double medianMs, Map<Column, Long> shape) {
        ResultRow r = new ResultRow().set(Column.SCHEMA_VERSION, Column.SCHEMA_VERSION_CURRENT).set(Column.RUN_ID, "20261207T000000Z-test-cuda0")
                .set(Column.HARNESS_VERSION, "0.1.0").set(Column.BACKEND, "cuda").set(Column.HOST, "test").set(Column.DEVICE_NAME, DEVICE)
                .set(Column.DEVICE_INDEX, 0).set(Column.COMPUTE_CAPABILITY, "9.0").set(Column.MEMORY_BYTES, 80L << 30)
                .set(Column.SUITE, suite).set(Column.KERNEL, kernel).set(Column.DTYPE, dtype).set(Column.WEIGHT_FORMAT, format)
                .set(Column.TIME_MEDIAN_S, medianMs / 1e3).set(Column.TIME_MIN_S, 0.9 * medianMs / 1e3).set(Column.TIME_MEAN_S, 1.1 * medianMs / 1e3)
                .set(Column.VERIFIED, "true");
        shape.forEach(r::set);
        return r;
    }

    /** The kernel suites' rows AIConfigurator's tables come from, with a stand-in, a duplicate, an fp32 row, an unverified and a ceiling row. */
    public static List<ResultRow> kernelRows() {
        List<ResultRow> rows = new ArrayList<>();
        rows.add(row("memory", "read", "fp32", "", 0.2, Map.of(Column.N, 150_000_000L)).set(Column.BYTES_PER_S, 3.0e12));
        rows.add(row("gemm", "gemm", "fp16", "fp16", 0.3, mnk(512, 4096, 4096)).set(Column.FLOPS_PER_S, 5.8e14));
        rows.add(row("gemm", "gemm", "bf16", "bf16", 0.25, mnk(512, 4096, 4096)).set(Column.FLOPS_PER_S, 6.9e14));
        rows.add(row("gemm", "gemm", "fp16", "fp16", 0.9, mnk(2048, 4096, 4096)).set(Column.FLOPS_PER_S, 7.6e14));
        rows.add(row("gemm", "gemm", "fp32", "fp32", 9.0, mnk(2048, 4096, 4096)).set(Column.FLOPS_PER_S, 7.6e13));
        rows.add(row("qgemv", "qgemv", "fp16", "fp16", 0.012, nkBatch(4096, 4096, 1)));
        rows.add(row("qgemv", "qgemv", "fp16", "int8", 0.007, nkBatch(4096, 4096, 1)).set(Column.NOISY, "yes"));
        rows.add(row("qgemv", "qgemv", "fp16", "int4_g128", 0.0045, nkBatch(4096, 4096, 16)));
        rows.add(row("qgemv", "qgemv", "fp16", "int4_g128", 0.0041, nkBatch(4096, 4096, 1)).set(Column.VERIFIED, "false"));
        rows.add(row("attention", "prefill", "bf16", "bf16", 0.11, attention(1, 512, 0)));
        rows.add(row("attention", "prefill", "fp16", "fp16", 0.12, attention(1, 512, 0)));
        rows.add(row("attention", "prefill", "fp16", "fp16", 1.6, attention(2, 2048, 0)));
        rows.add(row("attention", "decode", "fp16", "fp16", 0.021, attention(1, 0, 1024)));
        rows.add(row("attention", "decode", "fp16", "int8", 0.15, attention(16, 0, 8192)));
        rows.add(row("ceiling", "decode_ceiling:Llama-3.1-8B", "fp16", "fp16", 1, Map.of()).set(Column.TIME_MEDIAN_S, 0));
        return rows;
    }

    /**
     * TINY's ops grid: token counts 1, 2, 64 (qgemv, and at 64 a faster GEMM too) and 128 (GEMM; its o product noisy) with
     * every op; 256 with the products only (incomplete); decode attention at batches 1 and 4 x contexts
     * 256 and 1024 (and an int8 row, not Vidur's); prefill attention over 32 and 128 tokens (and a bf16 row).
     */
    public static List<ResultRow> opsGridRows() {
        List<ResultRow> rows = new ArrayList<>();
        rows.add(row("memory", "read", "fp32", "", 0.2, Map.of(Column.N, 150_000_000L)).set(Column.BYTES_PER_S, 3.0e12));
        int index = 0;
        for (int t : new int[] {1, 2, 64, 128, 256}) {
            for (ModelSpec.Linear l : TINY.linearLayers()) {
                index++;
                double ms = 0.01 * index;
                if (t <= 64) {
                    rows.add(row("qgemv", "qgemv", "fp16", "fp16", ms, nkBatch(l.rows(), l.cols(), t)));
                }
                if (t >= 64) {
                    rows.add(row("gemm", "gemm", "fp16", "fp16", t == 64 ? ms / 2 : ms, mnk(t, l.rows(), l.cols())).set(Column.FLOPS_PER_S, 1e14 * t / 64)
                            .set(Column.NOISY, t == 128 && l.name().equals("o") ? "yes" : "no"));
                }
            }
            if (t == 256) {
                continue;
            }
            for (String op : List.of("add_rmsnorm", "rope_qkv", "swiglu")) {
                index++;
                rows.add(row("ops", op, "fp16", "", 0.001 * index, Map.of(Column.SEQ_LEN, (long) t, Column.N, 1024L, Column.K, 2048L, Column.HEADS, 8L,
                        Column.KV_HEADS, 2L, Column.HEAD_DIM, 128L)));
            }
        }
        for (int batch : new int[] {1, 4}) {
            for (int context : new int[] {256, 1024}) {
                rows.add(row("attention", "decode", "fp16", "fp16", 0.001 * batch * context / 64, tinyAttention(batch, 0, context)));
            }
        }
        rows.add(row("attention", "decode", "fp16", "int8", 0.05, tinyAttention(4, 0, 1024)));
        rows.add(row("attention", "prefill", "fp16", "fp16", 0.03, tinyAttention(1, 32, 0)));
        rows.add(row("attention", "prefill", "fp16", "fp16", 0.2, tinyAttention(1, 128, 0)));
        rows.add(row("attention", "prefill", "bf16", "bf16", 0.19, tinyAttention(1, 128, 0)));
        return rows;
    }

    private static Map<Column, Long> mnk(long m, long n, long k) {
        return Map.of(Column.M, m, Column.N, n, Column.K, k);
    }

    private static Map<Column, Long> nkBatch(long n, long k, long batch) {
        return Map.of(Column.N, n, Column.K, k, Column.BATCH, batch);
    }

    /** Llama-3.1-8B's heads: 32 q, 8 kv, 128 wide. */
    private static Map<Column, Long> attention(long batch, long seq, long context) {
        return seq > 0 ? Map.of(Column.BATCH, batch, Column.SEQ_LEN, seq, Column.HEADS, 32L, Column.KV_HEADS, 8L, Column.HEAD_DIM, 128L)
                : Map.of(Column.BATCH, batch, Column.CONTEXT, context, Column.HEADS, 32L, Column.KV_HEADS, 8L, Column.HEAD_DIM, 128L);
    }

    private static Map<Column, Long> tinyAttention(long batch, long seq, long context) {
        return seq > 0 ? Map.of(Column.BATCH, batch, Column.SEQ_LEN, seq, Column.HEADS, 8L, Column.KV_HEADS, 2L, Column.HEAD_DIM, 128L)
                : Map.of(Column.BATCH, batch, Column.CONTEXT, context, Column.HEADS, 8L, Column.KV_HEADS, 2L, Column.HEAD_DIM, 128L);
    }
}
