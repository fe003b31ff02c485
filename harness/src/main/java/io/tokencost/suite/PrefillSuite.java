package io.tokencost.suite;

import io.tokencost.backend.DeviceProperties;
import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.WeightFormat;
import io.tokencost.model.SyntheticModel;
import io.tokencost.results.Column;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Full-model prefill: one request's prompt through {@code run --model}'s model (random weights) per
 * launch, timed as TTFT, and input tokens/s = prompt / TTFT. Hosts (`--quick`): int4_g128, a prompt
 * of 128 tokens; `--full` adds int8 and 512 tokens. GPUs: fp16, int8 and int4_g128 at 512 and 2048
 * tokens (`--full`: also 8192). Cases that do not fit are left out; MoE models are not run yet.
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

    @Override
    public List<BenchCase> cases(Profile profile, DeviceProperties device, ModelSpec model, String modelArgument) {
        if (model.experts() > 0) {
            return List.of();
        }
        boolean gpu = device.backend().equals("cuda");
        boolean full = profile == Profile.FULL;
        List<WeightFormat> formats = gpu ? List.of(WeightFormat.FP16, WeightFormat.INT8, WeightFormat.INT4_G128)
                : full ? List.of(WeightFormat.INT8, WeightFormat.INT4_G128) : List.of(WeightFormat.INT4_G128);
        List<Integer> prompts = gpu ? (full ? List.of(512, 2048, 8192) : List.of(512, 2048)) : (full ? List.of(128, 512) : List.of(128));
        List<BenchCase> cases = new ArrayList<>();
        for (WeightFormat f : formats) {
            for (int prompt : prompts) {
                long bytes = SyntheticModel.prefillDeviceBytes(model, f, prompt);
                if (!DecodeSuite.fits(device, bytes)) {
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
