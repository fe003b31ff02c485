package io.tokencost.kernels.qgemv;

import io.tokencost.backend.Session;
import io.tokencost.kernels.FamilyDescriptor;

/**
 * qgemv.cu (weight-only quantized GEMV and small-batch GEMM, and dequantisation):
 * its launchers on each backend and its check, tied together. {@code KernelFamilies} lists it.
 */
public final class QGemvFamily {

    public static final FamilyDescriptor<QGemvKernels> DESCRIPTOR = new FamilyDescriptor<>(CudaQGemv.MODULE, QGemvKernels.class,
            CpuQGemv::new,
            t -> new CudaQGemv(t.launcher(), t.multiprocessors()),
            QGemvCheck::new);

    private QGemvFamily() {
    }

    /** The family's launchers on {@code session}'s device. */
    public static QGemvKernels on(Session session) {
        return session.family(DESCRIPTOR);
    }
}
