package io.tokencost.kernels.transformerops;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.cuda.KernelLauncher;
import io.tokencost.backend.cuda.LaunchConfig;

/** Host side of kernels/transformer_ops.cu, on any {@link KernelLauncher} (CUDA or the emulation). */
public final class CudaTransformerOps implements TransformerOpsKernels {

    public static final String MODULE = "transformer_ops";
    /** transformer_ops.cu's TC_OPS_THREADS. */
    static final int THREADS = 256;

    private final KernelLauncher launcher;
    private final int maxBlocks;

    /** @param maxBlocks the grid-stride kernels' largest grid (the device's resident blocks) */
    public CudaTransformerOps(KernelLauncher launcher, int maxBlocks) {
        this.launcher = launcher;
        this.maxBlocks = Math.max(1, maxBlocks);
    }

    @Override
    public void addRmsnorm(Buffer out, Buffer h, Buffer add, Buffer w, long firstRow, int rows, int hidden, float eps) {
        TransformerOps.checkAddRmsnorm(out, h, add, w, firstRow, rows, hidden);
        // without an add, h stands in for the pointer the kernel does not read
        launcher.launch(MODULE, "add_rmsnorm", new LaunchConfig(rows, THREADS, 0), out, h, add == null ? h : add, w, hidden, eps,
                add == null ? 0 : 1, firstRow);
    }

    @Override
    public void ropeQkv(Buffer q, Buffer kCache, Buffer vCache, Buffer qkv, Buffer positions, int rows, int tokens, int heads, int kvHeads,
                        int headDim, int context, float theta) {
        TransformerOps.checkRope(q, kCache, vCache, qkv, positions, rows, tokens, heads, kvHeads, headDim, context);
        float log2Theta = (float) (Math.log(theta) / Math.log(2));
        launcher.launch(MODULE, "rope_qkv", new LaunchConfig(rows, THREADS, 0), q, kCache, vCache, qkv, positions, heads, kvHeads, headDim,
                context, log2Theta, tokens);
    }

    @Override
    public void mergeHeads(Buffer out, Buffer in, int seqs, int heads, int tokens, int headDim) {
        TransformerOps.checkMergeHeads(out, in, seqs, heads, tokens, headDim);
        launcher.launch(MODULE, "merge_heads", LaunchConfig.gridStride((long) seqs * heads * tokens * headDim, THREADS, maxBlocks), out, in, seqs,
                heads, tokens, headDim);
    }

    @Override
    public void swiglu(Buffer out, Buffer gateUp, long rows, int ffn) {
        TransformerOps.checkSwiglu(out, gateUp, rows, ffn);
        launcher.launch(MODULE, "swiglu", LaunchConfig.gridStride(rows * ffn, THREADS, maxBlocks), out, gateUp, rows, ffn);
    }

    @Override
    public void toHalf(Buffer out, Buffer in, long n) {
        TransformerOps.checkConvert(out, in, n);
        launcher.launch(MODULE, "to_half", LaunchConfig.gridStride(n, THREADS, maxBlocks), out, in, n);
    }

    @Override
    public void toFloat(Buffer out, Buffer in, long n) {
        TransformerOps.checkConvert(out, in, n);
        launcher.launch(MODULE, "to_float", LaunchConfig.gridStride(n, THREADS, maxBlocks), out, in, n);
    }

    @Override
    public void moeRoute(Buffer slotExpert, Buffer slotWeight, Buffer slotRow, Buffer expertIds, Buffer starts, Buffer logits, int tokens,
                         int experts, int topK) {
        TransformerOps.checkMoeRoute(slotExpert, slotWeight, slotRow, expertIds, starts, logits, tokens, experts, topK);
        launcher.launch(MODULE, "moe_route", new LaunchConfig(1, THREADS, 0), slotExpert, slotWeight, slotRow, expertIds, starts, logits, tokens,
                experts, topK);
    }

    @Override
    public void moeGather(Buffer out, Buffer x, Buffer slotRow, int tokens, int topK, int hidden) {
        TransformerOps.checkMoeGather(out, x, slotRow, tokens, topK, hidden);
        launcher.launch(MODULE, "moe_gather", LaunchConfig.gridStride((long) tokens * topK * hidden, THREADS, maxBlocks), out, x, slotRow, tokens,
                topK, hidden);
    }

    @Override
    public void moeCombine(Buffer out, Buffer y, Buffer slotWeight, Buffer slotRow, int tokens, int topK, int hidden) {
        TransformerOps.checkMoeCombine(out, y, slotWeight, slotRow, tokens, topK, hidden);
        launcher.launch(MODULE, "moe_combine", LaunchConfig.gridStride((long) tokens * hidden, THREADS, maxBlocks), out, y, slotWeight, slotRow,
                tokens, topK, hidden);
    }
}
