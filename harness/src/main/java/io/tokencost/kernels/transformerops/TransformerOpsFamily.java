package io.tokencost.kernels.transformerops;

import io.tokencost.backend.Session;
import io.tokencost.kernels.FamilyDescriptor;
import io.tokencost.kernels.memorystream.CudaMemoryStream;

/**
 * transformer_ops.cu (a step's small ops: norms, rotary and KV append, SwiGLU, MoE routing):
 * its launchers on each backend and its check, tied together. {@code KernelFamilies} lists it.
 */
public final class TransformerOpsFamily {

    public static final FamilyDescriptor<TransformerOpsKernels> DESCRIPTOR = new FamilyDescriptor<>(CudaTransformerOps.MODULE,
            TransformerOpsKernels.class,
            CpuTransformerOps::new,
            t -> new CudaTransformerOps(t.launcher(), CudaMemoryStream.maxBlocks(t.multiprocessors(), t.threadsPerMultiprocessor())),
            TransformerOpsCheck::new);

    private TransformerOpsFamily() {
    }

    /** The family's launchers on {@code session}'s device. */
    public static TransformerOpsKernels on(Session session) {
        return session.family(DESCRIPTOR);
    }
}
