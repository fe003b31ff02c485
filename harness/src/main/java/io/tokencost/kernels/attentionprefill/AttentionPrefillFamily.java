package io.tokencost.kernels.attentionprefill;

import io.tokencost.backend.Session;
import io.tokencost.kernels.FamilyDescriptor;

/**
 * attention_prefill.cu (causal prefill attention on tensor cores):
 * its launchers on each backend and its check, tied together. {@code KernelFamilies} lists it.
 */
public final class AttentionPrefillFamily {

    public static final FamilyDescriptor<AttentionPrefillKernels> DESCRIPTOR = new FamilyDescriptor<>(CudaAttentionPrefill.MODULE,
            AttentionPrefillKernels.class,
            CpuAttentionPrefill::new,
            t -> new CudaAttentionPrefill(t.launcher()),
            AttentionPrefillCheck::new);

    private AttentionPrefillFamily() {
    }

    /** The family's launchers on {@code session}'s device. */
    public static AttentionPrefillKernels on(Session session) {
        return session.family(DESCRIPTOR);
    }
}
