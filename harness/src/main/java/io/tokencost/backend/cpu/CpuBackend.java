package io.tokencost.backend.cpu;

import io.tokencost.backend.Availability;
import io.tokencost.backend.Backend;
import io.tokencost.backend.DeviceProperties;
import io.tokencost.backend.Session;

import java.util.List;

/** The CPU backend: real, multi-threaded kernels over every core. Always available. */
public final class CpuBackend implements Backend {

    @Override
    public String id() {
        return "cpu";
    }

    @Override
    public Availability availability() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return Availability.no("the Vector API is not loaded: start java with --add-modules jdk.incubator.vector");
        }
        return Availability.yes();
    }

    @Override
    public List<DeviceProperties> devices() {
        return List.of(CpuInfo.read());
    }

    @Override
    public Session open(int deviceIndex) {
        if (deviceIndex != 0) {
            throw new IllegalArgumentException("the cpu backend has one device, index 0; got " + deviceIndex);
        }
        return new CpuSession(CpuInfo.read());
    }
}
