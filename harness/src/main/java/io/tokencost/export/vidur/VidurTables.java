package io.tokencost.export.vidur;

import io.tokencost.cost.ModelSpec;
import io.tokencost.export.ExportFiles;
import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;
import io.tokencost.results.Rows;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Vidur's mlp.csv and attention.csv rows for one model from measured rows at its shapes: times in
 * ms (min, mean, median from the row; max and std are not in results.csv), shapes as Vidur's loader
 * filters them (full-model heads, tensor parallel 1, block size 16).
 */
final class VidurTables {

    /** mlp.csv's ops in Vidur's column order. */
    static final List<String> MLP_OPS = List.of("emb", "input_layernorm", "attn_pre_proj", "attn_rope", "attn_post_proj", "post_attention_layernorm",
            "mlp_up_proj", "mlp_act", "mlp_down_proj", "add");
    static final List<String> MLP_SHAPE = List.of("n_head", "n_kv_head", "n_embd", "n_expanded_embd", "vocab_size", "use_gated_mlp", "num_tokens",
            "num_tensor_parallel_workers");
    static final List<String> ATTENTION_OPS = List.of("attn_input_reshape", "attn_decode", "attn_output_reshape", "attn_prefill");
    static final List<String> ATTENTION_SHAPE = List.of("n_embd", "n_q_head", "n_kv_head", "block_size", "num_tensor_parallel_workers", "max_model_len",
            "batch_size", "prefill_chunk_size", "kv_cache_size", "is_prefill", "attention_backend");
    static final List<String> STATS = List.of("min", "max", "mean", "median", "std");
    /** Vidur's default block size, which its loader filters attention rows by; the decode kernel's KV pages are 16 tokens too. */
    static final int BLOCK_SIZE = 16;

    /** Vidur's op → the linear layer of {@link ModelSpec#linearLayers()} or the ops-grid suite's single op that measures it; the rest are zeros. */
    static final Map<String, String> MEASURED_BY = Map.of("attn_pre_proj", "qkv", "attn_post_proj", "o", "mlp_up_proj", "gate_up",
            "mlp_down_proj", "down", "input_layernorm", "add_rmsnorm", "post_attention_layernorm", "add_rmsnorm", "attn_rope", "rope_qkv",
            "mlp_act", "swiglu");

    private VidurTables() {
    }

    static List<String> mlpHeader() {
        List<String> h = statColumns(MLP_OPS);
        h.addAll(MLP_SHAPE);
        return h;
    }

    static List<String> attentionHeader() {
        List<String> h = statColumns(ATTENTION_OPS);
        h.addAll(ATTENTION_SHAPE);
        return h;
    }

    private static List<String> statColumns(List<String> ops) {
        List<String> h = new ArrayList<>();
        for (String op : ops) {
            for (String s : STATS) {
                h.add("time_stats." + op + "." + s);
            }
        }
        return h;
    }

    /** mlp.csv's rows, largest token count first as Vidur's profiles list them; the token counts written; those left out with the ops they lack. */
    record Mlp(List<List<String>> rows, List<Integer> tokens, List<String> incomplete, int noisy) {
    }

    static Mlp mlp(List<ResultRow> rows, ModelSpec m) {
        TreeMap<Integer, Map<String, ResultRow>> byTokens = new TreeMap<>();
        for (ResultRow r : rows) {
            opOf(r, m).ifPresent(op -> {
                Column tokens = r.get(Column.SUITE).equals("ops") ? Column.SEQ_LEN : r.get(Column.SUITE).equals("gemm") ? Column.M : Column.BATCH;
                // the faster kernel where a shape has both (qgemv and the GEMM), as an engine's autotuner picks
                byTokens.computeIfAbsent((int) ExportFiles.shape(r, tokens), t -> new TreeMap<>()).merge(op, r,
                        (a, b) -> a.number(Column.TIME_MEDIAN_S) <= b.number(Column.TIME_MEDIAN_S) ? a : b);
            });
        }
        List<List<String>> out = new ArrayList<>();
        List<Integer> tokens = new ArrayList<>();
        List<String> incomplete = new ArrayList<>();
        int noisy = 0;
        for (Map.Entry<Integer, Map<String, ResultRow>> e : byTokens.descendingMap().entrySet()) {
            List<String> missing = MEASURED_BY.values().stream().distinct().filter(op -> !e.getValue().containsKey(op)).sorted().toList();
            if (!missing.isEmpty()) {
                incomplete.add(e.getKey() + " (no " + String.join(", ", missing) + " row)");
                continue;
            }
            List<String> row = new ArrayList<>();
            for (String op : MLP_OPS) {
                String measuredBy = MEASURED_BY.get(op);
                row.addAll(measuredBy == null ? zeros() : stats(e.getValue().get(measuredBy)));
            }
            row.addAll(List.of(Integer.toString(m.heads()), Integer.toString(m.kvHeads()), Integer.toString(m.hidden()), Integer.toString(m.ffn()),
                    Integer.toString(m.vocab()), "True", Integer.toString(e.getKey()), "1"));
            out.add(row);
            tokens.add(0, e.getKey());
            noisy += (int) e.getValue().values().stream().filter(ExportFiles::noisy).count();
        }
        return new Mlp(out, tokens, incomplete, noisy);
    }

