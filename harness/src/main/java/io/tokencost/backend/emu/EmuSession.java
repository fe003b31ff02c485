package io.tokencost.backend.emu;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.backend.DeviceProperties;
import io.tokencost.backend.FamilyLaunchers;
import io.tokencost.backend.HostSession;
import io.tokencost.backend.KernelFamily;
import io.tokencost.backend.cuda.LaunchTarget;

import java.util.List;

/** The CUDA kernels and the CUDA backend's host code, run on the CPU. Launches are synchronous. */
final class EmuSession extends HostSession {

    /** An emulated SM holds 2048 threads, as Ampere and Hopper SMs do. */
    static final int THREADS_PER_SM = 2048;

    private final EmuLibrary lib;
    private final DeviceProperties device;
    private final EmuLauncher launcher;
    private final FamilyLaunchers families = new FamilyLaunchers(this);

    EmuSession(EmuLibrary lib, DeviceProperties device) {
        this.lib = lib;
        this.device = device;
        this.launcher = new EmuLauncher(lib);
    }

    @Override
    public java.util.Optional<LaunchTarget> launchTarget() {
        return java.util.Optional.of(new LaunchTarget(launcher, device.computeUnits(), THREADS_PER_SM));
    }

    /** The step's launches recorded (not run), replayed in order: a CUDA graph's semantics, with nothing to save. */
    @Override
    public Runnable capture(Runnable step) {
        launcher.startRecording();
        List<Runnable> launches;
        try {
            step.run();
        } finally {
            launches = launcher.stopRecording();
        }
        return () -> launches.forEach(Runnable::run);
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
    public Buffer allocate(DataType type, long elements) {
        return new EmuBuffer(lib, type, elements);
    }

    @Override
    public void close() {
        // buffers are freed by their owners
    }
}
