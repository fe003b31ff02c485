package io.tokencost.families;

import io.tokencost.kernels.FamilyDescriptor;
import io.tokencost.kernels.KernelCheck;
import io.tokencost.kernels.attentiondecode.AttentionDecodeFamily;
import io.tokencost.kernels.attentionprefill.AttentionPrefillFamily;
import io.tokencost.kernels.gemm.GemmFamily;
import io.tokencost.kernels.memorystream.MemoryStreamFamily;
import io.tokencost.kernels.mmaprobe.MmaProbeCheck;
import io.tokencost.kernels.qgemv.QGemvFamily;
import io.tokencost.kernels.transformerops.TransformerOpsFamily;
import io.tokencost.model.SyntheticModelCheck;

import java.util.ArrayList;
import java.util.List;

/** The registry: every kernel family, and what {@code verify} and {@code run} check before timing. */
public final class KernelFamilies {

    private KernelFamilies() {
    }

    /** Every kernel family, in the order verify reports them. */
    public static List<FamilyDescriptor<?>> all() {
        return List.of(MemoryStreamFamily.DESCRIPTOR, QGemvFamily.DESCRIPTOR, GemmFamily.DESCRIPTOR, AttentionDecodeFamily.DESCRIPTOR,
                AttentionPrefillFamily.DESCRIPTOR, TransformerOpsFamily.DESCRIPTOR);
    }

    /**
     * Each family's check, then the synthetic model's (a whole step built from the families, against
     * a float64 forward pass) and the tensor-core fragment probe's (no family of its own: the layouts
     * the mma kernels assume, read back on the device).
     */
    public static List<KernelCheck> checks() {
        List<KernelCheck> checks = new ArrayList<>();
        for (FamilyDescriptor<?> family : all()) {
            checks.add(family.check().get());
        }
        checks.add(new SyntheticModelCheck());
        checks.add(new MmaProbeCheck());
        return List.copyOf(checks);
    }
}
