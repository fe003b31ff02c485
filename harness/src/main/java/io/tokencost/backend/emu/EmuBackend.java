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
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code emu}: every kernels/*.cu compiled by the host C++ compiler against a SIMT emulation
 * (kernels/emu), launched through the CUDA backend's own host code. It makes the CUDA path
 * testable without a GPU; its timings say nothing about any GPU.
 */
public final class EmuBackend implements Backend {

    /** System property: {@code true} runs the kernels with every shared-memory access checked for races. */
    public static final String RACECHECK_PROPERTY = "tokencost.emu.racecheck";

    /** Per variant (plain, racecheck): the loaded EmuLibrary, or the reason it failed to load. */
    private static final Map<Boolean, Object> PROBES = new ConcurrentHashMap<>();

    private final boolean racecheck;

    /** The plain emulation, or the racecheck one where {@value #RACECHECK_PROPERTY} is {@code true}. */
    public EmuBackend() {
        this(Boolean.getBoolean(RACECHECK_PROPERTY));
    }

    /**
     * {@code racecheck}: each byte of shared memory one thread writes and another reads or writes
     * between two barriers fails the launch (kernels/README.md, Emulation); about twice as slow.
     */
    public EmuBackend(boolean racecheck) {
        this.racecheck = racecheck;
    }

    @Override
    public String id() {
        return "emu";
    }

    private Object probe() {
        return PROBES.computeIfAbsent(racecheck, race -> {
            try {
                return EmuLibrary.load(race);
            } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
                return "the emulation library was not built (lib" + (race ? EmuLibrary.RACECHECK_NAME : EmuLibrary.NAME) + ".so: "
                        + e.getMessage().lines().findFirst().orElse("") + ")";
            }
        });
    }

    @Override
    public Availability availability() {
        return probe() instanceof EmuLibrary ? Availability.yes() : Availability.no((String) probe());
    }

    private EmuLibrary library() {
        if (probe() instanceof EmuLibrary lib) {
            return lib;
        }
        throw new BackendUnavailableException("backend emu is not available: " + probe());
    }

    @Override
    public List<DeviceProperties> devices() {
        return List.of(properties(library()));
    }

    private DeviceProperties properties(EmuLibrary lib) {
        DeviceProperties cpu = CpuInfo.read();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("emulated_sms", cpu.computeUnits() + " (one per core)");
        details.put("kernels", lib.tc_emu_kernel_count() + " registered");
        details.put("racecheck", racecheck ? "on: every shared-memory access checked for races" : "off (--racecheck turns it on)");
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
