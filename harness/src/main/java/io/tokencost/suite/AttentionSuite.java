package io.tokencost.suite;

import io.tokencost.backend.DataType;
import io.tokencost.backend.DeviceProperties;
import io.tokencost.cost.ModelPresets;
import io.tokencost.cost.ModelSpec;
import io.tokencost.kernels.FloatTypes;
import io.tokencost.kernels.attentiondecode.AttentionDecode;
import io.tokencost.kernels.attentionprefill.AttentionPrefill;
import io.tokencost.measure.Workload;
import io.tokencost.results.Column;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Attention across context lengths, at the presets' head counts: causal prefill over prompts of
 * several lengths (fp16, bf16; FLOPs count the pairs the mask keeps), and the decode step (one
 * query token per sequence against its KV cache, split-KV) for fp16 and int8 KV caches over
 * contexts and batches: the rows that draw time and $ against context. Prefill rows come first. As in qgemv, a row's dtype is the
 * activations' (fp16 queries) and its weight_format the stored tensor's: the KV cache's format. GPUs flush L2 before each sample; hosts rotate cache copies
 * totalling >= 4x the last-level cache, as qgemv does with weights.
 */
public final class AttentionSuite implements Suite {

    static final String BENCHMARK = "io.tokencost.bench.AttentionDecodeBench.measure";
    static final String PREFILL_BENCHMARK = "io.tokencost.bench.AttentionPrefillBench.measure";

    @Override
    public String id() {
        return "attention";
    }

    @Override
    public String description() {
        return "causal prefill attention (tensor cores; fp16, bf16) over prompt lengths, and decode attention (split-KV, GQA; "
                + "fp16 and int8 KV cache) across context lengths and batches";
    }

    @Override
    public List<BenchCase> cases(Profile profile, DeviceProperties device, long workingSetOverride) {
        boolean gpu = device.isGpu();
        List<String> models;
        List<Integer> contexts;
        List<Integer> batches;
        if (profile == Profile.QUICK) {
            models = List.of("Llama-3.1-8B");
            contexts = gpu ? List.of(1024, 8192, 32768, 131072) : List.of(1024, 8192, 32768);
            batches = List.of(1, 16);
        } else {
            models = List.of("Llama-3.1-8B", "Llama-3.1-70B", "Qwen3-30B-A3B");
            contexts = gpu ? List.of(1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072) : List.of(1024, 2048, 4096, 8192, 16384, 32768);
            batches = gpu ? List.of(1, 4, 16, 64) : List.of(1, 4, 16);
        }
        long coldSet = CacheRotation.coldSetBytes(device, workingSetOverride);
        List<BenchCase> cases = new ArrayList<>(prefillCases(profile, device, gpu));
        List<List<Integer>> seen = new ArrayList<>();
        for (String model : models) {
            ModelSpec spec = ModelPresets.byName(model);
            for (int batch : batches) {
                for (int context : contexts) {
                    if (!fits(batch, spec, context, device) || seen.contains(List.of(spec.heads(), spec.kvHeads(), spec.headDim(), batch, context))) {
                        continue;
                    }
                    seen.add(List.of(spec.heads(), spec.kvHeads(), spec.headDim(), batch, context));
                    AttentionDecode.Shape s = new AttentionDecode.Shape(batch, spec.heads(), spec.kvHeads(), spec.headDim(), context);
                    for (AttentionDecode.KvFormat kv : AttentionDecode.KvFormat.values()) {
                        cases.add(decodeCase(kv, s, device, coldSet));
                    }
                }
            }
        }
        return cases;
    }

