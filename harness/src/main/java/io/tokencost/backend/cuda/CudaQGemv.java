package io.tokencost.backend.cuda;

import io.tokencost.backend.Buffer;
import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.QGemv;
import io.tokencost.kernels.QGemvKernels;

/**
 * Host side of kernels/qgemv.cu: validates the buffers against {@link QGemv}'s layouts, sizes the
 * launch and passes the arguments in the kernels' order. Knows nothing of the driver: everything
 * runs through a {@link KernelLauncher}, so the emulation backend reuses this class as is.
 *
 * <p>Launch: blocks of {@value #THREADS} threads (8 warps); a block owns {@link #rowsPerBlock(int)}
 * consecutive output rows, its warps split the row's k range and stream it with 16-byte loads, so
 * the grid is ceil(n / rowsPerBlock) blocks. Batch 1 runs {@code qgemv_<format>}, batch 2..4
 * {@code qgemv_<format>_b4}, batch 5..16 {@code qgemv_<format>_b16}: each entry point has the
 * registers, and so the occupancy, of its own batch tiles. The kernel strides over
 * row tiles, so any grid is correct; this one gives every block exactly one tile.
 */
public final class CudaQGemv implements QGemvKernels {

    /** The .cu file. */
    public static final String MODULE = "qgemv";
    /** Threads per block; qgemv.cu's TC_QGEMV_THREADS (its __launch_bounds__) must match. */
    public static final int THREADS = 256;

    private final KernelLauncher launcher;

    public CudaQGemv(KernelLauncher launcher) {
        this.launcher = launcher;
    }

    /** The kernel for a format and batch. */
    public static String function(WeightFormat format, int batch) {
        String base = switch (format) {
            case FP16 -> "qgemv_fp16";
            case INT8 -> "qgemv_int8";
            case INT4_G128 -> "qgemv_int4g128";
            case BF16 -> throw new IllegalArgumentException("qgemv does not implement bf16 weights yet");
        };
        return batch == 1 ? base : batch <= 4 ? base + "_b4" : base + "_b16";
    }

    /** The batch tile the kernel runs for a batch: the smallest of 1, 2, 4, 8, 16 that holds it. */
    static int tile(int batch) {
        return batch <= 1 ? 1 : batch <= 2 ? 2 : batch <= 4 ? 4 : batch <= 8 ? 8 : 16;
    }

    /** Rows per block: qgemv.cu's tc_rows_per_block (2 for tiles up to 4, so x converts once for two rows). */
    public static int rowsPerBlock(int batch) {
        return tile(batch) <= 4 ? 2 : 1;
    }

    /** The launch for n output rows: one row tile per block. */
    public static LaunchConfig config(int n, int batch) {
        if (n < 1 || batch < 1 || batch > QGemv.MAX_BATCH) {
            throw new IllegalArgumentException("qgemv launch needs n >= 1 and batch 1.." + QGemv.MAX_BATCH + ", got n=" + n + " batch=" + batch);
        }
        long rowsPerBlock = rowsPerBlock(batch);
        long blocks = (n + rowsPerBlock - 1) / rowsPerBlock;
        return new LaunchConfig((int) blocks, THREADS, 0);
    }

    @Override
    public void gemv(WeightFormat format, Buffer y, Buffer x, Buffer weights, Buffer scales, int n, int k, int batch) {
        QGemv.checkBuffers(format, y, x, weights, scales, n, k, batch);
        LaunchConfig config = config(n, batch);
        String function = function(format, batch);
        if (scales == null) {
            launcher.launch(MODULE, function, config, y, x, weights, n, k, batch);
        } else {
            launcher.launch(MODULE, function, config, y, x, weights, scales, n, k, batch);
        }
    }
}
