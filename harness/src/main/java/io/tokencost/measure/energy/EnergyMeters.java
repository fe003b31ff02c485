package io.tokencost.measure.energy;

import java.util.Optional;

/** The energy meter of a backend's device: RAPL for the CPU, NVML for a CUDA GPU, none for the emulation. */
public final class EnergyMeters {

    private EnergyMeters() {
    }

    public static Optional<EnergyMeter> of(String backendId, int deviceIndex) {
        return switch (backendId) {
            case "cpu" -> Optional.of(RaplEnergyMeter.system());
            case "cuda" -> Optional.of(NvmlEnergyMeter.gpu(deviceIndex));
            default -> Optional.empty();
        };
    }

    /** One line for humans: what is metered, or why energy is not measurable here. */
    public static String describe(String backendId, int deviceIndex) {
        return of(backendId, deviceIndex).map(m -> m.availability().available() ? m.name()
                : "not measurable here: " + m.availability().reason()).orElse("not measured (the emulation draws no device power)");
    }
}
