package io.tokencost.export.vidur;

import io.tokencost.cost.ModelPresets;
import io.tokencost.cost.ModelSpec;
import io.tokencost.export.ExportFiles;
import io.tokencost.export.ExportOptions;
import io.tokencost.export.SimulatorFormat;
import io.tokencost.kernels.qgemv.QGemv;
import io.tokencost.results.ResultRow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Microsoft Vidur 0.0.1's compute profiles for one model on one device
 * ({@code data/profiling/compute/<device>/<model>/mlp.csv} and {@code attention.csv}, as its
 * sklearn execution-time predictor at commit 82f0840 reads them): per token count, the median of
 * each op in ms (Vidur reads only {@code .median}); per decode batch and context, and per prefill
 * prompt, attention's. Rows come from {@code run --suite ops-grid --model M}, at the model's
 * shapes and tensor parallel 1; a token count is written only where every op was measured at it.
 */
public final class VidurFormat001 implements SimulatorFormat {

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
        String hubName = hubName(options.model(), model);
        List<ResultRow> rows = ExportFiles.measured(all);
        String deviceName = ExportFiles.deviceName(rows);
        String version = ExportFiles.harnessVersion(rows);
        String device = options.system() != null ? options.system() : ExportFiles.slug(deviceName, '_');
        if (!device.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("--system must be lower-case letters, digits and '_' (Vidur's device names), got '" + device + "'");
        }
        String run = "run --suite ops-grid --model " + options.model();
        VidurTables.Mlp mlp = VidurTables.mlp(rows, model);
        if (mlp.rows().size() < 2) {
            throw new IllegalArgumentException("the results hold " + mlp.rows().size() + " token count(s) with every op of " + model.name()
                    + " measured; Vidur fits each op on at least 2 (" + run + ")");
        }
        VidurTables.Attention attention = VidurTables.attention(rows, model);
        if (attention.decodes() < 2 || attention.prefills() < 2) {
            throw new IllegalArgumentException("the results hold " + attention.decodes() + " decode and " + attention.prefills() + " prefill attention rows at "
                    + model.name() + "'s heads; Vidur fits each on at least 2 (" + run + ")");
        }
        Path folder = dir.resolve("data").resolve("profiling").resolve("compute").resolve(device).resolve(hubName);
        List<Path> files = new ArrayList<>();
        files.add(ExportFiles.writeCsv(folder.resolve("mlp.csv"), VidurTables.mlpHeader(), mlp.rows()));
        files.add(ExportFiles.writeCsv(folder.resolve("attention.csv"), VidurTables.attentionHeader(), attention.rows()));
        files.add(Files.writeString(dir.resolve("vidur_config.py"), VidurConfigSnippet.text(model, hubName, device, rows)));
        files.add(Files.writeString(dir.resolve("README.md"), readme(hubName, device, deviceName, version, options, mlp, attention)));
        return new Written(files, List.of(String.format(Locale.ROOT, "wrote Vidur profiles of %s on %s to %s: %d token counts (%d to %d), %d decode and %d "
                        + "prefill attention rows (%s)", hubName, device, folder, mlp.rows().size(), mlp.tokens().get(0), mlp.tokens().get(mlp.tokens().size() - 1),
                attention.decodes(), attention.prefills(), target()), "how to use it: " + dir.resolve("README.md")));
    }

    /**
     * The name Vidur finds the model by (its config class's get_name(), the profile folder): the hub name when the config gives one
     * ({@code org/model}), else the model's own name; never a path (a local checkpoint's _name_or_path would lead out of --out).
     */
    static String hubName(String modelArgument, ModelSpec model) {
        String hub = ModelPresets.hubName(modelArgument);
        return hub.matches("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)?") && !hub.contains("..") ? hub : ExportFiles.slug(model.name(), '-');
    }

    private String readme(String hubName, String device, String deviceName, String version, ExportOptions options, VidurTables.Mlp mlp,
                          VidurTables.Attention a) {
        int maxTokens = mlp.tokens().get(mlp.tokens().size() - 1);
        StringBuilder b = new StringBuilder();
        b.append("# Vidur profiles of ").append(hubName).append(" on ").append(deviceName).append("\n\n");
        b.append("Written by tokencost ").append(version).append(" (`").append(getClass().getSimpleName()).append("`) for ").append(target()).append(" from ")
                .append(options.sources()).append(".\n\n");
        b.append("- `data/profiling/compute/").append(device).append('/').append(hubName).append("/mlp.csv`: ").append(mlp.rows().size())
                .append(" token counts, ").append(mlp.tokens().get(0)).append(" to ").append(maxTokens).append(".\n");
        b.append("- `data/profiling/compute/").append(device).append('/').append(hubName).append("/attention.csv`: ").append(a.decodes())
                .append(" decode rows (batch up to ").append(a.maxBatch()).append(", context up to ").append(a.maxContext()).append("), ")
                .append(a.prefills()).append(" prefill rows (prompts up to ").append(a.maxPrompt()).append(").\n");
        b.append("- `vidur_config.py`: the classes Vidur needs for a device or model it does not know (paste each into the file its comment names).\n\n");
        // a Sarathi schedule inside the grid: iterations of at most `chunk` tokens and maxBatch sequences, requests of prompt + output
        // no longer than the contexts measured (Vidur looks predictions up in a table bounded by the prediction_max_* flags)
        int chunk = Math.min(maxTokens, a.maxPrompt());
        int output = Math.max(1, Math.min(128, a.maxContext() - chunk));
        b.append("## Use it\n\n```\n");
        b.append("cp -r data/profiling/compute/").append(device).append(" <vidur checkout>/data/profiling/compute/\n");
        b.append("cd <vidur checkout> && python -m vidur.main --replica_config_device ").append(device).append(" --replica_config_model_name ")
                .append(hubName).append(" \\\n");
        b.append("    --replica_config_tensor_parallel_size 1 --replica_config_num_pipeline_stages 1 --replica_config_network_device h100_pairwise_nvlink \\\n");
        b.append("    --replica_scheduler_config_type sarathi --sarathi_scheduler_config_batch_size_cap ").append(a.maxBatch())
                .append(" --sarathi_scheduler_config_chunk_size ").append(chunk).append(" \\\n");
        b.append("    --request_generator_config_type synthetic --length_generator_config_type fixed \\\n");
        b.append("    --fixed_request_length_generator_config_prefill_tokens ").append(chunk).append(" --fixed_request_length_generator_config_decode_tokens ")
                .append(output).append(" \\\n");
        b.append("    --random_forrest_execution_time_predictor_config_prediction_max_tokens_per_request ").append(a.maxContext()).append(" \\\n");
        b.append("    --random_forrest_execution_time_predictor_config_prediction_max_batch_size ").append(a.maxBatch()).append(" \\\n");
        b.append("    --random_forrest_execution_time_predictor_config_prediction_max_prefill_chunk_size ").append(chunk).append(" \\\n");
        b.append("    --random_forrest_execution_time_predictor_config_no_cache\n```\n\n");
        if (VidurConfigSnippet.KNOWN_DEVICES.contains(device)) {
            b.append("`").append(device).append("` is one of Vidur's own devices: the copy merges into its shipped profiles and replaces a "
                    + "model folder of the same name there.\n\n");
        }
        b.append("Vidur predicts every op over a table bounded by the `prediction_max_*` flags and looks each step up in it: a batch, chunk "
                + "or request past them stops the simulation with a KeyError, so the schedule above stays inside them (iterations of at most ")
                .append(chunk).append(" tokens and ").append(a.maxBatch()).append(" sequences, requests of at most ").append(a.maxContext())
                .append(" tokens). Inside the table, its random forest does not extrapolate: a point past the measured ones gets the nearest "
                        + "measured figure. For longer prompts or larger batches measure a larger grid (`run --suite ops-grid --model M` on a GPU "
                        + "goes to 4096 tokens and batch 128). With tensor parallel 1 Vidur reads no network profile; any node type serves. "
                        + "`--..._no_cache`: its prediction cache is keyed by file paths, not contents.\n\n");
        b.append("## What each column is\n\n");
        b.append("- Times in ms: `.median` is each row's median (what Vidur reads); `.min` and `.mean` the row's; `.max` and `.std` are empty "
                + "(results.csv does not keep them). Each row a kernel that passed verification (the single ops within the prefill step they "
                + "belong to, `model/prefill`).\n");
        b.append("- `attn_pre_proj`, `attn_post_proj`, `mlp_up_proj`, `mlp_down_proj`: the fp16 q/k/v, o, gate/up and down products at `num_tokens` "
                + "rows: qgemv up to ").append(QGemv.MAX_BATCH).append(" rows (as the decode step runs them), the GEMM past it, the faster where "
                        + "both were measured. qgemv streams its weights from memory (it rotates copies past the cache); a GPU flushes L2 before each "
                        + "GEMM, a host runs it warm while its matrices fit four times in the last-level cache.\n");
        b.append("- `input_layernorm`, `post_attention_layernorm`: one add_rmsnorm each, which adds the residual before normalising; so `add` is 0.\n");
        b.append("- `attn_rope`: rope_qkv, which also writes k and v into the cache (Vidur's `attn_kv_cache_save`, absent, counts as 0).\n");
        b.append("- `mlp_act`: swiglu (silu(gate) · up). The small ops run warm: their inputs are the previous kernel's outputs.\n");
        b.append("- Decode attention: one step of `batch_size` sequences, each with `kv_cache_size` tokens cached before it (it attends those and "
                + "its own), fp16 KV in pages of ").append(VidurTables.BLOCK_SIZE).append(" (`block_size`); `prefill_chunk_size` 0.\n");
        b.append("- Prefill attention: one causal prompt of `prefill_chunk_size` tokens with nothing cached before it (`kv_cache_size` 0): "
                + "chunked prefill's later chunks, which attend earlier ones too, are predicted from these rows.\n");
        if (mlp.noisy() + a.noisy() > 0) {
            b.append("- NOISY rows written from: ").append(mlp.noisy() + a.noisy()).append(" (samples spread past 10 % of their mean in their "
                    + "run): their medians are written as measured; results.csv gives each one's interval.\n");
        }
        b.append("- `max_model_len` (not read by Vidur's predictor): the longest sequence the grid measured; `attention_backend` `tokencost`.\n\n");
        b.append("## Documented zeros\n\n");
        b.append("- `emb` (Vidur does not read it), `add` (in the norms), `attn_input_reshape` and `attn_output_reshape` (tokencost's kernels "
                + "read and write the layouts attention uses; no reshape runs).\n");
        if (!mlp.incomplete().isEmpty()) {
            b.append("\n## Left out\n\n- Token counts without every op measured: ").append(String.join("; ", mlp.incomplete())).append(".\n");
        }
        return b.toString();
    }
}
