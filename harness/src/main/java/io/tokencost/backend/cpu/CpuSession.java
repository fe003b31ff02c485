package io.tokencost.backend.cpu;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.backend.DeviceProperties;
import io.tokencost.backend.HostSession;
import io.tokencost.backend.Kernels;

/** CPU kernels run synchronously on a pool of one thread per core. */
final class CpuSession extends HostSession {

    private final DeviceProperties device;
    private final CpuParallel parallel;
    private final Kernels kernels;

    CpuSession(DeviceProperties device) {
        this.device = device;
        this.parallel = new CpuParallel(device.computeUnits());
        this.kernels = new Kernels(new CpuMemoryStream(parallel), new CpuQGemv(parallel), new CpuGemm(parallel),
                new CpuAttentionDecode(parallel), new CpuAttentionPrefill(parallel), new CpuTransformerOps(parallel));
    }

    @Override
    public DeviceProperties device() {
        return device;
    }

    @Override
    public Kernels kernels() {
        return kernels;
    }

    @Override
    public Buffer allocate(DataType type, long elements) {
        return new CpuBuffer(type, elements);
    }

    @Override
    public void close() {
        parallel.close();
    }
}
