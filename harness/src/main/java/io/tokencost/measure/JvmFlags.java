package io.tokencost.measure;

import java.util.List;

/** Flags of the JVMs that time kernels: the launcher's (the {@code tokencost} script) and the JMH forks {@code run} starts. */
public final class JvmFlags {

    /**
     * The Java heap on 2 MiB pages wherever Linux offers them on request (transparent huge pages in
     * "madvise" mode, many distributions' default; "always" gives them anyway, "never" makes this a
     * no-op). On a host backend the model's weights, KV cache and activations live on the heap, and
     * a step touches a gigabyte of them between two uses of a layer: on 4 KiB pages its small
     * products ran up to 1.5x slower than in their rows (TLB misses the rows, reading one array
     * after another, did not pay). The synthetic OLMoE decode step on the development VM, 8 JVMs
     * each way: median 140 ms on 4 KiB pages, 110 ms on 2 MiB pages; the rows did not move.
     */
    public static final String HUGE_PAGES = "-XX:+UseTransparentHugePages";

    /** {@link #HUGE_PAGES} on Linux; nothing elsewhere, where HotSpot has no such flag and would refuse to start. */
    public static List<String> hugePages() {
        return hugePages(System.getProperty("os.name", ""));
    }

    static List<String> hugePages(String osName) {
        return osName.startsWith("Linux") ? List.of(HUGE_PAGES) : List.of();
    }

    private JvmFlags() {
    }
}
