package io.tokencost.backend;

import io.tokencost.kernels.AttentionDecodeKernels;
import io.tokencost.kernels.AttentionPrefillKernels;
import io.tokencost.kernels.GemmKernels;
import io.tokencost.kernels.MemoryStreamKernels;
import io.tokencost.kernels.QGemvKernels;
import io.tokencost.kernels.TransformerOpsKernels;

/**
 * One open device: allocates buffers, exposes each kernel family's launcher, and times them.
 * Kernel launches may be asynchronous; {@link #synchronize()} waits for them.
 */
public interface Session extends AutoCloseable {

    DeviceProperties device();

    /** A buffer of {@code elements} values of {@code type}; contents undefined until written. */
    Buffer allocate(DataType type, long elements);

    default Buffer allocateFloats(long elements) {
        return allocate(DataType.F32, elements);
    }

    /** The launchers of every kernel family on this device. */
    Kernels kernels();

    /** Launcher for the memory-bandwidth kernels (memory_stream.cu and its Java twin). */
    default MemoryStreamKernels memoryStream() {
        return kernels().memoryStream();
    }

    /** Launcher for the weight-only quantized GEMV kernels (qgemv.cu and its Java twin QGemv). */
    default QGemvKernels qgemv() {
        return kernels().qgemv();
    }

    /** Launcher for the dense matrix products (gemm.cu and its Java twin Gemm). */
    default GemmKernels gemm() {
        return kernels().gemm();
    }

    /** Launcher for the decode-step attention (attention_decode.cu and its Java twin AttentionDecode). */
    default AttentionDecodeKernels attentionDecode() {
        return kernels().attentionDecode();
    }

    /** Launcher for the causal prefill attention (attention_prefill.cu and its Java twin AttentionPrefill). */
    default AttentionPrefillKernels attentionPrefill() {
        return kernels().attentionPrefill();
    }

    default TransformerOpsKernels transformerOps() {
        return kernels().transformerOps();
    }

    /**
     * The launcher of the kernels/*.cu files on backends that run them (cuda, emu), for kernels
     * outside the families above (probes); empty on the CPU backend.
     */
    default java.util.Optional<io.tokencost.backend.cuda.KernelLauncher> kernelLauncher() {
        return java.util.Optional.empty();
    }

    /**
     * {@code step}'s kernel launches recorded once, returned as their replay: on a GPU a CUDA graph
     * (the whole step one launch, as serving engines run decode steps so that launch gaps do not
     * dominate; capturing does not run the kernels), on the emulation the recorded launches
     * relaunched in order, on the CPU the step itself. The step must launch the same kernels with
     * the same arguments each time, read nothing back to the host, and have run once before (its
     * modules loaded).
     */
    default Runnable capture(Runnable step) {
        return step;
    }

    /** Waits until every launched kernel has finished. */
    void synchronize();

    /**
     * Evicts the device's last-level cache (GPU: memset of an L2-sized buffer), so the next
     * sample reads from DRAM. A no-op where working sets are sized past the cache instead.
     */
    void flushCaches();

    /**
     * The SM clock right now, measured by a tiny kernel that spins for a fixed number of clock64
     * cycles against %globaltimer (nvbench's throttle check). Empty where no such clock exists (CPU).
     */
    java.util.OptionalDouble measureClockMhz();

    /** Nominal (maximum) SM clock from attributes, or 0 where unknown: samples under 75 % are throttled. */
    default double nominalClockMhz() {
        return 0;
    }

    /** A timer of the device's own clock: CUDA events on GPUs, System.nanoTime on the CPU. */
    KernelTimer newTimer();

    @Override
    void close();
}
