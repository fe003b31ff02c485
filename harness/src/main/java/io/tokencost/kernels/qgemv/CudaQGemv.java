package io.tokencost.kernels.qgemv;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.cuda.KernelArguments;
import io.tokencost.backend.cuda.KernelLauncher;
import io.tokencost.backend.cuda.LaunchConfig;
import io.tokencost.cost.WeightFormat;

/**
 * Host side of kernels/qgemv.cu: validates the buffers against {@link QGemv}'s layouts, picks the
 * kernel, sizes the launch and passes the arguments in the kernels' order. Knows nothing of the
 * driver: everything runs through a {@link KernelLauncher}, so the emulation backend reuses this
 * class as is.
 *
 * <p>Two kernel kinds (qgemv.cu explains both):
 * <ul>
 * <li>CUDA cores, batch 1..16: blocks of {@value #THREADS} threads; a block owns
 * {@link #rowsPerBlock(int)} consecutive rows and its warps split k; grid ceil(n / rowsPerBlock).
 * Batch 1 runs {@code qgemv_<format>}, 2..4 {@code _b4}, 5..16 {@code _b16}.</li>
 * <li>Tensor cores, from batch {@link #mmaFromBatch()} (default {@value #MMA_FROM_BATCH}) up to 64 (a larger batch: chunks of 64)
 * when k is a multiple of {@link QGemv#tensorCoreStep}: a block owns {@value #MMA_ROWS} rows and a
 * slice of k; grid ceil(n / 128) x {@link #splits} slices, chosen so the grid has at least
 * {@value #BLOCKS_PER_SM} blocks per SM where k has steps enough; with more than one slice, y is zeroed first
 * ({@code qgemv_zero}) and the slices add into it. {@code _mma16} up to batch 16, {@code _mma64} above.</li>
 * </ul>
 */
public final class CudaQGemv implements QGemvKernels {

    /** The .cu file. */
    public static final String MODULE = "qgemv";
    /** Threads per block; qgemv.cu's TC_QGEMV_THREADS (its __launch_bounds__) must match. */
    public static final int THREADS = 256;
    /** Rows per tensor-core block: TC_QMMA_ROWS (8 warps x 16). */
    public static final int MMA_ROWS = 128;
    /** The smallest batch that runs on tensor cores unless the system property {@value #MMA_FROM_PROPERTY} says otherwise. */
    public static final int MMA_FROM_BATCH = 5;
    /**
     * For A/B runs on a GPU: the smallest batch sent to the tensor-core kernels (17: batch <= 16 on
     * CUDA cores; batches past 16 always run on tensor cores).
     */
    public static final String MMA_FROM_PROPERTY = "tokencost.qgemv.mmaFromBatch";
    static final int BLOCKS_PER_SM = 2;

    private final KernelLauncher launcher;
    private final int multiprocessors;

    /** @param multiprocessors the device's SMs (the emulation: its cores): sizes the k split */
    public CudaQGemv(KernelLauncher launcher, int multiprocessors) {
        this.launcher = launcher;
        this.multiprocessors = Math.max(1, multiprocessors);
    }

    /** The smallest batch the tensor-core kernels take, from {@value #MMA_FROM_PROPERTY} when set. */
    public static int mmaFromBatch() {
        String v = System.getProperty(MMA_FROM_PROPERTY);
        if (v == null) {
            return MMA_FROM_BATCH;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(MMA_FROM_PROPERTY + " must be a whole number, got '" + v + "'");
        }
    }

    /** Whether a product runs on tensor cores: batch from {@link #mmaFromBatch()}, or any batch past 16; k in whole steps. */
    public static boolean usesTensorCores(WeightFormat format, int k, int batch) {
        return k % QGemv.tensorCoreStep(format) == 0 && (batch >= mmaFromBatch() || batch > QGemv.CUDA_CORE_MAX_BATCH);
    }

    /** The kernel for a format, batch and kind. */
    public static String function(WeightFormat format, int batch, boolean tensorCores) {
        String base = switch (format) {
            case FP16 -> "qgemv_fp16";
            case INT8 -> "qgemv_int8";
            case INT4_G128 -> "qgemv_int4g128";
            case BF16 -> throw new IllegalArgumentException("qgemv does not implement bf16 weights yet");
        };
        if (tensorCores) {
            return base + (batch <= 16 ? "_mma16" : "_mma64");
        }
        return batch == 1 ? base : batch <= 4 ? base + "_b4" : base + "_b16";
    }

    /** The batch tile the CUDA-core kernel runs for a batch: the smallest of 1, 2, 4, 8, 16 that holds it. */
    static int tile(int batch) {
        return batch <= 1 ? 1 : batch <= 2 ? 2 : batch <= 4 ? 4 : batch <= 8 ? 8 : 16;
    }

    /** Rows per block: qgemv.cu's tc_rows_per_block (2 for tiles up to 4, so x converts once for two rows). */
    public static int rowsPerBlock(int batch) {
        return tile(batch) <= 4 ? 2 : 1;
    }

    /** The CUDA-core launch for n output rows: one row tile per block. */
    public static LaunchConfig config(int n, int batch) {
        if (n < 1 || batch < 1 || batch > QGemv.CUDA_CORE_MAX_BATCH) {
            throw new IllegalArgumentException("qgemv launch needs n >= 1 and batch 1.." + QGemv.CUDA_CORE_MAX_BATCH
                    + " on CUDA cores, got n=" + n + " batch=" + batch);
        }
        long rowsPerBlock = rowsPerBlock(batch);
        long blocks = (n + rowsPerBlock - 1) / rowsPerBlock;
        return new LaunchConfig((int) blocks, THREADS, 0);
    }

