package io.tokencost.kernels.memorystream;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.cuda.KernelLauncher;
import io.tokencost.backend.cuda.LaunchConfig;

/**
 * Host side of kernels/memory_stream.cu: sizes each launch and passes the arguments in the
 * kernels' order. Knows nothing of the driver: everything runs through a {@link KernelLauncher},
 * so the emulation backend can reuse this class as is.
 */
public final class CudaMemoryStream implements MemoryStreamKernels {

    /** The .cu file. */
    public static final String MODULE = "memory_stream";
    /** Threads per block; memory_stream.cu's __launch_bounds__ (TC_STREAM_THREADS) must match. */
    public static final int THREADS = 256;
    /** Each thread moves one float4 per grid-stride pass. */
    static final int FLOATS_PER_THREAD = 4;

    private final KernelLauncher launcher;
    private final int maxBlocks;

    /**
     * @param maxBlocks blocks resident on the whole device at once: SMs × (max threads per SM / THREADS)
     */
    public CudaMemoryStream(KernelLauncher launcher, int maxBlocks) {
        if (maxBlocks < 1) {
            throw new IllegalArgumentException("max blocks must be positive, got " + maxBlocks);
        }
        this.launcher = launcher;
        this.maxBlocks = maxBlocks;
    }

    /** The resident-block limit for a device with these properties (8 blocks of 256 on an SM of 2048 threads). */
    public static int maxBlocks(int multiprocessors, int maxThreadsPerMultiprocessor) {
        return Math.max(1, multiprocessors) * Math.max(1, maxThreadsPerMultiprocessor / THREADS);
    }

    /**
     * The launch of the reduction (read) for {@code elements} floats: at most the resident blocks,
     * so the partial sums stay few.
     */
    public LaunchConfig config(long elements) {
        long vectors = (elements + FLOATS_PER_THREAD - 1) / FLOATS_PER_THREAD;
        return LaunchConfig.gridStride(vectors, THREADS, maxBlocks);
    }

    /**
     * The launch of copy, write and triad: one float4 per thread in a single pass, the grid as large
     * as the data. Measured on an H200 (1 GiB copy, L2 flushed): 4195 GB/s, equal to
     * cudaMemcpy D2D, against 3905 GB/s with the grid capped at the resident blocks; unrolling or
     * streaming cache hints did not close that gap (results/reference/h200/README.md).
     */
    public LaunchConfig streamConfig(long elements) {
        long vectors = (elements + FLOATS_PER_THREAD - 1) / FLOATS_PER_THREAD;
        return LaunchConfig.gridStride(vectors, THREADS, Integer.MAX_VALUE);
    }

    @Override
    public void copy(Buffer dst, Buffer src) {
        long n = sameLength(dst, src);
        launcher.launch(MODULE, "stream_copy", streamConfig(n), dst, src, n);
    }

    @Override
    public long readPartials(long elements) {
        return config(elements).gridX();
    }

    /** Writes the first {@link #readPartials(long)} elements of {@code partials}, one per block. */
    @Override
    public void read(Buffer src, Buffer partials) {
        long n = src.elements();
        LaunchConfig config = config(n);
        if (partials.elements() < config.gridX()) {
            throw new IllegalArgumentException("read needs " + config.gridX() + " partials, got " + partials.elements());
        }
        launcher.launch(MODULE, "stream_read", config, partials, src, n);
    }

    @Override
    public void write(Buffer dst, float value) {
        long n = dst.elements();
        launcher.launch(MODULE, "stream_write", streamConfig(n), dst, value, n);
    }

    @Override
    public void triad(Buffer a, Buffer b, Buffer c, float scalar) {
        long n = sameLength(a, b);
        sameLength(a, c);
        launcher.launch(MODULE, "stream_triad", streamConfig(n), a, b, c, scalar, n);
    }

    private static long sameLength(Buffer a, Buffer b) {
        if (a.elements() != b.elements()) {
            throw new IllegalArgumentException("buffers differ in length: " + a.elements() + " vs " + b.elements());
        }
        return a.elements();
    }
}
