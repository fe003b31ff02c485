package io.tokencost.measure.energy;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnergyMeterTest {

    @TempDir
    Path sysfs;

    /** A powercap tree as Linux lays it out: two packages, a core sub-domain, counters in µJ. */
    void rapl(long package0, long core0, long package1) throws Exception {
        write("intel-rapl:0", "package-0", package0, 262143328850L);
        write("intel-rapl:0:0", "core", core0, 262143328850L);
        write("intel-rapl:1", "package-1", package1, 262143328850L);
    }

    void write(String domain, String name, long energy, long range) throws Exception {
        Path d = Files.createDirectories(sysfs.resolve(domain));
        Files.writeString(d.resolve("name"), name + "\n");
        Files.writeString(d.resolve("energy_uj"), energy + "\n");
        Files.writeString(d.resolve("max_energy_range_uj"), range + "\n");
    }

    @Test
    void raplAddsThePackagesAndUnwrapsTheirCounters() throws Exception {
        rapl(1_000_000, 400_000, 262_143_000_000L);
        RaplEnergyMeter meter = new RaplEnergyMeter(sysfs);
        assertTrue(meter.availability().available(), meter.availability().reason());
        assertTrue(meter.name().contains("2 package domains"), "the core sub-domain is inside package 0: " + meter.name());
        EnergyMeter.Sample before = meter.read();
        // package 0 drew 45 J; package 1 wrapped past its range (262143.328850 J) and drew 12 J in all
        rapl(46_000_000, 30_000_000, 262_143_000_000L + 12_000_000 - 262_143_328_851L);
        EnergyMeter.Sample after = new EnergyMeter.Sample(meter.read().counters(), before.nanoTime() + 2_000_000_000L);
        assertEquals(45 + 12, meter.joulesBetween(before, after), 1e-9);
        assertEquals(28.5, meter.wattsBetween(before, after), 1e-9);
    }

    @Test
    void raplSaysWhyItIsNotMeasurableHere() throws Exception {
        RaplEnergyMeter none = new RaplEnergyMeter(sysfs.resolve("missing"));
        assertFalse(none.availability().available());
        assertTrue(none.availability().reason().contains("does not exist"), none.availability().reason());
        Files.createDirectories(sysfs.resolve("dtpm"));
        RaplEnergyMeter empty = new RaplEnergyMeter(sysfs);
        assertTrue(empty.availability().reason().contains("no intel-rapl package domain"), empty.availability().reason());
    }

    /** NVML replaying the readings in nvml-samples.csv, one row per read. */
    static final class ReplayedNvml implements NvmlEnergyMeter.Nvml {
        final List<long[]> rows;
        final int initCode;
        int next;

        ReplayedNvml(List<long[]> rows, int initCode) {
            this.rows = rows;
            this.initCode = initCode;
        }

        /** The row of the latest energy read: power, clock and throttle bits were sampled with it. */
        long[] row() {
            return rows.get(Math.max(0, Math.min(next - 1, rows.size() - 1)));
        }

        @Override
        public int nvmlInit_v2() {
            return initCode;
        }

        @Override
        public int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device) {
            return index == 0 ? 0 : 2;   // NVML_ERROR_INVALID_ARGUMENT
        }

        @Override
        public int nvmlDeviceGetTotalEnergyConsumption(Pointer device, LongByReference mj) {
            next++;
            mj.setValue(row()[0]);
            return 0;
        }

        @Override
        public int nvmlDeviceGetPowerUsage(Pointer device, IntByReference mw) {
            mw.setValue((int) row()[1]);
            return 0;
        }

        @Override
        public int nvmlDeviceGetClockInfo(Pointer device, int clockType, IntByReference mhz) {
            mhz.setValue((int) row()[2]);
            return clockType == NvmlEnergyMeter.CLOCK_SM ? 0 : 2;
        }

        @Override
        public int nvmlDeviceGetCurrentClocksThrottleReasons(Pointer device, LongByReference reasons) {
            reasons.setValue(row()[3]);
            return 0;
        }
    }

    static List<long[]> samples() throws Exception {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(EnergyMeterTest.class.getResourceAsStream("/energy/nvml-samples.csv"),
                StandardCharsets.UTF_8))) {
            return in.lines().filter(l -> !l.startsWith("#") && !l.startsWith("energy"))
                    .map(l -> java.util.Arrays.stream(l.split(",")).mapToLong(Long::parseLong).toArray()).toList();
        }
    }

    @Test
    void nvmlCountsMillijoulesAndNamesThrottleReasons() throws Exception {
        NvmlEnergyMeter meter = new NvmlEnergyMeter(new ReplayedNvml(samples(), 0), 0);
        assertTrue(meter.availability().available(), meter.availability().reason());   // the probe read the first row
        EnergyMeter.Sample a = meter.read();
        assertEquals(611.0, meter.watts(), 1e-9);
        assertEquals("", meter.throttleReasons());
        EnergyMeter.Sample b = new EnergyMeter.Sample(meter.read().counters(), a.nanoTime() + 100_000_000L);
        assertEquals(62.5, meter.joulesBetween(a, b), 1e-9, "81234672000 - 81234609500 mJ");
        assertEquals(625.0, meter.wattsBetween(a, b), 1e-9);
        assertEquals(1755, meter.smClockMhz());
        assertEquals("sw_power_cap", meter.throttleReasons());
        assertEquals("gpu_idle, hw_slowdown, 0x1000", ThrottleReasons.describe(0x1009));
    }

    @Test
    void nvmlSaysWhyItIsNotMeasurable() throws Exception {
        assertTrue(new NvmlEnergyMeter(null, 0).availability().reason().contains("libnvidia-ml is not loadable"));
        assertTrue(new NvmlEnergyMeter(new ReplayedNvml(samples(), 9), 0).availability().reason().contains("NVML error 9"));
        assertTrue(new NvmlEnergyMeter(new ReplayedNvml(samples(), 0), 3).availability().reason().contains("NVML error 2"));
        // and on this machine, whatever it has, one line either way
        String reason = NvmlEnergyMeter.gpu(0).availability().reason();
        assertFalse(reason.contains("\n"));
    }
}
