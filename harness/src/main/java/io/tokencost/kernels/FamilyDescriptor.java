package io.tokencost.kernels;

import io.tokencost.backend.KernelFamily;
import io.tokencost.backend.Session;
import io.tokencost.backend.cpu.CpuParallel;
import io.tokencost.backend.cuda.LaunchTarget;

import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What ties a kernel family together: its .cu file's name, its launchers' interface, their
 * implementation on each backend (the CUDA host code serves the cuda and emu backends, which both
 * launch the .cu file; the Java kernels serve cpu) and its check. Each family declares one, in its
 * {@code …Family} class; {@code KernelFamilies} lists them.
 *
 * @param cuda the CUDA host code, on the session's launcher and sized for its device
 */
public record FamilyDescriptor<T>(String name, Class<T> launchers, Function<CpuParallel, T> cpu, Function<LaunchTarget, T> cuda,
                                  Supplier<KernelCheck> check) implements KernelFamily<T> {

    @Override
    public T on(Session session) {
        Optional<LaunchTarget> target = session.launchTarget();
        if (target.isPresent()) {
            return cuda.apply(target.get());
        }
        return cpu.apply(session.cpuThreads().orElseThrow(
                () -> new IllegalStateException("the " + session.device().backend() + " backend runs neither .cu files nor Java kernels")));
    }
}
