package io.tokencost.suite;

import io.tokencost.measure.Workload;
import io.tokencost.results.CaseKey;
import io.tokencost.results.Column;

import java.util.Map;

/**
 * One measured case: which JMH benchmark with which parameters, the shape it runs at (as result
 * columns), and the work it declares. The harness derives every rate from {@link #workload()}.
 *
 * @param check       the kernel check that must have passed first, {@code <family>/<kernel>} as {@link io.tokencost.kernels.CheckResult} names it
 * @param benchmark   JMH benchmark method, e.g. {@code io.tokencost.bench.MemoryBench.measure}
 * @param jmhParams   the @Param values that select this case (backend and device are added by the runner)
 * @param workingSetBytes device memory the case touches (sizes the fork's heap on the CPU)
 * @param l2          {@code cold} when caches cannot help (flushed, or working set >= 4x LLC), else {@code warm}
 */
public record BenchCase(String suite, String check, String kernel, String dtype, String weightFormat,
                        Map<Column, Long> shape, Workload workload, long workingSetBytes, String l2,
                        String benchmark, Map<String, String> jmhParams) {

    public BenchCase {
        shape = Map.copyOf(shape);
        jmhParams = Map.copyOf(jmhParams);
    }

    /**
     * A short label for logs and messages that tells cases apart, e.g. {@code memory/copy fp32 n=268435456}
     * or {@code qgemv/qgemv fp16 int4_g128 n=4096 k=14336 batch=1}: suite/kernel, dtype, weight format (unless the dtype), shape.
     */
    public String label() {
        return CaseKey.of(suite, kernel, dtype, weightFormat, shape).label();
    }
}
