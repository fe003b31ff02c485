package io.tokencost.kernels.qgemv;

import io.tokencost.backend.Buffer;
import io.tokencost.cost.WeightFormat;

/**
 * The weight-only quantized GEMV / small-batch GEMM every backend implements (kernels/qgemv.cu on
 * CUDA and emu, {@code CpuQGemv} on the CPU), in the layouts {@link QGemv} defines.
 */
public interface QGemvKernels {

    /**
     * y = x · Wᵀ for {@code batch} rows of x.
     *
     * @param y       F32 [batch x n]
     * @param x       F16 [batch x k]
     * @param weights the format's weight buffer ({@link QGemv#weightType})
     * @param scales  F16 scales, or null for fp16
     */
    void gemv(WeightFormat format, Buffer y, Buffer x, Buffer weights, Buffer scales, int n, int k, int batch);

    /**
     * out = W as fp16 [n x k], each weight exactly as the layout defines it, rounded once
     * ({@link QGemv#dequantizeReference}): what a long prefill's 16-bit GEMM reads. int8 and int4 only.
     */
    void dequantize(WeightFormat format, Buffer out, Buffer weights, Buffer scales, int n, int k);

    /**
     * An MoE layer's experts ({@link QGemv#expertsReference}): y rows = x rows times the weights of
     * the expert each row was routed to, {@code weights}/{@code scales} holding {@code experts}
     * stacked n x k matrices, {@code expertIds}/{@code starts} the list moe_route writes.
     */
    void expertsGemv(WeightFormat format, Buffer y, Buffer x, Buffer weights, Buffer scales, Buffer expertIds, Buffer starts, int experts, int n,
                     int k, int rows, int maxRowsPerExpert);
}
