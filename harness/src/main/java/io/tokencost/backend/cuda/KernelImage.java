package io.tokencost.backend.cuda;

/**
 * One packaged image of a kernel module as a device would load it.
 *
 * @param loads what loading it means, for {@code devices} and a run's identity: {@code fatbin: SASS
 *        for sm_90}, {@code fatbin: PTX compute_120 (ISA 9.0) JIT-compiled by the driver},
 *        {@code compatibility PTX compute_80 (ISA 7.0) JIT-compiled by the driver}
 * @param minDriver the CUDA version the driver must support to load it (for error 222's message)
 */
record KernelImage(Kind kind, String loads, CudaVersion minDriver) {

    /** The file each {@code .cu} is built into. */
    enum Kind {
        FATBIN(".fatbin"), PTX(".ptx");

        private final String suffix;

        Kind(String suffix) {
            this.suffix = suffix;
        }

        String suffix() {
            return suffix;
        }
    }
}
