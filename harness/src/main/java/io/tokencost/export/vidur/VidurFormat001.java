package io.tokencost.export.vidur;

import io.tokencost.cost.ModelPresets;
import io.tokencost.cost.ModelSpec;
import io.tokencost.export.ExportFiles;
import io.tokencost.export.ExportOptions;
import io.tokencost.export.SimulatorFormat;
import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Microsoft Vidur 0.0.1's compute profiles for one model on one device
 * ({@code data/profiling/compute/<device>/<model>/mlp.csv} and {@code attention.csv}, as its
 * sklearn execution-time predictor at commit 82f0840 reads them): per token count, the median of
 * each op in ms (Vidur reads only {@code .median}); per decode batch and context, and per prefill
 * prompt, attention's. Rows come from {@code run --suite ops-grid --model M}, at the model's
 * shapes and tensor parallel 1; a token count is written only where every op was measured at it.
 */
public final class VidurFormat001 implements SimulatorFormat {

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

    /** Vidur's op → the linear layer of {@link ModelSpec#linearLayers()} or the single op of the ops-grid suite that measures it. */
    private static final Map<String, String> MEASURED_BY = Map.of("attn_pre_proj", "qkv", "attn_post_proj", "o", "mlp_up_proj", "gate_up",
            "mlp_down_proj", "down", "input_layernorm", "add_rmsnorm", "post_attention_layernorm", "add_rmsnorm", "attn_rope", "rope_qkv",
            "mlp_act", "swiglu");

    @Override
    public String id() {
        return "vidur";
    }

    @Override
    public String target() {
        return "Vidur 0.0.1 (the execution-time predictor of commit 82f0840)";
    }

