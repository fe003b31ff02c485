package io.tokencost.kernels.memorystream;

import io.tokencost.backend.Buffer;

/**
 * The memory-bandwidth kernels every backend implements (kernels/memory_stream.cu on CUDA and emu,
 * {@link MemoryStream} on the CPU). Each reads and writes exactly the bytes
 * {@link MemoryStream.Op#workload(long)} declares.
 */
public interface MemoryStreamKernels {

    /** dst[i] = src[i]. */
    void copy(Buffer dst, Buffer src);

    /**
     * Sums src into {@code partials} (one partial sum per worker: thread on the CPU, block on a GPU);
     * the total is the double sum of the partials. {@link #readPartials(long)} sizes that buffer.
     */
    void read(Buffer src, Buffer partials);

    /** How many partial sums {@link #read} writes for a source of this many elements. */
    long readPartials(long elements);

    /** dst[i] = value. */
    void write(Buffer dst, float value);

    /** a[i] = b[i] + scalar · c[i] (STREAM triad). */
    void triad(Buffer a, Buffer b, Buffer c, float scalar);
}
