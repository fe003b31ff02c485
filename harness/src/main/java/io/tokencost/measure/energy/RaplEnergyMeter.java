package io.tokencost.measure.energy;

import io.tokencost.backend.Availability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU package energy from Linux's powercap RAPL interface: every top-level
 * {@code intel-rapl:N} domain's {@code energy_uj} (microjoules, wrapping at
 * {@code max_energy_range_uj}). Sub-domains ({@code intel-rapl:N:M}: cores, uncore, dram) are
 * inside their package's count and are not added again. Since Linux 5.10 {@code energy_uj} is
 * readable by root only; that, a VM without RAPL, or a non-Intel/AMD CPU makes it unavailable.
 */
public final class RaplEnergyMeter implements EnergyMeter {

    public static final Path SYSFS = Path.of("/sys/class/powercap");

    private final Path root;
    private final List<Path> domains;
    private final Availability availability;

    public RaplEnergyMeter(Path root) {
        this.root = root;
        List<Path> found = List.of();
        Availability a;
        try (Stream<Path> entries = Files.isDirectory(root) ? Files.list(root) : Stream.empty()) {
            found = entries.filter(p -> p.getFileName().toString().matches("intel-rapl:\\d+")).sorted().toList();
            if (!Files.isDirectory(root)) {
                a = Availability.no(root + " does not exist (no powercap: a VM, or a kernel without RAPL)");
            } else if (found.isEmpty()) {
                a = Availability.no("no intel-rapl package domain under " + root);
            } else {
                for (Path d : found) {
                    Files.readString(d.resolve("energy_uj"));
                }
                a = Availability.yes();
            }
        } catch (AccessDeniedException e) {
            a = Availability.no(e.getFile() + " is readable by root only (Linux >= 5.10); run as root or chmod o+r it");
        } catch (IOException e) {
            a = Availability.no("cannot read RAPL under " + root + ": " + e.getMessage());
        }
        this.domains = found;
        this.availability = a;
    }

    public static RaplEnergyMeter system() {
        return new RaplEnergyMeter(SYSFS);
    }

    @Override
    public String name() {
        return "RAPL package energy (" + domains.size() + " package domain" + (domains.size() == 1 ? "" : "s") + " under " + root + ")";
    }

    @Override
    public Availability availability() {
        return availability;
    }

    @Override
    public Sample read() {
        long[] counters = new long[domains.size()];
        for (int i = 0; i < counters.length; i++) {
            counters[i] = number(domains.get(i).resolve("energy_uj"));
        }
        return new Sample(counters, System.nanoTime());
    }

    @Override
    public double joulesBetween(Sample before, Sample after) {
        double microjoules = 0;
        for (int i = 0; i < domains.size(); i++) {
            long delta = after.counters()[i] - before.counters()[i];
            if (delta < 0) {
                // the counter wrapped (at most once: it takes minutes at full power)
                delta += number(domains.get(i).resolve("max_energy_range_uj")) + 1;
            }
            microjoules += delta;
        }
        return microjoules / 1e6;
    }

    private static long number(Path file) {
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
