package io.tokencost.kernels.memorystream;

import io.tokencost.backend.Session;
import io.tokencost.kernels.FamilyDescriptor;

/**
 * memory_stream.cu (copy, read, write and triad: the memory system's bandwidth):
 * its launchers on each backend and its check, tied together. {@code KernelFamilies} lists it.
 */
public final class MemoryStreamFamily {

    public static final FamilyDescriptor<MemoryStreamKernels> DESCRIPTOR = new FamilyDescriptor<>(CudaMemoryStream.MODULE, MemoryStreamKernels.class,
            CpuMemoryStream::new,
            t -> new CudaMemoryStream(t.launcher(), CudaMemoryStream.maxBlocks(t.multiprocessors(), t.threadsPerMultiprocessor())),
            MemoryStreamCheck::new);

    private MemoryStreamFamily() {
    }

    /** The family's launchers on {@code session}'s device. */
    public static MemoryStreamKernels on(Session session) {
        return session.family(DESCRIPTOR);
    }
}
