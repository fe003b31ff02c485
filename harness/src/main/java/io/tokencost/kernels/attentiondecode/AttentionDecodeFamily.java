package io.tokencost.kernels.attentiondecode;

import io.tokencost.backend.Session;
import io.tokencost.kernels.FamilyDescriptor;

/**
 * attention_decode.cu (split-KV decode attention over an fp16 or int8 KV cache):
 * its launchers on each backend and its check, tied together. {@code KernelFamilies} lists it.
 */
public final class AttentionDecodeFamily {

    public static final FamilyDescriptor<AttentionDecodeKernels> DESCRIPTOR = new FamilyDescriptor<>(CudaAttentionDecode.MODULE,
            AttentionDecodeKernels.class,
            CpuAttentionDecode::new,
            t -> new CudaAttentionDecode(t.launcher(), t.multiprocessors()),
            AttentionDecodeCheck::new);

    private AttentionDecodeFamily() {
    }

    /** The family's launchers on {@code session}'s device. */
    public static AttentionDecodeKernels on(Session session) {
        return session.family(DESCRIPTOR);
    }
}
