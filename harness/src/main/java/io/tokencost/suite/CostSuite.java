package io.tokencost.suite;

import io.tokencost.backend.DataType;
import io.tokencost.backend.DeviceProperties;
import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.WeightFormat;
import io.tokencost.estimate.CostTable;
import io.tokencost.estimate.Estimator;
import io.tokencost.estimate.Scenario;
import io.tokencost.kernels.attentiondecode.AttentionDecode;
import io.tokencost.kernels.qgemv.QGemv;
import io.tokencost.results.Column;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code run}'s default: exactly the kernel rows the estimator reads to cost one model's requests of
 * {@link #PROMPT} input and {@link #OUTPUT} output tokens in fp16, int8 and int4_g128 at batch 1 and at
 * the largest batch whose KV cache fits (the memory/read ceiling is measured first by every run).
 * Decode: qgemv at each of the model's products and its LM head, decode attention over the fp16
 * cache at {@link #CONTEXTS} (the larger batch: at the first), one layer's ops, at batch 1 and
 * {@link #largerBatch}; past that, GEMM rows at each format's largest batch ({@link #largestBatchCases}).
 * Prefill of the prompt: the fp16 GEMM (and int8 / int4 dequantisation) at each product, prompt
 * attention, one layer's ops. A mixture of experts' experts: at their share of each format's largest
 * batch ({@link #expertCases}). No whole-model step runs: {@code --suite decode,prefill} does.
 */
public final class CostSuite implements ModelSuite {

    /** The request the table costs: vLLM's random dataset's defaults, as {@code estimate}'s. */
    public static final int PROMPT = 1024;
    public static final int OUTPUT = 128;
    /** Decode attention's measured contexts: around the request's average (prompt + output/2) and four times it. */
    static final List<Integer> CONTEXTS = List.of(1024, 4096);

    @Override
    public String id() {
        return "cost";
    }

    @Override
    public String description() {
        return "the default: the kernel rows the estimator reads for one model's TTFT, TPOT and $ per 1M tokens (fp16, int8, int4_g128)";
    }

    /** The rows are the estimator's inputs; nothing else is predicted from them in the run. */
    @Override
    public List<String> predictionSuites() {
        return List.of();
    }

    /**
     * The second decode batch: qgemv's largest ({@link QGemv#MAX_BATCH}, the tensor-core path on GPUs)
     * where every product's k allows it, else the largest the CUDA-core path takes.
     */
    static int largerBatch(ModelSpec model) {
        for (ModelSpec.Linear l : model.linearLayers()) {
            for (WeightFormat f : QGemv.FORMATS) {
                try {
                    QGemv.workload(f, l.rows(), l.cols(), QGemv.MAX_BATCH);
                } catch (IllegalArgumentException e) {
                    return QGemv.CUDA_CORE_MAX_BATCH;
                }
            }
        }
        return QGemv.MAX_BATCH;
    }

    /**
     * The largest batch the table prices in {@code f}: the most sequences whose KV cache fits beside
     * the weights ({@link Estimator#maxBatch}); 0 when the weights do not fit.
     */
    static int largestBatch(ModelSpec model, WeightFormat f, DeviceProperties device) {
        Scenario s = Scenario.plain(model, f, AttentionDecode.KvFormat.FP16, PROMPT, OUTPUT, 1, Scenario.averageContext(PROMPT, OUTPUT), 1);
        return (int) Math.min(Estimator.maxBatch(s, device.memoryBytes()), CostTable.MAX_BATCH);
    }

    /**
     * The decode step at {@code batch} (a power of two past qgemv's batches) for the formats priced
     * there, as the estimator prices it: each dense product by the 16-bit GEMM at that many rows
     * (int8 / int4: after dequantising, whose rows the prefill measures); a router on the experts
     * kernel, as the prefill's; the LM head at the nearest product's GEMM rate; attention over the
     * average context; one layer's ops. The experts' shares: {@link #expertCases}.
     */
    static List<BenchCase> largestBatchCases(int batch, ModelSpec model, DeviceProperties device, String modelArgument) {
        List<BenchCase> cases = new ArrayList<>();
        long coldSet = CacheRotation.coldSetBytes(device, 0);
        for (ModelSpec.Linear l : model.linearLayers()) {
            if (!model.isExpert(l)) {
                cases.add(GemmSuite.gemmCase(DataType.F16, batch, l.rows(), l.cols(), device));
            }
        }
        if (model.experts() > 0 && batch > PROMPT) {
            // the router runs on the experts kernel: the prefill's router row covers batches up to the prompt
            cases.add(QGemvSuite.qgemvCase(WeightFormat.FP16, model.experts(), model.hidden(), batch, device, coldSet));
        }
        // the LM head's GEMM is timed at the nearest product's rate (same k, the largest n): a 1 GiB head costs a host 20 s to set up and time
        if (AttentionSuite.fits(batch, model, CONTEXTS.get(0), device)) {
            cases.add(AttentionSuite.decodeCase(AttentionDecode.KvFormat.FP16,
                    new AttentionDecode.Shape(batch, model.heads(), model.kvHeads(), model.headDim(), CONTEXTS.get(0)), device, coldSet));
        }
        cases.add(TransformerOpsSuite.layerCase(false, batch, model, modelArgument));
        return cases;
    }

    /**
     * A mixture of experts' decode step at {@code batch} in {@code f}: each expert takes its share of
     * the batch's rows ({@link ModelSpec#rowsPerExpert}), on qgemv at the whole rows either side of it,
     * or past qgemv's batches by the 16-bit GEMM (int8 / int4: after dequantising).
     */
    static List<BenchCase> expertCases(int batch, WeightFormat f, ModelSpec model, DeviceProperties device) {
        List<BenchCase> cases = new ArrayList<>();
        long coldSet = CacheRotation.coldSetBytes(device, 0);
        double rows = model.rowsPerExpert(batch);
        for (ModelSpec.Linear l : model.linearLayers()) {
            if (!model.isExpert(l)) {
                continue;
            }
            if (rows <= largerBatch(model)) {
                for (double b : new double[] {Math.floor(rows), Math.ceil(rows)}) {
                    cases.add(QGemvSuite.qgemvCase(f, l.rows(), l.cols(), (int) b, device, coldSet));
                }
            } else {
                cases.add(GemmSuite.gemmCase(DataType.F16, (int) Math.round(rows), l.rows(), l.cols(), device));
                if (f.quantized()) {
                    cases.add(QGemvSuite.dequantizeCase(f, l.rows(), l.cols(), device));
                }
            }
        }
        return cases;
    }

    /**
     * Batch 1 in every format; the larger batch in the formats whose weights leave room for more than
     * one sequence; past it, each such format's largest batch rounded up to a power of two
     * ({@link #largestBatchCases}); a mixture of experts' shares of each format's own largest batch
     * ({@link #expertCases}); the prompt's prefill in every format.
     */
    @Override
    public List<BenchCase> cases(Profile profile, DeviceProperties device, ModelSpec model, String modelArgument) {
        List<WeightFormat> formats = List.of(QGemv.FORMATS);
        int larger = largerBatch(model);
        Map<WeightFormat, Integer> largest = new EnumMap<>(WeightFormat.class);
        formats.forEach(f -> largest.put(f, largestBatch(model, f, device)));
        List<WeightFormat> batched = formats.stream().filter(f -> largest.get(f) > 1).toList();
        // each format's largest batch past qgemv's, rounded up to a power of two
        TreeSet<Integer> past = new TreeSet<>();
        batched.stream().filter(f -> largest.get(f) > larger).forEach(f -> past.add(Integer.highestOneBit(largest.get(f) - 1) << 1));
        LinkedHashSet<BenchCase> cases = new LinkedHashSet<>();
        cases.addAll(decodeCases(1, CONTEXTS, formats, device, model));
        cases.add(TransformerOpsSuite.layerCase(false, 1, model, modelArgument));
        if (!batched.isEmpty()) {
            // attention at one context: the request's average is within a few percent of it; the experts' shares at each format's own batch
            decodeCases(larger, List.of(CONTEXTS.get(0)), batched, device, model).stream()
                    .filter(c -> !isExpertProduct(c, model)).forEach(cases::add);
            cases.add(TransformerOpsSuite.layerCase(false, larger, model, modelArgument));
            for (WeightFormat f : batched) {
                if (model.experts() > 0) {
                    cases.addAll(expertCases(largest.get(f), f, model, device));
                }
            }
        }
        past.forEach(batch -> cases.addAll(largestBatchCases(batch, model, device, modelArgument)));
        cases.addAll(PrefillSuite.kernelCases(List.of(PROMPT), formats, device, model));
        cases.add(TransformerOpsSuite.layerCase(true, PROMPT, model, modelArgument));
        return new ArrayList<>(cases);
    }

    /** Whether a case times one of the model's experts' products (a qgemv row of an expert's shape). */
    private static boolean isExpertProduct(BenchCase c, ModelSpec model) {
        return c.kernel().equals("qgemv") && model.linearLayers().stream().filter(model::isExpert)
                .anyMatch(l -> c.shape().get(Column.N) == l.rows() && c.shape().get(Column.K) == l.cols());
    }

    /** The decode suite's kernel rows at one batch, the attention cases a Java array can hold. */
    private static List<BenchCase> decodeCases(int batch, List<Integer> contexts, List<WeightFormat> formats, DeviceProperties device, ModelSpec model) {
        // a cache past one Java array cannot be filled: the estimator holds the nearest batch's rate
        return DecodeSuite.kernelCases(List.of(batch), contexts, formats, device, model).stream()
                .filter(c -> !c.suite().equals("attention") || AttentionSuite.fits(batch, model, c.shape().get(Column.CONTEXT).intValue(), device))
                .toList();
    }
}
