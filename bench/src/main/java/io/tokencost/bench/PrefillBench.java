package io.tokencost.bench;

import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.WeightFormat;
import io.tokencost.measure.Workload;
import io.tokencost.model.SyntheticModel;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The prefill suite's case: one request's prompt of {@code prompt} tokens through a model with
 * random weights (16-bit GEMMs over the prompt, int8/int4 weights dequantised first; rotary and
 * the KV cache written; causal attention; the LM head on the last token): its TTFT. Defaults:
 * Llama-3.1-8B in int4_g128, 128 tokens.
 */
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 1)
public class PrefillBench extends ModelBench {

    @Param("128")
    public int prompt;

    @Override
    protected Workload build(ModelSpec spec, WeightFormat format) {
        synthetic = SyntheticModel.forPrefill(session, spec, format, prompt, SEED, false);
        return SyntheticModel.prefillWorkload(spec, format, prompt);
    }

    /** A prefill is one long GEMM-bound step: its loops reach C2 within the first, so three steps settle it. */
    @Override
    protected int minWarmupSteps() {
        return 3;
    }

    @Override
    protected void launch() {
        synthetic.prefill();
    }
}
