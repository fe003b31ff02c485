package io.tokencost.kernels;

import io.tokencost.backend.BackendUnavailableException;
import io.tokencost.backend.Session;

import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;

/** Checks every kernel of one family on a backend against the Java reference, on fresh random inputs. */
public interface KernelCheck {

    /** The family, named after its .cu file (e.g. {@code memory_stream}). */
    String family();

    List<CheckResult> check(Session session, RandomGenerator random);

    /**
     * One kernel's result over its cases: the worst relative error {@code one} returns, or, when a
     * case throws, that failure in one line (the cases after it are not run).
     */
    static <T> CheckResult worstOf(String family, String kernel, String dtype, double bound, List<T> cases, ToDoubleFunction<T> one) {
        double worst = 0;
        String failure = null;
        try {
            for (T c : cases) {
                worst = Math.max(worst, one.applyAsDouble(c));
            }
        } catch (RuntimeException e) {
            failure = failure(e);
        }
        return new CheckResult(family, kernel, dtype, cases.size(), worst, bound, failure);
    }

    /**
     * A failure in one line: a module the device did not load says why in plain words (its image,
     * the driver it needs); anything else keeps its type, which tells an emulator fault from a mismatch.
     */
    static String failure(RuntimeException e) {
        return e instanceof BackendUnavailableException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
