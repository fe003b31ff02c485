package io.tokencost.suite;

import io.tokencost.backend.DeviceProperties;
import io.tokencost.cost.ModelSpec;
import io.tokencost.kernels.transformerops.TransformerOps;
import io.tokencost.results.Column;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One layer's small ops (norms, rotary, SwiGLU, conversions; kernels/transformer_ops.cu) at
 * {@code run --model}'s widths, over the token counts the decode suite's batches and the prefill
 * suite's prompts bring: the per-layer time the estimator adds to a step's products and attention
 * (on a GPU mostly launches, on a CPU the ops' arithmetic). Rows: kernel {@code decode_layer_ops}
 * ({@code batch} = tokens) and {@code prefill_layer_ops} ({@code seq_len} = the prompt); {@code n} =
 * hidden, {@code k} = ffn. A mixture of experts adds its routing, gather and combine. Verified as
 * part of the model's steps (model/decode_step, model/moe_decode_step, model/prefill, model/moe_prefill).
 */
public final class TransformerOpsSuite implements ModelSuite {

    static final String BENCHMARK = "io.tokencost.bench.TransformerOpsBench.measure";

    @Override
    public String id() {
        return "ops";
    }

    @Override
    public String description() {
        return "one layer's norms, rotary, SwiGLU and conversions at the model's widths, per decode batch and prefill prompt";
    }

    /** The ops' rows are what the model suites' predictions read; they need none themselves. */
    @Override
    public List<String> predictionSuites() {
        return List.of();
    }

    @Override
    public List<BenchCase> cases(Profile profile, DeviceProperties device, ModelSpec model, String modelArgument) {
        boolean gpu = device.isGpu();
        List<BenchCase> cases = new ArrayList<>();
        for (int batch : DecodeSuite.batches(profile, gpu)) {
            cases.add(layerCase(false, batch, model, modelArgument));
        }
        for (int prompt : PrefillSuite.prompts(profile, gpu)) {
            cases.add(layerCase(true, prompt, model, modelArgument));
        }
        return cases;
    }

    /** One layer's ops over {@code tokens} tokens of a decode step's batch or a prefill's prompt. */
    static BenchCase layerCase(boolean prefill, int tokens, ModelSpec model, String modelArgument) {
        var w = TransformerOps.layerWorkload(prefill, tokens, model);
        String step = prefill ? "prefill" : "decode";
        return new BenchCase("ops", prefill ? "model/prefill" : "model/decode_step", step + "_layer_ops", "fp16", "",
                shape(prefill ? Column.SEQ_LEN : Column.BATCH, tokens, model), w, w.bytesMoved(), "warm", BENCHMARK,
                Map.of("model", modelArgument, "step", step, "tokens", Integer.toString(tokens)));
    }

    /** An ops row's shape: its tokens (in {@code tokensColumn}), n = hidden, k = ffn, and the model's heads. */
    static Map<Column, Long> shape(Column tokensColumn, int tokens, ModelSpec model) {
        return Map.of(tokensColumn, (long) tokens, Column.N, (long) model.hidden(), Column.K, (long) model.ffn(), Column.HEADS, (long) model.heads(),
                Column.KV_HEADS, (long) model.kvHeads(), Column.HEAD_DIM, (long) model.headDim());
    }
}
