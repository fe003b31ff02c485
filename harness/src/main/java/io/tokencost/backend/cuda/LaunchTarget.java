package io.tokencost.backend.cuda;

/**
 * Where the CUDA host code of a kernel family launches: the launcher, and the device sizes its
 * grids and splits are made for.
 *
 * @param multiprocessors          the device's SMs (the emulation: its cores)
 * @param threadsPerMultiprocessor threads one SM holds at once (2048 on A100 and H100, 1536 on sm_86 and sm_89)
 */
public record LaunchTarget(KernelLauncher launcher, int multiprocessors, int threadsPerMultiprocessor) {
}
