package io.tokencost.backend.cuda;

import io.tokencost.backend.Availability;
import io.tokencost.backend.Session;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Opens device 0 for a GPU-only test class, or skips it with the reason printed to the CI log. */
final class GpuTests {

    private GpuTests() {
    }

    static Session openOrSkip(Class<?> testClass) {
        Availability a = new CudaBackend().availability();
        if (!a.available()) {
            // surefire's console shows no skip reasons: print it so CI logs say why
            System.out.println("[SKIPPED] " + testClass.getSimpleName() + " needs a GPU: " + a.reason());
        }
        assumeTrue(a.available(), "no usable CUDA GPU: " + a.reason());
        return new CudaBackend().open(0);
    }
}