    /**
     * The k slices of a tensor-core launch: enough that ceil(n / 128) row blocks x slices reach
     * {@value #BLOCKS_PER_SM} blocks per SM, at most one slice per step, and no slice left empty.
     */
    public static int splits(WeightFormat format, int n, int k, int multiprocessors) {
        int rowBlocks = (n + MMA_ROWS - 1) / MMA_ROWS;
        int steps = k / QGemv.tensorCoreStep(format);
        int want = (BLOCKS_PER_SM * multiprocessors + rowBlocks - 1) / rowBlocks;
        int splits = Math.max(1, Math.min(steps, want));
        int perSplit = (steps + splits - 1) / splits;
        return (steps + perSplit - 1) / perSplit;
    }

    public static LaunchConfig mmaConfig(int n, int splits) {
        long blocks = (long) ((n + MMA_ROWS - 1) / MMA_ROWS) * splits;
        if (n < 1 || splits < 1 || blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("qgemv tensor-core launch needs n >= 1 and splits >= 1, got n=" + n + " splits=" + splits);
        }
        return new LaunchConfig((int) blocks, THREADS, 0);
    }

    /** Batches past {@link QGemv#MAX_BATCH}: chunks of it, each x and y from the chunk's first row. */
    @Override
    public void gemv(WeightFormat format, Buffer y, Buffer x, Buffer weights, Buffer scales, int n, int k, int batch) {
        QGemv.checkBuffers(format, y, x, weights, scales, n, k, batch);
        QGemv.forEachPass(batch, (first, rows) ->
                chunk(format, KernelArguments.from(y, (long) first * n), KernelArguments.from(x, (long) first * k), weights, scales, n, k, rows));
    }

    /** One pass over the weights for up to {@link QGemv#MAX_BATCH} rows; y and x are buffers or {@link KernelArguments.BufferFrom}s. */
    private void chunk(WeightFormat format, Object y, Object x, Buffer weights, Buffer scales, int n, int k, int batch) {
        boolean tensorCores = usesTensorCores(format, k, batch);
        String function = function(format, batch, tensorCores);
        if (!tensorCores) {
            launchWithScales(function, config(n, batch), y, x, weights, scales, n, k, batch);
            return;
        }
        int splits = splits(format, n, k, multiprocessors);
        if (splits > 1) {
            long count = (long) batch * n;
            launcher.launch(MODULE, "qgemv_zero", LaunchConfig.gridStride(count, THREADS, BLOCKS_PER_SM * multiprocessors), y, count);
        }
        launchWithScales(function, mmaConfig(n, splits), y, x, weights, scales, n, k, batch, splits);
    }

    @Override
    public void dequantize(WeightFormat format, Buffer out, Buffer weights, Buffer scales, int n, int k) {
        QGemv.checkDequantize(format, out, weights, scales, n, k);
        String function = format == WeightFormat.INT8 ? "qgemv_dequantize_int8" : "qgemv_dequantize_int4g128";
        // grid-stride: 8 blocks of 256 threads fill an SM
        launcher.launch(MODULE, function, LaunchConfig.gridStride((long) n * k, THREADS, 8 * multiprocessors), out, weights, scales, n, k);
    }

    /**
     * The experts kernel for a step of {@code maxRowsPerExpert} tokens: rows in chunks of 1
     * ({@code qgemv_<f>_experts}), 4 ({@code _b4}) or 16 ({@code _b16}), the CUDA-core tiles; its
     * grid is the listed experts x the row tiles of one expert.
     */
    public static String expertsFunction(WeightFormat format, int maxRowsPerExpert) {
        int chunk = expertsChunk(maxRowsPerExpert);
        return function(format, 1, false) + "_experts" + (chunk == 1 ? "" : "_b" + chunk);
    }

    /** The rows an experts kernel takes per pass over an expert's weights: 1, 4 or 16. */
    static int expertsChunk(int maxRowsPerExpert) {
        return maxRowsPerExpert == 1 ? 1 : maxRowsPerExpert <= 4 ? 4 : QGemv.CUDA_CORE_MAX_BATCH;
    }

    @Override
    public void expertsGemv(WeightFormat format, Buffer y, Buffer x, Buffer weights, Buffer scales, Buffer expertIds, Buffer starts, int experts,
                            int n, int k, int rows, int maxRowsPerExpert) {
        QGemv.checkExperts(format, y, x, weights, scales, expertIds, starts, experts, n, k, rows, maxRowsPerExpert);
        int listed = Math.min(experts, rows);
        long per = config(n, expertsChunk(maxRowsPerExpert)).gridX();
        if (per * listed > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("qgemv experts grid " + listed + " x " + per + " blocks is too large");
        }
        // fp16 has no scales: the weights stand in for the pointer the kernel does not read
        launcher.launch(MODULE, expertsFunction(format, maxRowsPerExpert), new LaunchConfig((int) (per * listed), THREADS, 0), y, x, weights,
                scales == null ? weights : scales, expertIds, starts, listed, n, k);
    }

    /** Launches with the kernel's arguments: (y, x, w, [scales,] n, k, batch, extra...); fp16 has no scales. */
    private void launchWithScales(String function, LaunchConfig config, Object y, Object x, Buffer weights, Buffer scales,
                                  Object... shape) {
        Object[] args = new Object[(scales == null ? 3 : 4) + shape.length];
        int i = 0;
        args[i++] = y;
        args[i++] = x;
        args[i++] = weights;
        if (scales != null) {
            args[i++] = scales;
        }
        System.arraycopy(shape, 0, args, i, shape.length);
        launcher.launch(MODULE, function, config, args);
    }
}
