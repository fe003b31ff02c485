package io.tokencost.backend;

import io.tokencost.kernels.AttentionDecodeKernels;
import io.tokencost.kernels.AttentionPrefillKernels;
import io.tokencost.kernels.GemmKernels;
import io.tokencost.kernels.MemoryStreamKernels;
import io.tokencost.kernels.QGemvKernels;
import io.tokencost.kernels.TransformerOpsKernels;

/** A session's launchers, one per kernel family: what {@link Session}'s family accessors return. */
public record Kernels(MemoryStreamKernels memoryStream, QGemvKernels qgemv, GemmKernels gemm,
                      AttentionDecodeKernels attentionDecode, AttentionPrefillKernels attentionPrefill,
                      TransformerOpsKernels transformerOps) {
}
