package io.tokencost.kernels.gemm;

import io.tokencost.backend.Session;
import io.tokencost.kernels.FamilyDescriptor;

/**
 * gemm.cu (dense matrix products on tensor cores (fp16, bf16) and CUDA cores (fp32)):
 * its launchers on each backend and its check, tied together. {@code KernelFamilies} lists it.
 */
public final class GemmFamily {

    public static final FamilyDescriptor<GemmKernels> DESCRIPTOR = new FamilyDescriptor<>(CudaGemm.MODULE, GemmKernels.class,
            CpuGemm::new,
            t -> new CudaGemm(t.launcher()),
            GemmCheck::new);

    private GemmFamily() {
    }

    /** The family's launchers on {@code session}'s device. */
    public static GemmKernels on(Session session) {
        return session.family(DESCRIPTOR);
    }
}
