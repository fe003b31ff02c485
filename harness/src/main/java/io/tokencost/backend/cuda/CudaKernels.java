package io.tokencost.backend.cuda;

import io.tokencost.backend.Kernels;

/** The CUDA host code of every kernel family on one launcher: the CUDA backend's and the emulation's alike. */
public final class CudaKernels {

    private CudaKernels() {
    }

    /** @param multiprocessors the device's SMs (the emulation: its cores), which size grids and splits */
    public static Kernels on(KernelLauncher launcher, int multiprocessors, int threadsPerMultiprocessor) {
        return new Kernels(new CudaMemoryStream(launcher, CudaMemoryStream.maxBlocks(multiprocessors, threadsPerMultiprocessor)),
                new CudaQGemv(launcher, multiprocessors), new CudaGemm(launcher),
                new CudaAttentionDecode(launcher, multiprocessors), new CudaAttentionPrefill(launcher),
                new CudaTransformerOps(launcher, CudaMemoryStream.maxBlocks(multiprocessors, threadsPerMultiprocessor)));
    }
}