    /**
     * One decode attention case: GPUs flush L2 (cold); hosts rotate copies of the cache past
     * {@code coldSet} bytes ({@link CacheRotation}), else label it warm.
     */
    static BenchCase decodeCase(AttentionDecode.KvFormat kv, AttentionDecode.Shape s, DeviceProperties device, long coldSet) {
        boolean gpu = device.isGpu();
        long cacheBytes = AttentionDecode.workload(kv, s).bytesRead();
        int copies = gpu ? 1 : CacheRotation.copies(coldSet, cacheBytes, 1024);
        long workingSet = copies * cacheBytes;
        String l2 = gpu ? "cold" : CacheRotation.pastCache(device, workingSet) ? (copies > 1 ? "rotated" : "cold") : "warm";
        return new BenchCase("attention", "attention_decode/" + kv.id(), "decode", "fp16", kv.id(),
                Map.of(Column.BATCH, (long) s.batch(), Column.CONTEXT, (long) s.context(), Column.HEADS, (long) s.heads(),
                        Column.KV_HEADS, (long) s.kvHeads(), Column.HEAD_DIM, (long) s.headDim()),
                AttentionDecode.workload(kv, s), workingSet, l2, BENCHMARK,
                Map.of("kv", kv.id(), "batch", Integer.toString(s.batch()), "heads", Integer.toString(s.heads()),
                        "kvHeads", Integer.toString(s.kvHeads()), "headDim", Integer.toString(s.headDim()),
                        "context", Integer.toString(s.context()), "copies", Integer.toString(copies)));
    }

    /** Prefill: prompt lengths x batches at the models' head layouts, both 16-bit types. */
    List<BenchCase> prefillCases(Profile profile, DeviceProperties device, boolean gpu) {
        List<String> models = profile == Profile.QUICK ? List.of("Llama-3.1-8B") : List.of("Llama-3.1-8B", "Llama-3.1-70B");
        List<Integer> lengths = profile == Profile.QUICK ? (gpu ? List.of(512, 2048, 8192) : List.of(512, 2048))
                : (gpu ? List.of(512, 1024, 2048, 4096, 8192, 16384, 32768) : List.of(512, 1024, 2048, 4096));
        List<Integer> batches = profile == Profile.QUICK || !gpu ? List.of(1) : List.of(1, 4, 8);
        List<BenchCase> cases = new ArrayList<>();
        for (String model : models) {
            ModelSpec spec = ModelPresets.byName(model);
            for (int batch : batches) {
                for (int seq : lengths) {
                    if ((long) batch * spec.heads() * seq * spec.headDim() > Integer.MAX_VALUE - 8) {
                        continue;   // past one Java array (batch 8 x 64 heads x 32k x 128)
                    }
                    AttentionPrefill.Shape s = new AttentionPrefill.Shape(batch, spec.heads(), spec.kvHeads(), spec.headDim(), seq);
                    for (DataType type : AttentionPrefill.TYPES) {
                        cases.add(prefillCase(type, s, device));
                    }
                }
            }
        }
        return cases;
    }

    /** One prefill attention case: GPUs flush L2 (cold); hosts are warm unless q, k, v and o exceed 4x the last-level cache. */
    static BenchCase prefillCase(DataType type, AttentionPrefill.Shape s, DeviceProperties device) {
        Workload w = AttentionPrefill.workload(type, s);
        String l2 = device.isGpu() || CacheRotation.pastCache(device, w.bytesMoved()) ? "cold" : "warm";
        String dtype = FloatTypes.id(type);
        return new BenchCase("attention", "attention_prefill/" + dtype, "prefill", dtype, dtype,
                Map.of(Column.BATCH, (long) s.batch(), Column.SEQ_LEN, (long) s.seq(), Column.HEADS, (long) s.heads(),
                        Column.KV_HEADS, (long) s.kvHeads(), Column.HEAD_DIM, (long) s.headDim()),
                w, w.bytesMoved(), l2, PREFILL_BENCHMARK,
                Map.of("dtype", dtype, "batch", Integer.toString(s.batch()), "heads", Integer.toString(s.heads()),
                        "kvHeads", Integer.toString(s.kvHeads()), "headDim", Integer.toString(s.headDim()), "seq", Integer.toString(s.seq())));
    }

    /**
     * Whether a case can run: a cache within one Java array (the harness fills it from one; batch 16 at
     * 128k tokens of 8 kv heads x 128 is the first that does not) and within a quarter of the device's memory.
     */
    static boolean fits(int batch, ModelSpec spec, int context, DeviceProperties device) {
        long elements = (long) batch * spec.kvHeads() * context * spec.headDim();
        long fp16Bytes = 4 * elements;   // k and v
        return elements <= Integer.MAX_VALUE - 8 && (device.memoryBytes() <= 0 || fp16Bytes <= device.memoryBytes() / 4);
    }
}
