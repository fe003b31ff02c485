package io.tokencost.backend.cpu;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.backend.DeviceProperties;
import io.tokencost.backend.KernelTimer;
import io.tokencost.backend.NanoTimer;
import io.tokencost.backend.Session;
import io.tokencost.kernels.MemoryStreamKernels;
import io.tokencost.kernels.QGemvKernels;

/** CPU kernels run synchronously on a pool of one thread per core. */
final class CpuSession implements Session {

    private final DeviceProperties device;
    private final CpuParallel parallel;
    private final CpuMemoryStream memoryStream;
    private final CpuQGemv qgemv;

    CpuSession(DeviceProperties device) {
        this.device = device;
        this.parallel = new CpuParallel(device.computeUnits());
        this.memoryStream = new CpuMemoryStream(parallel);
        this.qgemv = new CpuQGemv(parallel);
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
    public void synchronize() {
        // CPU kernels return when done
    }

    @Override
    public void flushCaches() {
        // CPU working sets are sized at >= 4x the last-level cache instead
    }

    @Override
    public java.util.OptionalDouble measureClockMhz() {
        return java.util.OptionalDouble.empty();
    }

    @Override
    public KernelTimer newTimer() {
        return new NanoTimer();
    }

    @Override
    public void close() {
        parallel.close();
    }
}
