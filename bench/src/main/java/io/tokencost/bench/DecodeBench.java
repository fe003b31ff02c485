package io.tokencost.bench;

import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.WeightFormat;
import io.tokencost.measure.Workload;
import io.tokencost.model.SyntheticModel;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;

import java.util.concurrent.TimeUnit;

/**
 * The decode suite's case: one full decode step of a model with random weights (every layer's
 * norm, products, rotary and KV append, attention over {@code context} tokens, SwiGLU, residuals,
 * and the LM head) for {@code batch} sequences, launched as one CUDA graph on a GPU
 * ({@link io.tokencost.backend.Session#capture}: the step's ~10 launches per layer would otherwise
 * leave gaps between kernels of a few microseconds each). Defaults: Llama-3.1-8B in int4_g128,
 * batch 1, 1024 tokens of context. {@code model} takes a preset name or a config.json path.
 */
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 2)
public class DecodeBench extends ModelBench {

    @Param("1")
    public int batch;

    @Param("1024")
    public int context;

    /** The step as the session replays it: one CUDA graph on a GPU, the step itself on the CPU. */
    private Runnable step;

    @Override
    protected Workload build(ModelSpec spec, WeightFormat format) {
        synthetic = new SyntheticModel(session, spec, format, batch, context, SEED);
        // one step outside the capture loads the kernels' modules; then the step is captured, as serving engines launch decode steps
        synthetic.decodeStep();
        session.synchronize();
        step = session.capture(synthetic::decodeStep);
        return SyntheticModel.workload(spec, format, batch, context);
    }

    @Override
    protected void launch() {
        step.run();
    }
}
