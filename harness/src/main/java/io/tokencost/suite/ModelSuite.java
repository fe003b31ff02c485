package io.tokencost.suite;

import io.tokencost.backend.DeviceProperties;
import io.tokencost.cost.ModelSpec;

import java.util.List;

/** A suite that runs a whole model: its cases depend on the model {@code run --model} names. */
public interface ModelSuite extends Suite {

    List<BenchCase> cases(Profile profile, DeviceProperties device, ModelSpec model, String modelArgument);

    /** The kernel suites whose rows the estimator's prediction of this suite's steps reads. */
    default List<String> predictionSuites() {
        return List.of("qgemv", "gemm", "attention");
    }

    /** Without a model: the default preset's cases. */
    @Override
    default List<BenchCase> cases(Profile profile, DeviceProperties device, long workingSetOverride) {
        return cases(profile, device, io.tokencost.cost.ModelPresets.byName("Llama-3.1-8B"), "Llama-3.1-8B");
    }
}
