package io.tokencost.kernels.attentionprefill;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;

/**
 * The causal prefill attention every backend implements (kernels/attention_prefill.cu on CUDA and
 * emu, {@code CpuAttentionPrefill} on the CPU), in the layouts {@link AttentionPrefill} defines.
 */
public interface AttentionPrefillKernels {

    /** o = causal softmax(q kᵀ / sqrt(D)) v; all four buffers of {@code type} (F16 or BF16). */
    void prefill(DataType type, Buffer o, Buffer q, Buffer k, Buffer v, AttentionPrefill.Shape shape);
}
