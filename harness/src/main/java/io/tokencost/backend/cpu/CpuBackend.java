package io.tokencost.backend.cpu;

import io.tokencost.backend.Availability;
import io.tokencost.backend.Backend;
import io.tokencost.backend.DeviceProperties;
import io.tokencost.backend.Session;

import java.util.List;

/** The CPU backend: real, multi-threaded kernels over every core. Always available. */
public final class CpuBackend implements Backend {

    /**
     * The JVM flag every measuring fork gets: every array starts at the same offset from a 64-byte
     * line. With the default 8-byte alignment where an array lands varies from one JVM to the next,
     * and so does the speed of the 512-bit loads over it: the int4 qgemv at 28672 x 4096, batch 1,
     * measured 8.2, 20.1, 14.5, 8.3 and 20.8 ms in five forks; with this flag 8.2-8.5 ms in all five.
     */
    public static final String FORK_ALIGNMENT_FLAG = "-XX:ObjectAlignmentInBytes=64";

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
