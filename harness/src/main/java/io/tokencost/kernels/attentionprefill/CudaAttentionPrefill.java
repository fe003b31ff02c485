package io.tokencost.kernels.attentionprefill;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.backend.cuda.KernelLauncher;
import io.tokencost.backend.cuda.LaunchConfig;
import io.tokencost.kernels.FloatTypes;

/**
 * Host side of kernels/attention_prefill.cu: one block of {@value #THREADS} threads per 64 query
 * rows of each (sequence, q head), with the Q tile and two stages of K and V tiles in dynamic
 * shared memory (the launcher opts in past 48 KiB); through a
 * {@link KernelLauncher}, so the emulation backend runs it as is.
 */
public final class CudaAttentionPrefill implements AttentionPrefillKernels {

    public static final String MODULE = "attention_prefill";
    /** attention_prefill.cu's TC_PF_THREADS. */
    public static final int THREADS = 128;
    /** Query rows per block and keys per tile (TC_PF_ROWS, TC_PF_KEYS). */
    public static final int TILE = 64;

    private final KernelLauncher launcher;

    public CudaAttentionPrefill(KernelLauncher launcher) {
        this.launcher = launcher;
    }

    public static String function(DataType type, AttentionPrefill.Shape s) {
        return "attention_prefill_" + FloatTypes.id(type) + "_hd" + s.headDim();
    }

    /** Q and two stages of K and V: five tiles of 64 rows x D 16-bit elements (80 KiB at D = 128: past the default 48). */
    public static LaunchConfig config(AttentionPrefill.Shape s) {
        long blocks = (long) s.batch() * s.heads() * ((s.seq() + TILE - 1) / TILE);
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("prefill attention launch of " + blocks + " blocks exceeds the grid");
        }
        return new LaunchConfig((int) blocks, THREADS, 5 * TILE * s.headDim() * 2);
    }

    @Override
    public void prefill(DataType type, Buffer o, Buffer q, Buffer k, Buffer v, AttentionPrefill.Shape s) {
        AttentionPrefill.checkBuffers(type, o, q, k, v, s);
        launcher.launch(MODULE, function(type, s), config(s), o, q, k, v, s.heads(), s.kvHeads(), s.seq());
    }
}