    @Override
    public Written write(List<ResultRow> all, ExportOptions options, Path dir) throws IOException {
        if (options.model() == null) {
            throw new IllegalArgumentException("vidur's tables are per model: give --model (a preset or a config.json) whose rows run --suite ops-grid measured");
        }
        ModelSpec model = ModelPresets.resolve(options.model());
        if (model.experts() > 0) {
            throw new IllegalArgumentException(model.name() + " is a mixture of experts: Vidur's mlp.csv models dense layers");
        }
        String hubName = ModelPresets.hubName(options.model());
        List<ResultRow> rows = ExportFiles.measured(all);
        String deviceName = ExportFiles.deviceName(rows);
        String device = options.system() != null ? options.system() : deviceFolder(deviceName);
        if (!device.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("--system must be lower-case letters, digits and '_' (Vidur's device names), got '" + device + "'");
        }
        String run = "run --suite ops-grid --model " + options.model();
        Mlp mlp = mlp(rows, model);
        if (mlp.rows().size() < 2) {
            throw new IllegalArgumentException("the results hold " + mlp.rows().size() + " token count(s) with every op of " + model.name()
                    + " measured; Vidur fits each op on at least 2 (" + run + ")");
        }
        Attention attention = attention(rows, model);
        if (attention.decodes() < 2 || attention.prefills() < 2) {
            throw new IllegalArgumentException("the results hold " + attention.decodes() + " decode and " + attention.prefills() + " prefill attention rows at "
                    + model.name() + "'s heads; Vidur fits each on at least 2 (" + run + ")");
        }
        Path folder = dir.resolve("data").resolve("profiling").resolve("compute").resolve(device).resolve(hubName);
        List<Path> files = new ArrayList<>();
        files.add(ExportFiles.writeCsv(folder.resolve("mlp.csv"), mlpHeader(), mlp.rows()));
        files.add(ExportFiles.writeCsv(folder.resolve("attention.csv"), attentionHeader(), attention.rows()));
        Path snippet = dir.resolve("vidur_config.py");
        Files.writeString(snippet, VidurConfigSnippet.text(model, hubName, device, rows));
        files.add(snippet);
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, readme(model, hubName, device, deviceName, options, mlp, attention));
        files.add(readme);
        return new Written(files, List.of(String.format(Locale.ROOT, "wrote Vidur profiles of %s on %s to %s: %d token counts (%d to %d), %d decode and %d "
                        + "prefill attention rows (%s)", hubName, device, folder, mlp.rows().size(), mlp.tokens().get(0), mlp.tokens().get(mlp.tokens().size() - 1),
                attention.decodes(), attention.prefills(), target()), "how to use it: " + readme));
    }

    /** Vidur's device names are its DeviceSKUType members, lower-cased: h100, a100, a40; others a slug of the device's name. */
    static String deviceFolder(String deviceName) {
        for (String known : VidurConfigSnippet.KNOWN_DEVICES) {
            if (deviceName.toLowerCase(Locale.ROOT).matches(".*\\b" + known + "\\b.*")) {
                return known;
            }
        }
        return ExportFiles.slug(deviceName, '_');
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

    /** mlp.csv's rows, by token count, and the token counts left out with the op missing at each. */
    record Mlp(List<List<String>> rows, List<Integer> tokens, List<String> incomplete) {
    }

    static Mlp mlp(List<ResultRow> rows, ModelSpec m) {
        Map<Integer, Map<String, ResultRow>> byTokens = new TreeMap<>();
        for (ResultRow r : rows) {
            opOf(r, m).ifPresent(op -> {
                int tokens = (int) (r.get(Column.SUITE).equals("ops") ? r.number(Column.SEQ_LEN)
                        : r.get(Column.SUITE).equals("gemm") ? r.number(Column.M) : r.number(Column.BATCH));
                // the faster kernel where a shape has both (qgemv and the GEMM), as an engine's autotuner picks
                byTokens.computeIfAbsent(tokens, t -> new TreeMap<>()).merge(op, r,
                        (a, b) -> a.number(Column.TIME_MEDIAN_S) <= b.number(Column.TIME_MEDIAN_S) ? a : b);
            });
        }
        List<List<String>> out = new ArrayList<>();
        List<Integer> tokens = new ArrayList<>();
        List<String> incomplete = new ArrayList<>();
        // Vidur's profiles list the largest token count first
        for (Map.Entry<Integer, Map<String, ResultRow>> e : ((TreeMap<Integer, Map<String, ResultRow>>) byTokens).descendingMap().entrySet()) {
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
        }
        return new Mlp(out, tokens, incomplete);
    }

    /** The linear layer or single op a row measures at this model's shapes (fp16), if any. */
    private static Optional<String> opOf(ResultRow r, ModelSpec m) {
        String suite = r.get(Column.SUITE);
        String kernel = r.get(Column.KERNEL);
        if (suite.equals("ops") && MEASURED_BY.containsValue(kernel)) {
            boolean shape = r.number(Column.N) == m.hidden() && r.number(Column.K) == m.ffn() && r.number(Column.HEADS) == m.heads()
                    && r.number(Column.KV_HEADS) == m.kvHeads() && r.number(Column.HEAD_DIM) == m.headDim();
            return shape ? Optional.of(kernel) : Optional.empty();
        }
        boolean gemm = suite.equals("gemm") && kernel.equals("gemm") && r.get(Column.DTYPE).equals("fp16");
        boolean gemv = suite.equals("qgemv") && kernel.equals("qgemv") && r.get(Column.WEIGHT_FORMAT).equals("fp16");
        if (!gemm && !gemv) {
            return Optional.empty();
        }
        return m.linearLayers().stream().filter(l -> r.number(Column.N) == l.rows() && r.number(Column.K) == l.cols()).map(ModelSpec.Linear::name)
                .findFirst();
    }

    /** attention.csv's rows: decode (prefill_chunk_size 0) by batch and context, then prefill by prompt, each ascending. */
    record Attention(List<List<String>> rows, int decodes, int prefills, int maxBatch, int maxContext, int maxPrompt) {
    }

    static Attention attention(List<ResultRow> rows, ModelSpec m) {
        Predicate<ResultRow> heads = r -> r.get(Column.SUITE).equals("attention") && r.number(Column.HEADS) == m.heads()
                && r.number(Column.KV_HEADS) == m.kvHeads() && r.number(Column.HEAD_DIM) == m.headDim();
        List<ResultRow> decode = rows.stream().filter(heads).filter(r -> r.get(Column.KERNEL).equals("decode") && r.get(Column.WEIGHT_FORMAT).equals("fp16"))
                .sorted(Comparator.comparingDouble((ResultRow r) -> r.number(Column.BATCH)).thenComparingDouble(r -> r.number(Column.CONTEXT))).toList();
        List<ResultRow> prefill = rows.stream().filter(heads).filter(r -> r.get(Column.KERNEL).equals("prefill") && r.get(Column.DTYPE).equals("fp16")
                && r.number(Column.BATCH) == 1).sorted(Comparator.comparingDouble(r -> r.number(Column.SEQ_LEN))).toList();
        int maxBatch = (int) decode.stream().mapToDouble(r -> r.number(Column.BATCH)).max().orElse(0);
        int maxContext = (int) decode.stream().mapToDouble(r -> r.number(Column.CONTEXT)).max().orElse(0);
        int maxPrompt = (int) prefill.stream().mapToDouble(r -> r.number(Column.SEQ_LEN)).max().orElse(0);
        String maxModelLen = Integer.toString(Math.max(maxContext, maxPrompt));
        List<List<String>> out = new ArrayList<>();
        java.util.Set<List<Long>> seen = new java.util.HashSet<>();
        int decodes = 0;
        int prefills = 0;
        for (ResultRow r : decode) {
            if (!seen.add(List.of(0L, (long) r.number(Column.BATCH), (long) r.number(Column.CONTEXT)))) {
                continue;
            }
            List<String> row = new ArrayList<>(zeros());
            row.addAll(stats(r));
            row.addAll(zeros());
            row.addAll(empty());
            row.addAll(attentionShape(m, maxModelLen, (long) r.number(Column.BATCH), 0, (long) r.number(Column.CONTEXT), false));
            out.add(row);
            decodes++;
        }
        for (ResultRow r : prefill) {
            if (!seen.add(List.of(1L, (long) r.number(Column.SEQ_LEN)))) {
                continue;
            }
            List<String> row = new ArrayList<>(zeros());
            row.addAll(empty());
            row.addAll(zeros());
            row.addAll(stats(r));
            row.addAll(attentionShape(m, maxModelLen, 1, (long) r.number(Column.SEQ_LEN), 0, true));
            out.add(row);
            prefills++;
        }
        return new Attention(out, decodes, prefills, maxBatch, maxContext, maxPrompt);
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

    private String readme(ModelSpec model, String hubName, String device, String deviceName, ExportOptions options, Mlp mlp, Attention a) {
        int maxTokens = mlp.tokens().get(mlp.tokens().size() - 1);
        StringBuilder b = new StringBuilder();
        b.append("# Vidur profiles of ").append(hubName).append(" on ").append(deviceName).append("\n\n");
        b.append("Written by tokencost (`").append(getClass().getSimpleName()).append("`) for ").append(target()).append(" from ")
                .append(options.sources()).append(".\n\n");
        b.append("- `data/profiling/compute/").append(device).append('/').append(hubName).append("/mlp.csv`: ").append(mlp.rows().size())
                .append(" token counts, ").append(mlp.tokens().get(0)).append(" to ").append(maxTokens).append(".\n");
        b.append("- `data/profiling/compute/").append(device).append('/').append(hubName).append("/attention.csv`: ").append(a.decodes())
                .append(" decode rows (batch up to ").append(a.maxBatch()).append(", context up to ").append(a.maxContext()).append("), ")
                .append(a.prefills()).append(" prefill rows (prompts up to ").append(a.maxPrompt()).append(").\n");
        b.append("- `vidur_config.py`: the classes Vidur needs for a device or model it does not know (paste each into the file its comment names).\n\n");
        b.append("## Use it\n\n```\n");
        b.append("cp -r data/profiling/compute/").append(device).append(" <vidur checkout>/data/profiling/compute/\n");
        b.append("cd <vidur checkout> && python -m vidur.main --replica_config_device ").append(device).append(" --replica_config_model_name ")
                .append(hubName).append(" \\\n");
        b.append("    --replica_config_tensor_parallel_size 1 --replica_config_num_pipeline_stages 1 --replica_config_network_device h100_pairwise_nvlink \\\n");
        b.append("    --random_forrest_execution_time_predictor_config_prediction_max_tokens_per_request ").append(Math.max(maxTokens, a.maxContext()))
                .append(" \\\n");
        b.append("    --random_forrest_execution_time_predictor_config_prediction_max_batch_size ").append(a.maxBatch()).append(" \\\n");
        b.append("    --random_forrest_execution_time_predictor_config_prediction_max_prefill_chunk_size ").append(a.maxPrompt()).append(" \\\n");
        b.append("    --random_forrest_execution_time_predictor_config_no_cache\n```\n\n");
        b.append("Vidur's random forest does not extrapolate: a query past the measured grid gets the nearest measured figure. Keep "
                + "batches' tokens within ").append(maxTokens).append(", decode batches within ").append(a.maxBatch()).append(" and prefill chunks within ")
                .append(a.maxPrompt()).append(", or measure a larger grid (`run --suite ops-grid --model M` on a GPU goes to 4096). With tensor "
                        + "parallel 1 Vidur reads no network profile; any node type serves. `--..._no_cache`: its prediction cache is keyed by file "
                        + "paths, not contents.\n\n");
        b.append("## What each column is\n\n");
        b.append("- Times in ms: `.median` is each row's median (what Vidur reads); `.min` and `.mean` the row's; `.max` and `.std` are empty "
                + "(results.csv does not keep them).\n");
        b.append("- `attn_pre_proj`, `attn_post_proj`, `mlp_up_proj`, `mlp_down_proj`: the fp16 q/k/v, o, gate/up and down products at `num_tokens` "
                + "rows: the faster of qgemv (up to 64 rows) and the GEMM where both were measured.\n");
        b.append("- `input_layernorm`, `post_attention_layernorm`: one add_rmsnorm each, which adds the residual before normalising; so `add` is 0.\n");
        b.append("- `attn_rope`: rope_qkv, which also writes k and v into the cache (Vidur's `attn_kv_cache_save`, absent, counts as 0).\n");
        b.append("- `mlp_act`: swiglu (silu(gate) · up).\n");
        b.append("- Decode attention: one step of `batch_size` sequences each attending `kv_cache_size` cached tokens, fp16 KV in pages of ")
                .append(BLOCK_SIZE).append(" (`block_size`); `prefill_chunk_size` 0.\n");
        b.append("- Prefill attention: one causal prompt of `prefill_chunk_size` tokens with nothing cached before it (`kv_cache_size` 0): "
                + "chunked prefill's later chunks, which attend earlier ones too, are predicted from these rows.\n\n");
        b.append("## Documented zeros\n\n");
        b.append("- `emb` (Vidur does not read it), `add` (in the norms), `attn_input_reshape` and `attn_output_reshape` (tokencost's kernels "
                + "read and write the layouts attention uses; no reshape runs).\n");
        if (!mlp.incomplete().isEmpty()) {
            b.append("\n## Left out\n\n- Token counts without every op measured: ").append(String.join("; ", mlp.incomplete())).append(".\n");
        }
        return b.toString();
    }
}
