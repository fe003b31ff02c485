package io.tokencost.backend.cpu;

import io.tokencost.backend.DeviceProperties;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Reads the CPU's properties from the machine itself: /proc/cpuinfo, /sys caches, the JVM. */
public final class CpuInfo {

    private static final Path CPUS = Path.of("/sys/devices/system/cpu");
    private static final Path CACHE_DIR = CPUS.resolve("cpu0/cache");
    private static final Path THP_MODE = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

    private CpuInfo() {
    }

    public static DeviceProperties read() {
        Map<String, String> details = new LinkedHashMap<>();
        int cores = Runtime.getRuntime().availableProcessors();
        details.put("cores", Integer.toString(cores));
        String llcName = null;
        for (Map.Entry<String, Long> cache : caches().entrySet()) {
            details.put(cache.getKey(), mib(cache.getValue()));
            llcName = cache.getKey();
        }
        long llc = totalLastLevelCache(llcName);
        if (llc > 0) {
            details.put("last_level_cache_total", mib(llc) + " (every instance the cores share)");
        }
        details.put("vector_width_bits", vectorBits());
        details.put("transparent_huge_pages", hugePages(readFirstLine(THP_MODE), heapAsksForHugePages()));
        details.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        long memory = physicalMemory();
        return new DeviceProperties("cpu", 0, modelName(), "", "", "", cores, memory, 0L, llc, details);
    }

    /** Cache levels in ascending order, "L1d", "L2", "L3" → bytes (the last one is the LLC). */
    static Map<String, Long> caches() {
        Map<String, Long> out = new LinkedHashMap<>();
        if (!Files.isDirectory(CACHE_DIR)) {
            return out;
        }
        try (var dirs = Files.list(CACHE_DIR)) {
            for (Path index : dirs.filter(p -> p.getFileName().toString().startsWith("index")).sorted().toList()) {
                String type = Files.readString(index.resolve("type")).trim();
                if (type.equals("Instruction")) {
                    continue;
                }
                String level = Files.readString(index.resolve("level")).trim();
                long bytes = parseSize(Files.readString(index.resolve("size")).trim());
                out.put("L" + level + (type.equals("Data") ? "d" : ""), bytes);
            }
        } catch (IOException | RuntimeException e) {
            // caches unknown: the caller sizes working sets from a conservative default
        }
        return out;
    }

    /**
     * The last-level cache summed over its distinct instances (one per CCD on AMD, one per socket
     * on two-socket machines): the threads span all cores, so all of it can hold a working set.
     */
    static long totalLastLevelCache(String llcName) {
        if (llcName == null) {
            return 0;
        }
        String level = llcName.substring(1).replaceAll("\\D", "");
        Map<String, Long> instances = new LinkedHashMap<>();
        try (var cpus = Files.list(CPUS)) {
            for (Path cpu : cpus.filter(p -> p.getFileName().toString().matches("cpu\\d+")).toList()) {
                Path cacheDir = cpu.resolve("cache");
                if (!Files.isDirectory(cacheDir)) {
                    continue;
                }
                try (var indices = Files.list(cacheDir)) {
                    for (Path index : indices.filter(p -> p.getFileName().toString().startsWith("index")).toList()) {
                        if (Files.readString(index.resolve("level")).trim().equals(level)
                                && !Files.readString(index.resolve("type")).trim().equals("Instruction")) {
                            instances.put(Files.readString(index.resolve("shared_cpu_list")).trim(),
                                    parseSize(Files.readString(index.resolve("size")).trim()));
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return caches().getOrDefault(llcName, 0L);
        }
        return instances.values().stream().mapToLong(Long::longValue).sum();
    }

    /** "266240K" → bytes. */
    static long parseSize(String s) {
        String u = s.toUpperCase(Locale.ROOT);
        long mult = 1;
        if (u.endsWith("K")) {
            mult = 1024;
        } else if (u.endsWith("M")) {
            mult = 1024 * 1024;
        } else if (u.endsWith("G")) {
            mult = 1024L * 1024 * 1024;
        }
        String digits = mult == 1 ? u : u.substring(0, u.length() - 1);
        return Long.parseLong(digits.trim()) * mult;
    }

    private static String modelName() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            Optional<String> model = lines.stream().filter(l -> l.startsWith("model name")).findFirst();
            if (model.isPresent()) {
                return model.get().substring(model.get().indexOf(':') + 1).trim();
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch") + " CPU";
    }

    /** Physical memory of this machine in bytes, or 0 where the JVM cannot tell. */
    public static long physicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }

    /**
     * Whether the heap (the host backends' buffers) sits on 2 MiB pages: the kernel's mode, e.g.
     * "always [madvise] never", and whether this JVM asks ({@code -XX:+UseTransparentHugePages}).
     * Small products inside a model step run measurably slower on 4 KiB pages, so runs record it.
     */
    static String hugePages(String mode, boolean jvmAsks) {
        if (mode == null) {
            return "unknown (no " + THP_MODE + ")";
        }
        int open = mode.indexOf('[');
        int close = mode.indexOf(']', open + 1);
        String selected = open >= 0 && close > open ? mode.substring(open + 1, close) : mode.trim();
        String heap = switch (selected) {
            case "always" -> "the heap gets them";
            case "madvise" -> jvmAsks ? "the heap asks for them" : "the heap is on 4 KiB pages (start java with -XX:+UseTransparentHugePages)";
            case "never" -> "the heap is on 4 KiB pages";
            default -> jvmAsks ? "the heap asks for them" : "the heap does not ask for them";
        };
        return selected + ": " + heap;
    }

    private static boolean heapAsksForHugePages() {
        try {
            return Boolean.parseBoolean(ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("UseTransparentHugePages").getValue());
        } catch (RuntimeException e) {
            return false;   // not HotSpot: the flag does not exist
        }
    }

    private static String readFirstLine(Path p) {
        try {
            return Files.readAllLines(p).stream().findFirst().orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String vectorBits() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return "unavailable (start java with --add-modules jdk.incubator.vector)";
        }
        return Integer.toString(jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize());
    }

    private static String mib(long bytes) {
        return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }
}
