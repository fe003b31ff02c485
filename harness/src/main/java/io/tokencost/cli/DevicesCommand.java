package io.tokencost.cli;

import io.tokencost.backend.Availability;
import io.tokencost.backend.Backend;
import io.tokencost.backend.Backends;
import io.tokencost.backend.DeviceProperties;
import io.tokencost.measure.energy.EnergyMeters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "Lists every backend with its devices and their properties, or why it is unavailable.")
final class DevicesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (Backend b : Backends.all()) {
            Availability a = b.availability();
            if (!a.available()) {
                out.println(b.id() + ": unavailable: " + a.reason());
                continue;
            }
            for (DeviceProperties d : b.devices()) {
                out.println(b.id() + ":" + d.index() + ": " + d.name());
                print(out, "memory", gib(d.memoryBytes()));
                if (d.peakBandwidthBytesPerS() > 0) {
                    print(out, "peak bandwidth", String.format(java.util.Locale.ROOT, "%.1f GB/s (from attributes)", d.peakBandwidthBytesPerS() / 1e9));
                }
                print(out, "last-level cache", d.lastLevelCacheBytes() > 0 ? (d.lastLevelCacheBytes() >> 20) + " MiB" : "unknown");
                if (!d.computeCapability().isEmpty()) {
                    print(out, "compute capability", d.computeCapability());
                }
                if (!d.driverVersion().isEmpty()) {
                    print(out, "driver", d.driverVersion());
                }
                d.details().forEach((k, v) -> print(out, k, v));
                print(out, "energy", EnergyMeters.describe(b.id(), d.index()));
            }
        }
        out.flush();
        return 0;
    }

    private static void print(PrintWriter out, String key, String value) {
        out.printf("  %-22s %s%n", key, value);
    }

    private static String gib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
}
