package io.tokencost.kernels;

import io.tokencost.backend.Session;

import java.util.List;
import java.util.random.RandomGenerator;

/** Checks every kernel of one family on a backend against the Java reference, on fresh random inputs. */
public interface KernelCheck {

    /** The family, named after its .cu file (e.g. {@code memory_stream}). */
    String family();

    List<CheckResult> check(Session session, RandomGenerator random);
}
