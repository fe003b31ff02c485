package io.tokencost.backend.cuda;

import com.sun.jna.Library;
import com.sun.jna.Native;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The installed NVIDIA driver's own version ({@code 535.183.01}) from NVML, which ships with it. */
final class NvidiaDriver {

    interface Nvml extends Library {
        int nvmlInit_v2();

        int nvmlSystemGetDriverVersion(byte[] version, int length);
    }

    private NvidiaDriver() {
    }

    /** Empty where libnvidia-ml does not load or answer (the CUDA version then stands for the driver). */
    static Optional<String> version() {
        try {
            Nvml nvml = Native.load("nvidia-ml", Nvml.class);
            byte[] text = new byte[96];
            if (nvml.nvmlInit_v2() != 0 || nvml.nvmlSystemGetDriverVersion(text, text.length) != 0) {
                return Optional.empty();
            }
            int end = 0;
            while (end < text.length && text[end] != 0) {
                end++;
            }
            return Optional.of(new String(text, 0, end, StandardCharsets.US_ASCII).strip()).filter(v -> !v.isEmpty());
        } catch (LinkageError e) {   // no libnvidia-ml, or JNA's own native part missing
            return Optional.empty();
        }
    }

    /** {@code 535.183.01, supports CUDA 12.2}, or {@code R535 (CUDA 12.2)} where NVML does not say. */
    static String describe(CudaVersion supported) {
        return version().map(v -> v + ", supports CUDA " + supported).orElse(supported.driver());
    }
}