    /** The linear layer or single op a row measures at this model's shapes (fp16), if any. */
    private static Optional<String> opOf(ResultRow r, ModelSpec m) {
        String kernel = r.get(Column.KERNEL);
        if (r.get(Column.SUITE).equals("ops") && MEASURED_BY.containsValue(kernel)) {
            boolean shape = r.number(Column.N) == m.hidden() && r.number(Column.K) == m.ffn() && r.number(Column.HEADS) == m.heads()
                    && r.number(Column.KV_HEADS) == m.kvHeads() && r.number(Column.HEAD_DIM) == m.headDim();
            return shape ? Optional.of(kernel) : Optional.empty();
        }
        boolean gemm = Rows.is(r, "gemm", "gemm") && r.get(Column.DTYPE).equals("fp16");
        boolean gemv = Rows.is(r, "qgemv", "qgemv") && r.get(Column.WEIGHT_FORMAT).equals("fp16");
        if (!gemm && !gemv) {
            return Optional.empty();
        }
        return m.linearLayers().stream().filter(l -> r.number(Column.N) == l.rows() && r.number(Column.K) == l.cols()).map(ModelSpec.Linear::name)
                .findFirst();
    }

    /**
     * attention.csv's rows: decode (prefill_chunk_size 0) by batch and context, then prefill by prompt, each ascending. A decode row's
     * kv_cache_size is the tokens cached before the step (Vidur's processed tokens): the context attended less the new token.
     */
    record Attention(List<List<String>> rows, int decodes, int prefills, int maxBatch, int maxContext, int maxPrompt, int noisy) {
    }

    static Attention attention(List<ResultRow> rows, ModelSpec m) {
        Predicate<ResultRow> heads = r -> r.number(Column.HEADS) == m.heads() && r.number(Column.KV_HEADS) == m.kvHeads()
                && r.number(Column.HEAD_DIM) == m.headDim();
        List<ResultRow> decode = rows.stream().filter(heads).filter(r -> Rows.is(r, "attention", "decode") && r.get(Column.WEIGHT_FORMAT).equals("fp16"))
                .sorted(Comparator.comparingDouble((ResultRow r) -> r.number(Column.BATCH)).thenComparingDouble(r -> r.number(Column.CONTEXT))).toList();
        List<ResultRow> prefill = rows.stream().filter(heads).filter(r -> Rows.is(r, "attention", "prefill") && r.get(Column.DTYPE).equals("fp16")
                && r.number(Column.BATCH) == 1).sorted(Comparator.comparingDouble(r -> r.number(Column.SEQ_LEN))).toList();
        int maxBatch = (int) decode.stream().mapToLong(r -> ExportFiles.shape(r, Column.BATCH)).max().orElse(0);
        int maxContext = (int) decode.stream().mapToLong(r -> ExportFiles.shape(r, Column.CONTEXT)).max().orElse(0);
        int maxPrompt = (int) prefill.stream().mapToLong(r -> ExportFiles.shape(r, Column.SEQ_LEN)).max().orElse(0);
        // not read by Vidur's predictor: the longest sequence the grid measured
        String maxModelLen = Integer.toString(Math.max(maxContext, maxPrompt));
        List<List<String>> out = new ArrayList<>();
        for (ResultRow r : decode) {
            List<String> row = new ArrayList<>(zeros());
            row.addAll(stats(r));
            row.addAll(zeros());
            row.addAll(empty());
            row.addAll(attentionShape(m, maxModelLen, ExportFiles.shape(r, Column.BATCH), 0, ExportFiles.shape(r, Column.CONTEXT) - 1, false));
            out.add(row);
        }
        for (ResultRow r : prefill) {
            List<String> row = new ArrayList<>(zeros());
            row.addAll(empty());
            row.addAll(zeros());
            row.addAll(stats(r));
            row.addAll(attentionShape(m, maxModelLen, 1, ExportFiles.shape(r, Column.SEQ_LEN), 0, true));
            out.add(row);
        }
        int noisy = (int) (decode.stream().filter(ExportFiles::noisy).count() + prefill.stream().filter(ExportFiles::noisy).count());
        return new Attention(out, decode.size(), prefill.size(), maxBatch, maxContext, maxPrompt, noisy);
    }

    private static List<String> attentionShape(ModelSpec m, String maxModelLen, long batch, long chunk, long kv, boolean prefill) {
        return List.of(Integer.toString(m.hidden()), Integer.toString(m.heads()), Integer.toString(m.kvHeads()), Integer.toString(BLOCK_SIZE), "1",
                maxModelLen, Long.toString(batch), Long.toString(chunk), Long.toString(kv), prefill ? "True" : "False", "tokencost");
    }

    /** min, max, mean, median, std in ms: results.csv keeps the min, mean and median; max and std stay empty (Vidur reads the median). */
    private static List<String> stats(ResultRow r) {
        return List.of(ms(r, Column.TIME_MIN_S), "", ms(r, Column.TIME_MEAN_S), ExportFiles.number(ExportFiles.medianMs(r)), "");
    }

    private static String ms(ResultRow r, Column c) {
        return r.has(c) ? ExportFiles.number(r.number(c) * 1e3) : "";
    }

    private static List<String> zeros() {
        return List.of("0", "0", "0", "0", "0");
    }

    private static List<String> empty() {
        return List.of("", "", "", "", "");
    }
}
