package io.tokencost.kernels;

import io.tokencost.backend.Buffer;

/**
 * The per-token operations of a transformer step (kernels/transformer_ops.cu on CUDA and emu,
 * {@code CpuTransformerOps} on the CPU), in {@link TransformerOps}'s layouts.
 */
public interface TransformerOpsKernels {

    /** h += add (add may be null: no add), then out = rmsnorm(h) · w, per row of {@code hidden}. */
    void addRmsnorm(Buffer out, Buffer h, Buffer add, Buffer w, int rows, int hidden, float eps);

    /** q = rotary(q part of qkv); the rotated k and the v part written into the caches at each sequence's position. */
    void ropeQkv(Buffer q, Buffer kCache, Buffer vCache, Buffer qkv, Buffer positions, int batch, int heads, int kvHeads, int headDim,
                 int context, float theta);

    /** out = silu(gate) · up per row, from the fused gate/up product's output. */
    void swiglu(Buffer out, Buffer gateUp, long rows, int ffn);

    /** out = fp16(in), n elements. */
    void toHalf(Buffer out, Buffer in, long n);
}
