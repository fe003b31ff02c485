package io.tokencost.backend.cuda;


/**
 * Launches one {@code extern "C"} kernel of a kernels/*.cu file. The seam between the host code
 * that sizes launches and marshals arguments (each kernel family's {@code Cuda…} class) and whatever runs the
 * kernel: the CUDA driver ({@link CudaLauncher}) or, later, a host emulation of the same source.
 *
 * <p>Arguments, in the kernel's parameter order: a {@link io.tokencost.backend.Buffer} of the
 * launcher's backend for each pointer, {@link Float} for {@code float}, {@link Long} for
 * {@code long long}, {@link Integer} for {@code int}.
 */
public interface KernelLauncher {

    /**
     * Enqueues the kernel; returns without waiting for it.
     *
     * @param module   the .cu file's base name, e.g. {@code memory_stream}
     * @param function the kernel's name, e.g. {@code stream_copy}
     */
    void launch(String module, String function, LaunchConfig config, Object... args);
}
