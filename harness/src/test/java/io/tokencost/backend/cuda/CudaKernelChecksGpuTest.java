package io.tokencost.backend.cuda;

import io.tokencost.backend.Session;
import io.tokencost.families.KernelFamilies;
import io.tokencost.kernels.CheckResult;
import io.tokencost.kernels.KernelCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kernel check of {@code verify} on the GPU, one test per family: the tensor-core fragment
 * layouts (mma_probe, gemm, qgemv past batch 4, prefill), the dynamic shared memory opt-in past
 * 48 KiB (gemm, prefill at head_dim 128), split-KV and paged decode. Skipped without a GPU.
 */
class CudaKernelChecksGpuTest {

    private static Session session;

    @BeforeAll
    static void open() {
        session = GpuTests.openOrSkip(CudaKernelChecksGpuTest.class);
    }

    @AfterAll
    static void close() {
        if (session != null) {
            session.close();
        }
    }

    @TestFactory
    List<DynamicTest> everyFamilyPassesOnTheGpu() {
        List<DynamicTest> tests = new ArrayList<>();
        for (KernelCheck check : KernelFamilies.checks()) {
            tests.add(DynamicTest.dynamicTest(check.family(), () -> {
                for (CheckResult r : check.check(session, new SplittableRandom())) {
                    assertTrue(r.passed(), r.key() + ": max rel error " + r.maxRelError() + " (bound " + r.bound() + ") " + r.failure());
                }
            }));
        }
        return tests;
    }
}
