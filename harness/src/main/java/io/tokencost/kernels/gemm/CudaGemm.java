package io.tokencost.kernels.gemm;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.backend.cuda.KernelLauncher;
import io.tokencost.backend.cuda.LaunchConfig;
import io.tokencost.kernels.FloatTypes;

/**
 * Host side of kernels/gemm.cu: validates the buffers against {@link Gemm}'s layout, sizes the
 * launch and passes the arguments in the kernels' order, through a {@link KernelLauncher} (so the
 * emulation backend runs it as is).
 *
 * <p>Launch: one block of {@value #THREADS} threads per {@value #TILE}x{@value #TILE} tile of C
 * (the kernels order the tiles themselves); the tensor-core kernels take {@link #sharedBytes}
 * of dynamic shared memory for their cp.async ring, past the 48 KiB a kernel gets by default.
 */
public final class CudaGemm implements GemmKernels {

    /** The .cu file. */
    public static final String MODULE = "gemm";
    /** Threads per block: gemm.cu's TC_GEMM_THREADS. */
    public static final int THREADS = 256;
    /** Rows and columns of C per block: TC_GEMM_BM/BN and TC_SGEMM_BM/BN. */
    public static final int TILE = 128;
    /** The tensor-core kernels' ring: TC_GEMM_STAGES stages of (BM + BN) x TC_GEMM_BK 16-bit elements. */
    static final int STAGES = 4;
    static final int TILE_K = 32;

    private final KernelLauncher launcher;

    public CudaGemm(KernelLauncher launcher) {
        this.launcher = launcher;
    }

    public static String function(DataType type) {
        return "gemm_" + FloatTypes.id(type);
    }

    /** Dynamic shared memory of a launch: 64 KiB for the tensor-core ring, none for fp32 (static). */
    public static int sharedBytes(DataType type) {
        return type == DataType.F32 ? 0 : STAGES * (TILE + TILE) * TILE_K * 2;
    }

    public static LaunchConfig config(DataType type, int m, int n) {
        long tiles = ((long) m + TILE - 1) / TILE * (((long) n + TILE - 1) / TILE);
        if (m < 1 || n < 1 || tiles > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("gemm launch needs m, n >= 1 and at most 2^31-1 tiles, got m=" + m + " n=" + n);
        }
        return new LaunchConfig((int) tiles, THREADS, sharedBytes(type));
    }

    @Override
    public void gemm(DataType type, Buffer c, Buffer a, Buffer b, int m, int n, int k) {
        Gemm.checkBuffers(type, c, a, b, m, n, k);
        launcher.launch(MODULE, function(type), config(type, m, n), c, a, b, m, n, k);
    }
}
