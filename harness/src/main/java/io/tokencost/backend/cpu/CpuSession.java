package io.tokencost.backend.cpu;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.backend.DeviceProperties;
import io.tokencost.backend.FamilyLaunchers;
import io.tokencost.backend.HostSession;
import io.tokencost.backend.KernelFamily;

import java.util.Optional;

/** CPU kernels run synchronously on a pool of one thread per core. */
final class CpuSession extends HostSession {

    private final DeviceProperties device;
    private final CpuParallel parallel;
    private final FamilyLaunchers families = new FamilyLaunchers(this);

    CpuSession(DeviceProperties device) {
        this.device = device;
        this.parallel = new CpuParallel(device.computeUnits());
    }

    @Override
    public DeviceProperties device() {
        return device;
    }

    @Override
    public <T> T family(KernelFamily<T> family) {
        return families.get(family);
    }

    @Override
    public Optional<CpuParallel> cpuThreads() {
        return Optional.of(parallel);
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
