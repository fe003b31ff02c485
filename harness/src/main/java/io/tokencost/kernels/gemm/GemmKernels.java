package io.tokencost.kernels.gemm;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;

/**
 * The dense matrix product every backend implements (kernels/gemm.cu on CUDA and emu,
 * {@code CpuGemm} on the CPU), in the layout {@link Gemm} defines.
 */
public interface GemmKernels {

    /**
     * C = A · Bᵀ.
     *
     * @param type F16, BF16 or F32: the type of all three buffers
     * @param c    [m x n]
     * @param a    [m x k]
     * @param b    [n x k]
     */
    void gemm(DataType type, Buffer c, Buffer a, Buffer b, int m, int n, int k);
}
