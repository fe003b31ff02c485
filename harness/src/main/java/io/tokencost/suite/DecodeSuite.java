package io.tokencost.suite;

import io.tokencost.backend.DeviceProperties;
import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.attentiondecode.AttentionDecode;
import io.tokencost.model.SyntheticModel;
import io.tokencost.results.Column;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Full-model decode: one decode step of {@code run --model}'s model (random weights) per launch,
 * timed as output tokens/s = batch / step time. Hosts (`--quick`): int4_g128 at batch 1 and 1024
 * tokens of context; `--full` adds int8, batch 4 and 4096 tokens where they fit. GPUs: fp16, int8 and
 * int4_g128 at batch 1 and 16, contexts 1024 and 8192 (`--full`: also batch 64 and 32768). Cases
 * that do not fit the device (or, on hosts, a fork's heap) are left out. A mixture of experts routes
 * each token to its top-k experts ({@link SyntheticModel}'s class comment).
 */
public final class DecodeSuite implements ModelSuite {

    static final String BENCHMARK = "io.tokencost.bench.DecodeBench.measure";

    @Override
    public String id() {
        return "decode";
    }

    @Override
    public String description() {
        return "full-model decode step (random weights): output tokens/s at batch x context, beside the estimator's prediction";
    }

    /**
     * On a host, as many as a prediction's rows get. A host's decode step is short (a 2-vCPU VM:
     * 0.1-0.6 s) and a VM's speed comes in phases of seconds: an 8B step ran 350-380 ms for a stretch,
     * then 480-600 ms, in one JVM. The profile's 5 steps saw one phase: the means of 5 consecutive
     * steps of 97 spread with a standard deviation of 13 % of their mean, of 20 steps 7 %. A GPU's
     * iteration already holds dozens of steps, and its energy is read per iteration: the profile's.
     */
    @Override
    public int minStepIterations(DeviceProperties device) {
        return device.isGpu() ? 0 : PREDICTION_ROW_ITERATIONS;
    }

    /**
     * qgemv at each of the model's products and its 16-bit LM head, at the suite's batches in its
     * formats: the quick qgemv suite times one shape, and a CPU's rate differs across shapes. A
     * mixture of experts: its experts' products at the rows an expert gets on average (the batches
     * on either side of batch·k / {@link ModelSpec#expectedExpertsTouched}, which the estimator
     * interpolates between), and its 16-bit router. Decode attention over the fp16 cache at the
     * model's heads, batches and contexts (the attention suite times Llama's 32 q / 8 kv heads only).
     */
    @Override
    public List<BenchCase> predictionCases(Profile profile, DeviceProperties device, ModelSpec model) {
        boolean gpu = device.isGpu();
        return kernelCases(batches(profile, gpu), contexts(profile, gpu), ModelSuite.formats(profile, device), device, model);
    }

    /** {@link #predictionCases}'s kernels at the given batches, contexts and weight formats. */
    static List<BenchCase> kernelCases(List<Integer> batches, List<Integer> contexts, List<WeightFormat> formats, DeviceProperties device, ModelSpec model) {
        // a set: an expert's floor and ceiling batch can be one batch
        LinkedHashSet<BenchCase> cases = new LinkedHashSet<>();
        long coldSet = CacheRotation.coldSetBytes(device, 0);
        for (int batch : batches) {
            for (int context : contexts) {
                cases.add(AttentionSuite.decodeCase(AttentionDecode.KvFormat.FP16,
                        new AttentionDecode.Shape(batch, model.heads(), model.kvHeads(), model.headDim(), context), device, coldSet));
            }
            double perExpert = model.rowsPerExpert(batch);
            for (WeightFormat f : formats) {
                for (ModelSpec.Linear l : model.linearLayers()) {
                    int[] rowsPerCall = model.isExpert(l) ? new int[] {(int) Math.floor(perExpert), (int) Math.ceil(perExpert)} : new int[] {batch};
                    for (int b : rowsPerCall) {
                        cases.add(QGemvSuite.qgemvCase(f, l.rows(), l.cols(), b, device, coldSet));
                    }
                }
            }
            if (model.experts() > 0) {
                cases.add(QGemvSuite.qgemvCase(WeightFormat.FP16, model.experts(), model.hidden(), batch, device, coldSet));
            }
            cases.add(QGemvSuite.qgemvCase(WeightFormat.FP16, model.vocab(), model.hidden(), batch, device, coldSet));
        }
        return new ArrayList<>(cases);
    }

    static List<Integer> contexts(Profile profile, boolean gpu) {
        boolean full = profile == Profile.FULL;
        return gpu ? (full ? List.of(1024, 8192, 32768) : List.of(1024, 8192)) : (full ? List.of(1024, 4096) : List.of(1024));
    }

    static List<Integer> batches(Profile profile, boolean gpu) {
        boolean full = profile == Profile.FULL;
        return gpu ? (full ? List.of(1, 16, 64) : List.of(1, 16)) : (full ? List.of(1, 4) : List.of(1));
    }

    @Override
    public List<BenchCase> cases(Profile profile, DeviceProperties device, ModelSpec model, String modelArgument) {
        boolean gpu = device.isGpu();
        List<Integer> batches = batches(profile, gpu);
        List<Integer> contexts = contexts(profile, gpu);
        List<BenchCase> cases = new ArrayList<>();
        for (WeightFormat f : ModelSuite.formats(profile, device)) {
            for (int batch : batches) {
                for (int context : contexts) {
                    long bytes = SyntheticModel.deviceBytes(model, f, batch, context);
                    if (!ModelSuite.fits(device, bytes)) {
                        continue;
                    }
                    cases.add(new BenchCase(id(), "model/decode_step", "step", "fp16", f.id(),
                            Map.of(Column.BATCH, (long) batch, Column.CONTEXT, (long) context, Column.HEADS, (long) model.heads(),
                                    Column.KV_HEADS, (long) model.kvHeads(), Column.HEAD_DIM, (long) model.headDim()),
                            SyntheticModel.workload(model, f, batch, context), bytes,
                            gpu || CacheRotation.pastCache(device, bytes) ? "cold" : "warm", BENCHMARK,
                            Map.of("model", modelArgument, "weights", f.id(), "batch", Integer.toString(batch), "context", Integer.toString(context))));
                }
            }
        }
        return cases;
    }
}
