package io.tokencost.kernels.transformerops;

import io.tokencost.backend.Buffer;

/**
 * The per-token operations of a transformer step (kernels/transformer_ops.cu on CUDA and emu,
 * {@code CpuTransformerOps} on the CPU), in {@link TransformerOps}'s layouts.
 */
public interface TransformerOpsKernels {

    /** h += add (add may be null: no add), then out = rmsnorm(h) · w, per row of {@code hidden}. */
    default void addRmsnorm(Buffer out, Buffer h, Buffer add, Buffer w, int rows, int hidden, float eps) {
        addRmsnorm(out, h, add, w, 0, rows, hidden, eps);
    }

    /** The same over rows {@code firstRow ..} of h and add; out row 0 is h's row {@code firstRow}. */
    void addRmsnorm(Buffer out, Buffer h, Buffer add, Buffer w, long firstRow, int rows, int hidden, float eps);

    /** One token per sequence (decode): q = rotary(q part of qkv); the rotated k and the v part written into the caches at each sequence's position. */
    default void ropeQkv(Buffer q, Buffer kCache, Buffer vCache, Buffer qkv, Buffer positions, int batch, int heads, int kvHeads, int headDim,
                         int context, float theta) {
        ropeQkv(q, kCache, vCache, qkv, positions, batch, 1, heads, kvHeads, headDim, context, theta);
    }

    /** The same for {@code rows} rows, {@code tokens} consecutive rows per sequence (a prefill: its prompt); q laid out per head. */
    void ropeQkv(Buffer q, Buffer kCache, Buffer vCache, Buffer qkv, Buffer positions, int rows, int tokens, int heads, int kvHeads, int headDim,
                 int context, float theta);

    /** Attention output per head [seqs x heads x tokens x D] to rows [seqs·tokens x heads·D]. */
    void mergeHeads(Buffer out, Buffer in, int seqs, int heads, int tokens, int headDim);

    /** out = silu(gate) · up per row, from the fused gate/up product's output. */
    void swiglu(Buffer out, Buffer gateUp, long rows, int ffn);

    /** out = fp16(in), n elements. */
    void toHalf(Buffer out, Buffer in, long n);

    /** out = fp32(in), n fp16 elements. */
    void toFloat(Buffer out, Buffer in, long n);

    /** An MoE layer's routing from its router logits ({@link TransformerOps#moeRouteReference}: the class comment gives the layouts). */
    void moeRoute(Buffer slotExpert, Buffer slotWeight, Buffer slotRow, Buffer expertIds, Buffer starts, Buffer logits, int tokens, int experts,
                  int topK);

    /** Each slot's row of the expert-ordered input = its token's row of x. */
    void moeGather(Buffer out, Buffer x, Buffer slotRow, int tokens, int topK, int hidden);

    /** out[t] = the weighted sum of token t's slots' rows of y. */
    void moeCombine(Buffer out, Buffer y, Buffer slotWeight, Buffer slotRow, int tokens, int topK, int hidden);
}
