package io.tokencost.suite;

import io.tokencost.backend.DeviceProperties;
import io.tokencost.results.Column;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gemm suite's cases: shapes per profile and device kind, workloads, cache labels. */
class GemmSuiteTest {

    static DeviceProperties device(String backend, long llc) {
        return new DeviceProperties(backend, 0, "test", "", "", "", 2, 1L << 34, 0, llc, Map.of());
    }

    static Set<String> shapes(List<BenchCase> cases) {
        return cases.stream().map(c -> c.shape().get(Column.M) + "x" + c.shape().get(Column.N) + "x" + c.shape().get(Column.K))
                .collect(Collectors.toSet());
    }

    @Test
    void quickOnAGpuRunsTheGoalShapeAndAPrefillLayerColdInEveryDtype() {
        List<BenchCase> cases = new GemmSuite().cases(Profile.QUICK, device("cuda", 50L << 20), 0);
        // 8192^3 is the cuBLAS comparison; 2048 tokens through Llama-3.1-8B's fused gate/up
        assertEquals(Set.of("4096x4096x4096", "8192x8192x8192", "2048x28672x4096"), shapes(cases));
        assertEquals(9, cases.size());
        assertTrue(cases.stream().allMatch(c -> c.l2().equals("cold")), "GPUs flush L2 before every sample");
        assertEquals(Set.of("fp16", "bf16", "fp32"), cases.stream().map(BenchCase::dtype).collect(Collectors.toSet()));
    }

    @Test
    void quickOnAHostRunsCpuSizedShapesLabelledByTheirCacheFit() {
        List<BenchCase> cases = new GemmSuite().cases(Profile.QUICK, device("cpu", 32L << 20), 0);
        assertEquals(Set.of("1024x1024x1024", "512x4096x4096"), shapes(cases));
        for (BenchCase c : cases) {
            long m = c.shape().get(Column.M);
            long n = c.shape().get(Column.N);
            long k = c.shape().get(Column.K);
            long element = c.dtype().equals("fp32") ? 4 : 2;
            assertEquals(element * (m * k + n * k + m * n), c.workingSetBytes());
            assertEquals(c.workingSetBytes(), c.workload().bytesMoved());
            assertEquals(2 * m * n * k, c.workload().flops());
            // 4x the 32 MiB cache = 128 MiB: the largest set (fp32 512x4096x4096, 80 MiB) stays below it
            assertEquals("warm", c.l2(), c.label());
            assertEquals("gemm/" + c.dtype(), c.check());
        }
    }

    @Test
    void fullCoversEveryPresetLayerAtEachPromptLength() {
        List<BenchCase> gpu = new GemmSuite().cases(Profile.FULL, device("cuda", 50L << 20), 0);
        Set<String> shapes = shapes(gpu);
        // Llama-3.1-70B's down projection (8192 x 28672) over 8192 tokens, and its qkv (10240 x 8192) over 512
        assertTrue(shapes.contains("8192x8192x28672"), shapes.toString());
        assertTrue(shapes.contains("512x10240x8192"), shapes.toString());
        // Qwen3-30B-A3B's expert gate/up (2 x 768 rows of 2048)
        assertTrue(shapes.contains("2048x1536x2048"), shapes.toString());
        // 4 squares + 3 prompt lengths x 12 distinct layers (8B = Mistral = Mixtral's expert, 70B, Qwen3),
        // less 70B's o projection at 8192 tokens (= the 8192 square)
        assertEquals(4 + 3 * 12 - 1, shapes.size());
        List<BenchCase> cpu = new GemmSuite().cases(Profile.FULL, device("cpu", 32L << 20), 0);
        assertTrue(shapes(cpu).stream().noneMatch(s -> s.startsWith("8192")), "hosts skip the 8192 shapes");
    }
}
