package io.tokencost.cli;

import io.tokencost.backend.BackendUnavailableException;
import io.tokencost.backend.Backends;
import io.tokencost.backend.Session;
import io.tokencost.kernels.CheckResult;
import io.tokencost.kernels.KernelCheck;
import io.tokencost.kernels.memorystream.MemoryStreamCheck;
import io.tokencost.kernels.qgemv.QGemvFamily;
import io.tokencost.kernels.qgemv.QGemvKernels;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A family whose module a GPU's driver refuses fails verification alone, with the reason in plain
 * words: every other family is still checked (and so measured). Played on the CPU backend with
 * the qgemv launcher replaced by one that fails as a refused module does.
 */
class VerifyFamiliesTest {

    static final String REFUSED = "cannot load kernel module qgemv: qgemv.fatbin needs a driver for CUDA 13.0 or newer (R580+), this is "
            + "R535 (CUDA 12.2) (CUDA_ERROR_UNSUPPORTED_PTX_VERSION)";

    @Test
    void aFamilyWhoseModuleDoesNotLoadFailsAloneWithItsReason() {
        try (Session cpu = Backends.byId("cpu").open(0)) {
            QGemvKernels refused = (QGemvKernels) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {QGemvKernels.class},
                    (proxy, method, args) -> {
                        throw new BackendUnavailableException(REFUSED);
                    });
            Session session = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class}, (proxy, method, args) -> {
                if (method.getName().equals("family") && args[0] == QGemvFamily.DESCRIPTOR) {
                    return refused;
                }
                try {
                    return method.invoke(cpu, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
            List<CheckResult> results = VerifyCommand.verifyAll(session);
            List<CheckResult> qgemv = results.stream().filter(r -> r.family().equals("qgemv")).toList();
            assertFalse(qgemv.isEmpty());
            for (CheckResult r : qgemv) {
                assertFalse(r.passed(), r.key());
                assertEquals(REFUSED, r.failure(), r.key() + ": the reason, without an exception's class name");
            }
            // a family that throws before its cases (a module that fails as it is looked up) fails alone too
            KernelCheck throwing = new KernelCheck() {
                @Override
                public String family() {
                    return "qgemv";
                }

                @Override
                public List<CheckResult> check(Session s, RandomGenerator random) {
                    throw new BackendUnavailableException(REFUSED);
                }
            };
            List<CheckResult> two = VerifyCommand.verifyAll(session, List.of(throwing, new MemoryStreamCheck()));
            assertEquals(new CheckResult("qgemv", "*", "", 0, Double.NaN, 0, REFUSED), two.get(0));
            assertTrue(two.size() > 1 && two.subList(1, two.size()).stream().allMatch(CheckResult::passed), two.toString());
            // the families that do not launch qgemv still verify: they would still be measured
            for (String family : List.of("memory_stream", "gemm", "attention_decode", "attention_prefill", "transformer_ops")) {
                List<CheckResult> own = results.stream().filter(r -> r.family().equals(family)).toList();
                assertFalse(own.isEmpty(), family);
                assertTrue(own.stream().allMatch(CheckResult::passed), family + ": " + own);
            }
        }
    }
}
