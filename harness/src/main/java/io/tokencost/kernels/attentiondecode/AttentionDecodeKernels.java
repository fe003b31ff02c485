package io.tokencost.kernels.attentiondecode;

import io.tokencost.backend.Buffer;

/**
 * The decode-step attention every backend implements (kernels/attention_decode.cu on CUDA and emu,
 * {@code CpuAttentionDecode} on the CPU), in the layouts {@link AttentionDecode} defines.
 */
public interface AttentionDecodeKernels {

    /** F32 elements of the workspace {@link #decode} needs for the shape here (the split-KV partials); 0 for none. */
    long workspaceElements(AttentionDecode.Shape shape);

    /**
     * o = softmax(q kᵀ / sqrt(D)) v for every sequence and q head.
     *
     * @param kScales   F16 per-token scales of k for int8, null for fp16 (likewise {@code vScales})
     * @param table     U32 block table of a paged cache (k, v and scales then a pool of pages), or null
     * @param workspace F32 of at least {@link #workspaceElements} elements, or null when that is 0
     */
    void decode(AttentionDecode.KvFormat kv, Buffer o, Buffer q, Buffer k, Buffer v, Buffer kScales, Buffer vScales,
                Buffer table, Buffer workspace, AttentionDecode.Shape shape);
}
