package io.tokencost.suite;

import io.tokencost.backend.DeviceProperties;
import io.tokencost.cost.ModelPresets;
import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.WeightFormat;
import io.tokencost.model.SyntheticModel;

import java.util.List;

/** A suite that runs a whole model: its cases depend on the model {@code run --model} names. */
public interface ModelSuite extends Suite {

    /**
     * Measurement iterations, each timing one launch at least, per row a model's prediction reads.
     * The quick profile's 5 gave a 370 ms prefill product 7 samples, one of them 1.5x the median:
     * +9 % on the row's mean, +8 % on the predicted prefill.
     */
    int PREDICTION_ROW_ITERATIONS = 20;

    List<BenchCase> cases(Profile profile, DeviceProperties device, ModelSpec model, String modelArgument);

    /** Why {@link #cases} is empty for this model on this device, for the run to say so in one line. */
    default String whyNoCases(ModelSpec model) {
        return "none of its cases fits this device's memory (or, on a host, a fork's heap)";
    }

    /** The fewest measurement iterations a step of this suite is timed over on {@code device}; 0: the profile's. */
    default int minStepIterations(DeviceProperties device) {
        return 0;
    }

    /** The kernel suites whose rows the estimator's prediction of this suite's steps reads. */
    default List<String> predictionSuites() {
        return List.of("qgemv", "gemm", "attention", "ops");
    }

    /**
     * Kernel cases at this model's own shapes that the prediction reads besides {@link #predictionSuites}
     * (the suites time one layer's shape; a kernel's rate can differ several-fold across shapes).
     */
    default List<BenchCase> predictionCases(Profile profile, DeviceProperties device, ModelSpec model) {
        return List.of();
    }

    /** The weight formats a model suite runs: GPUs all three; hosts int4_g128 (`--full`: int8 too), what fits their RAM. */
    static List<WeightFormat> formats(Profile profile, DeviceProperties device) {
        if (device.isGpu()) {
            return List.of(WeightFormat.FP16, WeightFormat.INT8, WeightFormat.INT4_G128);
        }
        return profile == Profile.FULL ? List.of(WeightFormat.INT8, WeightFormat.INT4_G128) : List.of(WeightFormat.INT4_G128);
    }

    /** GPUs: the model in the share {@link SyntheticModel} allows (90 %); hosts: the fork's heap (twice that, + 1 GiB) in 80 % of RAM. */
    static boolean fits(DeviceProperties device, long bytes) {
        return device.isGpu() ? SyntheticModel.fitsIn(bytes, device.memoryBytes())
                : 2 * bytes + (1L << 30) <= device.memoryBytes() * 8 / 10;
    }

    /** Without a model: the default preset's cases. */
    @Override
    default List<BenchCase> cases(Profile profile, DeviceProperties device, long workingSetOverride) {
        return cases(profile, device, ModelPresets.byName("Llama-3.1-8B"), "Llama-3.1-8B");
    }
}
