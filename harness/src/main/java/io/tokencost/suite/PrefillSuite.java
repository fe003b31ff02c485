package io.tokencost.suite;

import io.tokencost.backend.DataType;
import io.tokencost.backend.DeviceProperties;
import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.attentionprefill.AttentionPrefill;
import io.tokencost.kernels.qgemv.QGemv;
import io.tokencost.model.SyntheticModel;
import io.tokencost.results.Column;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Full-model prefill: one request's prompt through {@code run --model}'s model (random weights) per
 * launch, timed as TTFT, and input tokens/s = prompt / TTFT. Hosts (`--quick`): int4_g128, a prompt
 * of 128 tokens; `--full` adds int8 and 512 tokens. GPUs: fp16, int8 and int4_g128 at 512 and 2048
 * tokens (`--full`: also 8192). Cases that do not fit are left out. A mixture of experts runs its
 * MoE block over the prompt's tokens ({@link SyntheticModel}'s class comment).
 */
public final class PrefillSuite implements ModelSuite {

    static final String BENCHMARK = "io.tokencost.bench.PrefillBench.measure";

    @Override
    public String id() {
        return "prefill";
    }

    @Override
    public String description() {
        return "full-model prefill of one prompt (random weights): TTFT and input tokens/s, beside the estimator's prediction";
    }

    static List<Integer> prompts(Profile profile, boolean gpu) {
        boolean full = profile == Profile.FULL;
        return gpu ? (full ? List.of(512, 2048, 8192) : List.of(512, 2048)) : (full ? List.of(128, 512) : List.of(128));
    }

    /**
     * Every linear layer of the model (the LM head runs on one token) at every prompt on the path the
     * prefill takes ({@link QGemv#prefillRunsQgemv}): qgemv over the prompt's rows, or the fp16 GEMM
     * and, for int8 / int4, the layer's dequantisation; the prompt's attention at the model's heads:
     * on a CPU the GEMM's rate at 128 rows is half that at 512 (the weights' conversion amortises over
     * fewer rows), attention's rate at 128 tokens half that at 512, and dequantisation runs well below
     * the read ceiling, so the prediction needs the prefill's own shapes.
     * A mixture of experts' expert products are the experts kernel's, as in a decode step: qgemv at
     * the rows an expert gets on average (either side of prompt·k / {@link ModelSpec#expectedExpertsTouched},
     * at most qgemv's largest batch, whose chunks the estimator counts past it), and its router's
     * fp16 product over the prompt.
     */
    @Override
    public List<BenchCase> predictionCases(Profile profile, DeviceProperties device, ModelSpec model) {
        return kernelCases(prompts(profile, device.isGpu()), ModelSuite.formats(profile, device), device, model);
    }

    /** {@link #predictionCases}'s kernels at the given prompts and weight formats. */
    static List<BenchCase> kernelCases(List<Integer> prompts, List<WeightFormat> formats, DeviceProperties device, ModelSpec model) {
        // a set: an expert's floor and ceiling rows can be one batch, and capped ones meet
        LinkedHashSet<BenchCase> cases = new LinkedHashSet<>();
        long coldSet = CacheRotation.coldSetBytes(device, 0);
        for (int prompt : prompts) {
            double perExpert = model.rowsPerExpert(prompt);
            for (ModelSpec.Linear l : model.linearLayers()) {
                if (!model.isExpert(l)) {
                    for (WeightFormat f : formats) {
                        if (QGemv.prefillRunsQgemv(f, prompt)) {
                            cases.add(QGemvSuite.qgemvCase(f, l.rows(), l.cols(), prompt, device, coldSet));
                        } else {
                            cases.add(GemmSuite.gemmCase(DataType.F16, prompt, l.rows(), l.cols(), device));
                            if (f.quantized()) {
                                cases.add(QGemvSuite.dequantizeCase(f, l.rows(), l.cols(), device));
                            }
                        }
                    }
                    continue;
                }
                for (WeightFormat f : formats) {
                    for (double rows : new double[] {Math.floor(perExpert), Math.ceil(perExpert)}) {
                        cases.add(QGemvSuite.qgemvCase(f, l.rows(), l.cols(), (int) Math.min(rows, QGemv.MAX_BATCH), device, coldSet));
                    }
                }
            }
            if (model.experts() > 0) {
                // the router: the experts kernel's one expert over every row
                cases.add(QGemvSuite.qgemvCase(WeightFormat.FP16, model.experts(), model.hidden(), prompt, device, coldSet));
            }
            cases.add(AttentionSuite.prefillCase(DataType.F16, new AttentionPrefill.Shape(1, model.heads(), model.kvHeads(), model.headDim(), prompt),
                    device));
        }
        return new ArrayList<>(cases);
    }

    @Override
    public List<BenchCase> cases(Profile profile, DeviceProperties device, ModelSpec model, String modelArgument) {
        boolean gpu = device.isGpu();
        List<BenchCase> cases = new ArrayList<>();
        for (WeightFormat f : ModelSuite.formats(profile, device)) {
            for (int prompt : prompts(profile, gpu)) {
                long bytes = SyntheticModel.prefillDeviceBytes(model, f, prompt);
                if (!ModelSuite.fits(device, bytes)) {
                    continue;
                }
                cases.add(new BenchCase(id(), "model/prefill", "prefill", "fp16", f.id(),
                        Map.of(Column.BATCH, 1L, Column.SEQ_LEN, (long) prompt, Column.HEADS, (long) model.heads(),
                                Column.KV_HEADS, (long) model.kvHeads(), Column.HEAD_DIM, (long) model.headDim()),
                        SyntheticModel.prefillWorkload(model, f, prompt), bytes,
                        gpu || CacheRotation.pastCache(device, bytes) ? "cold" : "warm", BENCHMARK,
                        Map.of("model", modelArgument, "weights", f.id(), "prompt", Integer.toString(prompt))));
            }
        }
        return cases;
    }
}
