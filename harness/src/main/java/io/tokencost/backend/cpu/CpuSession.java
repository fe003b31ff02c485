package io.tokencost.backend.cpu;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.backend.DeviceProperties;
import io.tokencost.backend.HostSession;
import io.tokencost.kernels.AttentionDecodeKernels;
import io.tokencost.kernels.AttentionPrefillKernels;
import io.tokencost.kernels.GemmKernels;
import io.tokencost.kernels.MemoryStreamKernels;
import io.tokencost.kernels.QGemvKernels;

/** CPU kernels run synchronously on a pool of one thread per core. */
final class CpuSession extends HostSession {

    private final DeviceProperties device;
    private final CpuParallel parallel;
    private final CpuMemoryStream memoryStream;
    private final CpuQGemv qgemv;
    private final CpuGemm gemm;
    private final CpuAttentionDecode attentionDecode;
    private final CpuAttentionPrefill attentionPrefill;

    CpuSession(DeviceProperties device) {
        this.device = device;
        this.parallel = new CpuParallel(device.computeUnits());
        this.memoryStream = new CpuMemoryStream(parallel);
        this.qgemv = new CpuQGemv(parallel);
        this.gemm = new CpuGemm(parallel);
        this.attentionDecode = new CpuAttentionDecode(parallel);
        this.attentionPrefill = new CpuAttentionPrefill(parallel);
    }

    @Override
    public DeviceProperties device() {
        return device;
    }

    @Override
    public Buffer allocate(DataType type, long elements) {
        return new CpuBuffer(type, elements);
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
        parallel.close();
    }
}
