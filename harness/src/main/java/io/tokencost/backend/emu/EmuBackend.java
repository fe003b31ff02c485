package io.tokencost.backend.emu;

import io.tokencost.backend.Availability;
import io.tokencost.backend.Backend;
import io.tokencost.backend.BackendUnavailableException;
import io.tokencost.backend.DeviceProperties;
import io.tokencost.backend.Session;
import io.tokencost.backend.cpu.CpuInfo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code emu}: every kernels/*.cu compiled by the host C++ compiler against a SIMT emulation
 * (kernels/emu), launched through the CUDA backend's own host code. It makes the CUDA path
 * testable without a GPU; its timings say nothing about any GPU.
 */
public final class EmuBackend implements Backend {

    private static volatile Object probe;   // the loaded EmuLibrary, or the reason it failed to load

    @Override
    public String id() {
        return "emu";
    }

    private static Object probe() {
        Object p = probe;
        if (p == null) {
            try {
                p = EmuLibrary.load();
            } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
                p = "the emulation library was not built (libtokencost_emu.so: " + e.getMessage().lines().findFirst().orElse("") + ")";
            }
            probe = p;
        }
        return p;
    }

    @Override
    public Availability availability() {
        return probe() instanceof EmuLibrary ? Availability.yes() : Availability.no((String) probe());
    }

    private static EmuLibrary library() {
        if (probe() instanceof EmuLibrary lib) {
            return lib;
        }
        throw new BackendUnavailableException("backend emu is not available: " + probe());
    }

    @Override
    public List<DeviceProperties> devices() {
        return List.of(properties(library()));
    }

    private static DeviceProperties properties(EmuLibrary lib) {
        DeviceProperties cpu = CpuInfo.read();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("emulated_sms", cpu.computeUnits() + " (one per core)");
        details.put("kernels", lib.tc_emu_kernel_count() + " registered");
        details.put("note", "CUDA kernels emulated on the CPU for tests: timings describe no GPU");
        return new DeviceProperties("emu", 0, "CUDA emulation on " + cpu.name(), "", "", "", cpu.computeUnits(),
                cpu.memoryBytes(), 0L, 0L, details);
    }

    @Override
    public Session open(int deviceIndex) {
        if (deviceIndex != 0) {
            throw new IllegalArgumentException("the emu backend has one device, index 0; got " + deviceIndex);
        }
        EmuLibrary lib = library();
        return new EmuSession(lib, properties(lib));
    }
}
