package io.tokencost.backend;

import io.tokencost.backend.cpu.CpuBackend;
import io.tokencost.backend.cuda.CudaBackend;
import io.tokencost.backend.emu.EmuBackend;

import java.util.List;
import java.util.stream.Collectors;

/** The registry of backends, in order of preference: the first available one is the default. */
public final class Backends {

    private Backends() {
    }

    /** Every backend, best first; emu (the CUDA kernels emulated on the CPU, for tests) is never the default. */
    public static List<Backend> all() {
        return List.of(new CudaBackend(), new CpuBackend(), new EmuBackend());
    }

    public static List<String> ids() {
        return all().stream().map(Backend::id).collect(Collectors.toList());
    }

    /** The backend with this id; unknown ids are an IllegalArgumentException naming the known ones. */
    public static Backend byId(String id) {
        return all().stream().filter(b -> b.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown backend '" + id + "' (known: " + String.join(", ", ids()) + ")"));
    }

    /** The best backend available here (cuda when a GPU works, else cpu). */
    public static Backend best() {
        return all().stream().filter(b -> !b.id().equals("emu") && b.availability().available()).findFirst()
                .orElseThrow(() -> new BackendUnavailableException("no backend is available"));
    }
}
