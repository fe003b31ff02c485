package io.tokencost.measure.energy;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import io.tokencost.backend.Availability;

import java.util.Locale;

/**
 * A GPU's energy from NVML (libnvidia-ml, which ships with the driver), through JNA:
 * {@code nvmlDeviceGetTotalEnergyConsumption} (millijoules since the driver loaded; Volta and
 * newer), with power draw, SM clock and the clock-throttle reasons beside it.
 */
public final class NvmlEnergyMeter implements EnergyMeter {

    /** The NVML calls used; each returns an nvmlReturn_t (0 = success). */
    public interface Nvml extends Library {
        int nvmlInit_v2();

        int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

        int nvmlDeviceGetTotalEnergyConsumption(Pointer device, LongByReference millijoules);

        int nvmlDeviceGetPowerUsage(Pointer device, IntByReference milliwatts);

        int nvmlDeviceGetClockInfo(Pointer device, int clockType, IntByReference mhz);

        int nvmlDeviceGetCurrentClocksThrottleReasons(Pointer device, LongByReference reasons);
    }

    /** nvmlClockType_t NVML_CLOCK_SM. */
    static final int CLOCK_SM = 1;

    private final Nvml nvml;
    private final Pointer device;
    private final int index;
    private final Availability availability;

    NvmlEnergyMeter(Nvml nvml, int index) {
        this.index = index;
        Availability a;
        Pointer handle = null;
        if (nvml == null) {
            a = Availability.no("libnvidia-ml is not loadable here (no NVIDIA driver)");
        } else {
            PointerByReference h = new PointerByReference();
            int rc = nvml.nvmlInit_v2();
            if (rc == 0) {
                rc = nvml.nvmlDeviceGetHandleByIndex_v2(index, h);
            }
            if (rc == 0) {
                handle = h.getValue();
                rc = nvml.nvmlDeviceGetTotalEnergyConsumption(handle, new LongByReference());
            }
            a = rc == 0 ? Availability.yes() : Availability.no("NVML error " + rc + " reading GPU " + index
                    + "'s energy counter (" + (rc == 3 ? "not supported before Volta" : "see nvml.h nvmlReturn_t") + ")");
        }
        this.nvml = nvml;
        this.device = handle;
        this.availability = a;
    }

    /** GPU {@code index} through the driver's libnvidia-ml. */
    public static NvmlEnergyMeter gpu(int index) {
        Nvml lib;
        try {
            lib = Native.load("nvidia-ml", Nvml.class);
        } catch (UnsatisfiedLinkError e) {
            lib = null;
        }
        return new NvmlEnergyMeter(lib, index);
    }

    @Override
    public String name() {
        return "NVML total energy, GPU " + index;
    }

    @Override
    public Availability availability() {
        return availability;
    }

    @Override
    public Sample read() {
        LongByReference mj = new LongByReference();
        check(nvml.nvmlDeviceGetTotalEnergyConsumption(device, mj), "nvmlDeviceGetTotalEnergyConsumption");
        return new Sample(new long[] {mj.getValue()}, System.nanoTime());
    }

    /** The counter is 64-bit millijoules since the driver loaded: it does not wrap in practice. */
    @Override
    public double joulesBetween(Sample before, Sample after) {
        return (after.counters()[0] - before.counters()[0]) / 1e3;
    }

    /** Power draw now, in watts. */
    public double watts() {
        IntByReference mw = new IntByReference();
        check(nvml.nvmlDeviceGetPowerUsage(device, mw), "nvmlDeviceGetPowerUsage");
        return mw.getValue() / 1e3;
    }

    /** SM clock now, in MHz. */
    public int smClockMhz() {
        IntByReference mhz = new IntByReference();
        check(nvml.nvmlDeviceGetClockInfo(device, CLOCK_SM, mhz), "nvmlDeviceGetClockInfo");
        return mhz.getValue();
    }

    /** The active clock-throttle reasons (nvmlClocksThrottleReason bits), e.g. {@code sw_power_cap, hw_slowdown}; empty when none. */
    public String throttleReasons() {
        LongByReference bits = new LongByReference();
        check(nvml.nvmlDeviceGetCurrentClocksThrottleReasons(device, bits), "nvmlDeviceGetCurrentClocksThrottleReasons");
        return ThrottleReasons.describe(bits.getValue());
    }

    private static void check(int rc, String call) {
        if (rc != 0) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s failed: NVML error %d", call, rc));
        }
    }
}
