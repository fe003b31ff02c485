package io.tokencost.bench;

import io.tokencost.cost.ModelPresets;
import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.WeightFormat;
import io.tokencost.measure.Workload;
import io.tokencost.model.SyntheticModel;
import org.openjdk.jmh.annotations.Param;

/**
 * What the whole-model benchmarks share: a {@link SyntheticModel} of {@code model} (a preset name or
 * a config.json path) in {@code weights}, its release, and a warm-up that runs until the step time
 * settles. Subclasses build the model for their step and launch it.
 */
public abstract class ModelBench extends DeviceBench {

    /** Warm-up steps: at least this many, then until three in a row agree within {@link #STEADY}. */
    static final int MIN_WARMUP_STEPS = 5;
    static final int MAX_WARMUP_STEPS = 40;
    static final double STEADY = 0.15;
    /** Every model benchmark's weights are drawn from this seed. */
    static final long SEED = 20261128L;

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

    /**
     * A step runs a dozen kernels, each a few times per step: on the CPU the first steps run them in
     * interpreted and C1 code, 4x slower than compiled (an 8B int4 decode step: 2.6 s for four steps,
     * then 0.6 s). Warm up until the step time settles, not for a fixed count.
     */
    @Override
    protected void warmUp() {
        double[] last = new double[3];
        for (int i = 0; i < MAX_WARMUP_STEPS; i++) {
            long t = System.nanoTime();
            launch();
            session.synchronize();
            last[i % 3] = System.nanoTime() - t;
            if (i + 1 >= minWarmupSteps()) {
                double min = Math.min(last[0], Math.min(last[1], last[2]));
                double max = Math.max(last[0], Math.max(last[1], last[2]));
                if (max <= min * (1 + STEADY)) {
                    return;
                }
            }
        }
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
