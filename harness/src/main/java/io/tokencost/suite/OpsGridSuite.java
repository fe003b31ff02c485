package io.tokencost.suite;

import io.tokencost.backend.DataType;
import io.tokencost.backend.DeviceProperties;
import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.attentiondecode.AttentionDecode;
import io.tokencost.kernels.attentionprefill.AttentionPrefill;
import io.tokencost.kernels.qgemv.QGemv;
import io.tokencost.kernels.transformerops.TransformerOps;
import io.tokencost.measure.Workload;
import io.tokencost.results.Column;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A dense model's operations one by one over the grids simulators fit them on (Vidur: each op
 * against its token count; decode attention against batch and context; prefill attention against
 * the prompt): its four linear layers in fp16 at every token count (qgemv up to
 * {@link QGemv#MAX_BATCH} rows, as the model's decode runs them, the GEMM past it), add_rmsnorm,
 * rope_qkv and swiglu alone, fp16 decode attention over batches x contexts and fp16 prefill
 * attention over prompts. Every row is a measured case at the model's own shapes, so an exporter
 * writes the grid without interpolating. Hosts run a smaller grid (a CPU's 512-token product takes a second).
 */
public final class OpsGridSuite implements ModelSuite {

    @Override
    public String id() {
        return "ops-grid";
    }

    @Override
    public String description() {
        return "a dense model's linear layers, norm, rotary and SwiGLU over token counts, decode attention over batches x contexts and "
                + "prefill attention over prompts, each alone at the model's shapes: the grid simulators (Vidur) fit per-op times on";
    }

    @Override
    public List<String> predictionSuites() {
        return List.of();
    }

    @Override
    public String whyNoCases(ModelSpec model) {
        return model.experts() > 0 ? model.name() + " is a mixture of experts: the grid times a dense model's layers"
                : ModelSuite.super.whyNoCases(model);
    }

    /** Token counts of the per-op grid: powers of two (full: and the midpoints) up to 4096 on GPUs, 512 on hosts. */
    static List<Integer> tokens(Profile profile, boolean gpu) {
        int most = gpu ? 4096 : 512;
        List<Integer> tokens = new ArrayList<>();
        for (int t = 1; t <= most; t *= 2) {
            tokens.add(t);
            if (profile == Profile.FULL && t >= 4 && t * 3 / 2 < most) {
                tokens.add(t * 3 / 2);
            }
        }
        return tokens;
    }

    static List<Integer> decodeBatches(boolean gpu) {
        return gpu ? List.of(1, 2, 4, 8, 16, 32, 64, 128) : List.of(1, 2, 4, 8, 16);
    }

    static List<Integer> decodeContexts(Profile profile, boolean gpu) {
        if (!gpu) {
            return List.of(256, 1024, 4096);
        }
        return profile == Profile.FULL ? List.of(256, 512, 1024, 2048, 4096, 8192) : List.of(256, 1024, 4096);
    }

    static List<Integer> prompts(boolean gpu) {
        return gpu ? List.of(64, 128, 256, 512, 1024, 2048, 4096) : List.of(32, 64, 128, 256, 512);
    }

    @Override
    public List<BenchCase> cases(Profile profile, DeviceProperties device, ModelSpec model, String modelArgument) {
        if (model.experts() > 0) {
            return List.of();
        }
        boolean gpu = device.isGpu();
        long coldSet = CacheRotation.coldSetBytes(device, 0);
        List<BenchCase> cases = new ArrayList<>();
        for (int t : tokens(profile, gpu)) {
            for (ModelSpec.Linear l : model.linearLayers()) {
                cases.add(t <= QGemv.MAX_BATCH ? QGemvSuite.qgemvCase(WeightFormat.FP16, l.rows(), l.cols(), t, device, coldSet)
                        : GemmSuite.gemmCase(DataType.F16, t, l.rows(), l.cols(), device));
            }
            for (String op : TransformerOps.SINGLE_OPS) {
                cases.add(opCase(op, t, model, modelArgument));
            }
        }
        for (int batch : decodeBatches(gpu)) {
            for (int context : decodeContexts(profile, gpu)) {
                if (AttentionSuite.fits(batch, model, context, device)) {
                    cases.add(AttentionSuite.decodeCase(AttentionDecode.KvFormat.FP16,
                            new AttentionDecode.Shape(batch, model.heads(), model.kvHeads(), model.headDim(), context), device, coldSet));
                }
            }
        }
        for (int prompt : prompts(gpu)) {
            cases.add(AttentionSuite.prefillCase(DataType.F16, new AttentionPrefill.Shape(1, model.heads(), model.kvHeads(), model.headDim(), prompt),
                    device));
        }
        return cases;
    }

    /** One op of {@link TransformerOps#SINGLE_OPS} over one prompt of {@code tokens} rows; verified with the prefill step it is part of. */
    static BenchCase opCase(String op, int tokens, ModelSpec model, String modelArgument) {
        Workload w = TransformerOps.opWorkload(op, tokens, model);
        return new BenchCase("ops", "model/prefill", op, "fp16", "", TransformerOpsSuite.shape(Column.SEQ_LEN, tokens, model),
                w, w.bytesMoved(), "warm", TransformerOpsSuite.BENCHMARK,
                Map.of("model", modelArgument, "step", "prefill", "tokens", Integer.toString(tokens), "op", op));
    }
}
