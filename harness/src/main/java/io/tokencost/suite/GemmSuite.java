package io.tokencost.suite;

import io.tokencost.backend.DataType;
import io.tokencost.backend.DeviceProperties;
import io.tokencost.cost.ModelPresets;
import io.tokencost.cost.ModelSpec;
import io.tokencost.kernels.FloatTypes;
import io.tokencost.kernels.gemm.Gemm;
import io.tokencost.results.Column;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dense GEMM, C = A · Bᵀ in fp16 and bf16 (tensor cores on GPUs) and fp32 (CUDA cores): square
 * shapes and the prefill shapes of the presets' linear layers (M = prompt tokens, N x K = the
 * layer's weight; MoE presets: one expert's). GPUs flush L2 before every sample; host backends, whose caches a blocked GEMM
 * is built to reuse, label a case warm unless its matrices exceed 4x the last-level cache.
 * Host backends (cpu, emu) run smaller shapes: a CPU does in a second what a GPU does in a millisecond.
 */
public final class GemmSuite implements Suite {

    static final String BENCHMARK = "io.tokencost.bench.GemmBench.measure";

    @Override
    public String id() {
        return "gemm";
    }

    @Override
    public String description() {
        return "dense GEMM (fp16, bf16 on tensor cores; fp32) at square and prefill shapes of the presets' linear layers";
    }

    /** (m, n, k) for a profile: squares, then prefill token counts x each preset layer's weight. */
    static List<int[]> shapes(Profile profile, boolean gpu) {
        Set<List<Integer>> shapes = new LinkedHashSet<>();
        List<Integer> squares;
        List<Integer> tokens;
        List<String> models;
        if (profile == Profile.QUICK) {
            squares = gpu ? List.of(4096, 8192) : List.of(1024);
            tokens = List.of(gpu ? 2048 : 512);
            models = List.of("Llama-3.1-8B");
        } else {
            squares = gpu ? List.of(1024, 2048, 4096, 8192) : List.of(1024, 2048, 4096);
            tokens = gpu ? List.of(512, 2048, 8192) : List.of(512, 2048);
            // every preset's layers; hosts leave out Llama-3.1-70B's (a CPU takes seconds per product)
            models = ModelPresets.names().stream().filter(name -> gpu || !name.equals("Llama-3.1-70B")).toList();
        }
        for (int s : squares) {
            shapes.add(List.of(s, s, s));
        }
        for (ModelSpec.Linear layer : ModelPresets.distinctLinearLayers(models)) {
            if (profile == Profile.QUICK && !layer.name().equals(gpu ? "gate_up" : "o")) {
                continue;   // quick: one layer, the widest on GPUs, the cheapest on hosts
            }
            for (int m : tokens) {
                shapes.add(List.of(m, layer.rows(), layer.cols()));
            }
        }
        List<int[]> out = new ArrayList<>();
        for (List<Integer> s : shapes) {
            out.add(new int[] {s.get(0), s.get(1), s.get(2)});
        }
        return out;
    }

    @Override
    public List<BenchCase> cases(Profile profile, DeviceProperties device, long workingSetOverride) {
        boolean gpu = device.isGpu();
        List<BenchCase> cases = new ArrayList<>();
        for (int[] s : shapes(profile, gpu)) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            for (DataType type : Gemm.TYPES) {
                cases.add(gemmCase(type, m, n, k, device));
            }
        }
        return cases;
    }

    /** One product's case: GPUs flush L2 (cold); hosts are warm unless the matrices exceed 4x the last-level cache. */
    static BenchCase gemmCase(DataType type, int m, int n, int k, DeviceProperties device) {
        long workingSet = type.bytes() * ((long) m * k + (long) n * k + (long) m * n);
        String l2 = device.isGpu() || CacheRotation.pastCache(device, workingSet) ? "cold" : "warm";
        String dtype = FloatTypes.id(type);
        return new BenchCase("gemm", "gemm/" + dtype, "gemm", dtype, dtype,
                Map.of(Column.M, (long) m, Column.N, (long) n, Column.K, (long) k),
                Gemm.workload(type, m, n, k), workingSet, l2, BENCHMARK,
                Map.of("dtype", dtype, "m", Integer.toString(m), "n", Integer.toString(n), "k", Integer.toString(k)));
    }
}
