package io.tokencost.bench;

import io.tokencost.cost.ModelPresets;
import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.WeightFormat;
import io.tokencost.measure.JvmFlags;
import io.tokencost.measure.StepWarmUp;
import io.tokencost.measure.Workload;
import io.tokencost.model.SyntheticModel;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;

/**
 * What the whole-model benchmarks share: a {@link SyntheticModel} of {@code model} (a preset name or
 * a config.json path) in {@code weights}, its release, and a warm-up that runs until the step time
 * settles. Subclasses build the model for their step and launch it. A model fork gets 16 GiB of heap.
 */
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", JvmFlags.INLINE_DEPTH, JvmFlags.LINE_ALIGNED_OBJECTS, JvmFlags.FULL_PROFILES, "-Xmx16g"})
public abstract class ModelBench extends DeviceBench {

    /** Warm-up steps: at least this many, then until the step time settles ({@link StepWarmUp}). */
    static final int MIN_WARMUP_STEPS = 5;
    /** Every model benchmark's weights are drawn from this seed. */
    static final long SEED = SyntheticModel.SUITE_SEED;

    @Param("Llama-3.1-8B")
    public String model;

    @Param("int4_g128")
    public String weights;

    protected SyntheticModel synthetic;

    /** Builds {@link #synthetic} for the spec and format and returns one step's work. */
    protected abstract Workload build(ModelSpec spec, WeightFormat format);

    @Override
    protected Workload prepare() {
        return build(ModelPresets.resolve(model), WeightFormat.parse(weights));
    }

    @Override
    protected void warmUp() {
        StepWarmUp.untilSteady(this::launch, session, minWarmupSteps());
    }

    /** The fewest warm-up steps; three at least (the settling test compares three). */
    protected int minWarmupSteps() {
        return MIN_WARMUP_STEPS;
    }

    @Override
    protected void release() {
        synthetic.close();
    }
}
