package io.tokencost.kernels;

import java.util.List;

/** The registry of kernel families that {@code verify} and {@code run} check before timing. */
public final class KernelChecks {

    private KernelChecks() {
    }

    public static List<KernelCheck> all() {
        return List.of(new MemoryStreamCheck(), new QGemvCheck(), new GemmCheck(), new AttentionDecodeCheck(), new AttentionPrefillCheck(),
                new TransformerOpsCheck(), new io.tokencost.model.SyntheticModelCheck(), new MmaProbeCheck());
    }
}
