package io.tokencost.measure.energy;

import java.util.ArrayList;
import java.util.List;

/** NVML's clock-throttle reason bits (nvml.h, nvmlClocksThrottleReason*) as names. */
final class ThrottleReasons {

    private static final String[] NAMES = {"gpu_idle", "applications_clocks_setting", "sw_power_cap", "hw_slowdown", "sync_boost",
        "sw_thermal_slowdown", "hw_thermal_slowdown", "hw_power_brake_slowdown", "display_clock_setting"};

    private ThrottleReasons() {
    }

    static String describe(long bits) {
        List<String> on = new ArrayList<>();
        for (int i = 0; i < NAMES.length; i++) {
            if ((bits & (1L << i)) != 0) {
                on.add(NAMES[i]);
            }
        }
        long unknown = bits & ~((1L << NAMES.length) - 1);
        if (unknown != 0) {
            on.add("0x" + Long.toHexString(unknown));
        }
        return String.join(", ", on);
    }
}
