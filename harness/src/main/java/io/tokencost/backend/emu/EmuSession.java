package io.tokencost.backend.emu;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.backend.DeviceProperties;
import io.tokencost.backend.HostSession;
import io.tokencost.backend.cuda.CudaAttentionDecode;
import io.tokencost.backend.cuda.CudaAttentionPrefill;
import io.tokencost.backend.cuda.CudaGemm;
import io.tokencost.backend.cuda.CudaMemoryStream;
import io.tokencost.backend.cuda.CudaQGemv;
import io.tokencost.backend.cuda.KernelLauncher;
import io.tokencost.kernels.AttentionDecodeKernels;
import io.tokencost.kernels.AttentionPrefillKernels;
import io.tokencost.kernels.GemmKernels;
import io.tokencost.kernels.MemoryStreamKernels;
import io.tokencost.kernels.QGemvKernels;


/** The CUDA kernels and the CUDA backend's host code, run on the CPU. Launches are synchronous. */
final class EmuSession extends HostSession {

    /** An emulated SM holds 2048 threads, as Ampere and Hopper SMs do. */
    static final int THREADS_PER_SM = 2048;

    private final EmuLibrary lib;
    private final DeviceProperties device;
    private final KernelLauncher launcher;
    private final CudaMemoryStream memoryStream;
    private final CudaQGemv qgemv;
    private final CudaGemm gemm;
    private final CudaAttentionDecode attentionDecode;
    private final CudaAttentionPrefill attentionPrefill;

    EmuSession(EmuLibrary lib, DeviceProperties device) {
        this.lib = lib;
        this.device = device;
        this.launcher = new EmuLauncher(lib);
        this.memoryStream = new CudaMemoryStream(launcher, CudaMemoryStream.maxBlocks(device.computeUnits(), THREADS_PER_SM));
        this.qgemv = new CudaQGemv(launcher, device.computeUnits());
        this.gemm = new CudaGemm(launcher);
        this.attentionDecode = new CudaAttentionDecode(launcher, device.computeUnits());
        this.attentionPrefill = new CudaAttentionPrefill(launcher);
    }

    @Override
    public java.util.Optional<KernelLauncher> kernelLauncher() {
        return java.util.Optional.of(launcher);
    }

    @Override
    public DeviceProperties device() {
        return device;
    }

    @Override
    public Buffer allocate(DataType type, long elements) {
        return new EmuBuffer(lib, type, elements);
    }

    @Override
    public MemoryStreamKernels memoryStream() {
        return memoryStream;
    }

    @Override
    public QGemvKernels qgemv() {
        return qgemv;
    }

    @Override
    public GemmKernels gemm() {
        return gemm;
    }

    @Override
    public AttentionDecodeKernels attentionDecode() {
        return attentionDecode;
    }

    @Override
    public AttentionPrefillKernels attentionPrefill() {
        return attentionPrefill;
    }

    @Override
    public void close() {
        // buffers are freed by their owners
    }
}
