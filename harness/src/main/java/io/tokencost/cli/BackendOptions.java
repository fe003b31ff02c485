package io.tokencost.cli;

import io.tokencost.backend.Availability;
import io.tokencost.backend.Backend;
import io.tokencost.backend.BackendUnavailableException;
import io.tokencost.backend.Backends;
import io.tokencost.backend.cuda.CudaBackend;
import io.tokencost.backend.emu.EmuBackend;
import picocli.CommandLine.Option;

import java.util.List;

/** {@code --backend} and {@code --device}, shared by run and verify. */
final class BackendOptions {

    @Option(names = "--backend", paramLabel = "cpu|cuda|emu",
            description = "Backend to use (default: the best available: cuda when a GPU works, else cpu).")
    String backend;

    @Option(names = "--device", paramLabel = "INDEX", defaultValue = "0", description = "Device index (default: ${DEFAULT-VALUE}).")
    int device;

    @Option(names = "--kernel-image", paramLabel = "auto|fatbin|ptx",
            description = "cuda: load the kernels from this image, for an A/B check (default: auto: the fatbin where the driver takes it, "
                    + "else the compatibility PTX); the same as -Dtokencost.kernels=…")
    String kernelImage;

    @Option(names = "--racecheck", description = "emu: check every shared-memory access for races between barriers (about twice as slow); "
            + "the same as -Dtokencost.emu.racecheck=true")
    boolean racecheck;

    /** The backend asked for (exit 3 when it cannot run here), or the best available one. */
    Backend resolve() {
        if (device < 0) {
            throw new IllegalArgumentException("--device must be >= 0, got " + device);
        }
        if (kernelImage != null) {
            String image = kernelImage.trim().toLowerCase(java.util.Locale.ROOT);
            if (!List.of("auto", "fatbin", "ptx").contains(image)) {
                throw new IllegalArgumentException("--kernel-image must be auto, fatbin or ptx, got '" + kernelImage + "'");
            }
            // read by the CUDA backend's probe and passed on to the measuring forks; Main restores it after the command
            System.setProperty(CudaBackend.KERNEL_IMAGE_PROPERTY, image);
        }
        if (racecheck) {
            if (!"emu".equals(backend)) {
                throw new IllegalArgumentException("--racecheck needs --backend emu: it checks the emulated kernels' shared memory");
            }
            // read when the backend is made, and passed on to the measuring forks; Main restores it after the command
            System.setProperty(EmuBackend.RACECHECK_PROPERTY, "true");
        }
        if (backend == null) {
            return Backends.best();
        }
        Backend b = Backends.byId(backend);
        Availability a = b.availability();
        if (!a.available()) {
            throw new BackendUnavailableException("backend " + b.id() + " is not available: " + a.reason());
        }
        return b;
    }
}
