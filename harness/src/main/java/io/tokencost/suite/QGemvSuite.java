package io.tokencost.suite;

import io.tokencost.backend.DeviceProperties;
import io.tokencost.cost.ModelPresets;
import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.qgemv.QGemv;
import io.tokencost.results.Column;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Weight-only quantized GEMV (batch 1) and small-batch GEMM (quick: batch 16; full: 4, 16, 64) at the shapes of a model's
 * linear layers, fp16 / int8 / int4_g128. Weights are rotated over enough copies that the set
 * exceeds 4x the last-level cache: every invocation streams its weights from memory.
 */
public final class QGemvSuite implements Suite {

    static final String BENCHMARK = "io.tokencost.bench.QGemvBench.measure";
    /** The shape of the llama.cpp CPU comparison (Llama-3.1-8B's down projection). */
    static final int[] QUICK_SHAPE = {4096, 14336};

    @Override
    public String id() {
        return "qgemv";
    }

    @Override
    public String description() {
        return "weight-only quantized GEMV and small-batch GEMM up to batch 64 (fp16, int8, int4_g128) at model linear-layer shapes";
    }

    @Override
    public List<BenchCase> cases(Profile profile, DeviceProperties device, long workingSetOverride) {
        List<int[]> shapes = new ArrayList<>();
        List<Integer> batches;
        if (profile == Profile.QUICK) {
            shapes.add(QUICK_SHAPE);
            batches = List.of(1, 16);
        } else {
            for (ModelSpec.Linear layer : ModelPresets.distinctLinearLayers(ModelPresets.names())) {
                shapes.add(new int[] {layer.rows(), layer.cols()});
            }
            batches = List.of(1, 4, 16, 64);
        }
        long coldSet = CacheRotation.coldSetBytes(device, workingSetOverride);
        List<BenchCase> cases = new ArrayList<>();
        for (int[] shape : shapes) {
            for (WeightFormat f : QGemv.FORMATS) {
                for (int batch : batches) {
                    cases.add(qgemvCase(f, shape[0], shape[1], batch, device, coldSet));
                }
            }
        }
        return cases;
    }

    /** One product's case, its weights rotated over copies totalling {@code coldSet} (rotated once past 4x the last-level cache). */
    static BenchCase qgemvCase(WeightFormat f, int n, int k, int batch, DeviceProperties device, long coldSet) {
        long weightBytes = QGemv.weightBytes(f, n, k);
        int copies = CacheRotation.copies(coldSet, weightBytes, 256);
        long workingSet = copies * weightBytes;
        String l2 = CacheRotation.pastCache(device, workingSet) ? "rotated" : "warm";
        return new BenchCase("qgemv", "qgemv/" + f.id(), "qgemv", "fp16", f.id(),
                Map.of(Column.N, (long) n, Column.K, (long) k, Column.BATCH, (long) batch),
                QGemv.workload(f, n, k, batch), workingSet, l2, BENCHMARK,
                Map.of("format", f.id(), "n", Integer.toString(n), "k", Integer.toString(k),
                        "batch", Integer.toString(batch), "copies", Integer.toString(copies)));
    }

    /**
     * int8 / int4 weights dequantised to fp16 at one layer's shape (a prefill's first step per
     * product), weights rotated past the caches as for the products; bytes/s is the row's rate.
     */
    static BenchCase dequantizeCase(WeightFormat f, int n, int k, DeviceProperties device) {
        long weightBytes = QGemv.weightBytes(f, n, k);
        int copies = CacheRotation.copies(CacheRotation.coldSetBytes(device, 0), weightBytes, 256);
        long workingSet = copies * weightBytes + 2L * n * k;
        return new BenchCase("qgemv", "qgemv/dequantize/" + f.id(), "dequantize", "fp16", f.id(), Map.of(Column.N, (long) n, Column.K, (long) k),
                QGemv.dequantizeWorkload(f, n, k), workingSet, CacheRotation.pastCache(device, workingSet) ? "rotated" : "warm", BENCHMARK,
                Map.of("kernel", "dequantize", "format", f.id(), "n", Integer.toString(n), "k", Integer.toString(k), "batch", "1",
                        "copies", Integer.toString(copies)));
    }
}
