package io.tokencost.bench;

import io.tokencost.cost.ModelPresets;
import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.WeightFormat;
import io.tokencost.measure.Workload;
import io.tokencost.model.SyntheticModel;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The decode suite's case: one full decode step of a model with random weights (every layer's
 * norm, products, rotary and KV append, attention over {@code context} tokens, SwiGLU, residuals,
 * and the LM head) for {@code batch} sequences. Defaults: Llama-3.1-8B in int4_g128, batch 1, 1024
 * tokens of context. {@code model} takes a preset name or a config.json path.
 */
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx16g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class DecodeBench extends DeviceBench {

    @Param("Llama-3.1-8B")
    public String model;

    @Param("int4_g128")
    public String weights;

    @Param("1")
    public int batch;

    @Param("1024")
    public int context;

    private SyntheticModel synthetic;

    @Override
    protected Workload prepare() {
        ModelSpec spec = ModelPresets.resolve(model);
        WeightFormat format = WeightFormat.parse(weights);
        synthetic = new SyntheticModel(session, spec, format, batch, context, 20261128L);
        return SyntheticModel.workload(spec, format, batch, context);
    }

    /** Warm-up steps: at least this many, then until three in a row agree within {@link #STEADY}. */
    static final int MIN_WARMUP_STEPS = 5;
    static final int MAX_WARMUP_STEPS = 40;
    static final double STEADY = 0.15;

    /**
     * A step runs a dozen kernels, each a few times per step: on the CPU the first steps run them in
     * interpreted and C1 code, 4x slower than compiled (an 8B int4 step: 2.6 s for four steps, then
     * 0.6 s). Warm up until the step time settles, not for a fixed count.
     */
    @Override
    protected void warmUp() {
        double[] last = new double[3];
        for (int i = 0; i < MAX_WARMUP_STEPS; i++) {
            long t = System.nanoTime();
            launch();
            session.synchronize();
            last[i % 3] = System.nanoTime() - t;
            if (i + 1 >= MIN_WARMUP_STEPS) {
                double min = Math.min(last[0], Math.min(last[1], last[2]));
                double max = Math.max(last[0], Math.max(last[1], last[2]));
                if (max <= min * (1 + STEADY)) {
                    return;
                }
            }
        }
    }

    @Override
    protected void launch() {
        synthetic.decodeStep();
    }

    @Override
    protected void release() {
        synthetic.close();
    }
}
