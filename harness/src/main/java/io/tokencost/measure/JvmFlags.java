package io.tokencost.measure;

import java.util.List;
import java.util.stream.Stream;

/**
 * Flags of the JVMs that time kernels: the launcher's (the {@code tokencost} script reads them from
 * {@code bench/target/jvm.flags}, which the build writes with {@link #main}) and the JMH forks {@code run} starts.
 */
public final class JvmFlags {

    /**
     * The Java heap on 2 MiB pages where Linux offers them on request ("madvise" mode; "never" makes
     * it a no-op): a host step touches a gigabyte of heap between two uses of a layer, and on 4 KiB
     * pages its small products paid TLB misses their rows did not (results/reference/cpu-dev-vm/step-breakdown).
     */
    public static final String HUGE_PAGES = "-XX:+UseTransparentHugePages";

    /**
     * Inlining twice as deep as HotSpot's default (15): past the limit a Vector API operation runs out
     * of line on boxed vectors, and how deep a kernel sits depends on which caller C2 compiles first.
     */
    public static final String INLINE_DEPTH = "-XX:MaxInlineLevel=30";

    /**
     * Every object on a 64-byte cache line, so an array's place in its line is the same in every JVM
     * and after every GC move: the CPU kernels start their hot scratch arrays on a line (CpuScratch.START).
     * See results/reference/cpu-dev-vm/qgemv-fork-alignment.
     */
    public static final String LINE_ALIGNED_OBJECTS = "-XX:ObjectAlignmentInBytes=64";

    /**
     * C1 always compiles with full profiles (tier 3), never the counters-only tier 2 it falls back to
     * while C2's queue is long: a helper compiled without types left a kernel's Vector API calls virtual
     * for the JVM's life (results/reference/cpu-epyc-vm/decode-prefill-quick).
     */
    public static final String FULL_PROFILES = "-XX:Tier3DelayOn=100000";

    /** The flags every JVM that times kernels gets: {@link #INLINE_DEPTH}, {@link #LINE_ALIGNED_OBJECTS}, {@link #FULL_PROFILES} and {@link #hugePages()}. */
    public static List<String> forTiming() {
        return Stream.concat(Stream.of(INLINE_DEPTH, LINE_ALIGNED_OBJECTS, FULL_PROFILES), hugePages().stream()).toList();
    }

    /** {@link #HUGE_PAGES} on Linux; nothing elsewhere, where HotSpot has no such flag and would refuse to start. */
    public static List<String> hugePages() {
        return hugePages(System.getProperty("os.name", ""));
    }

    static List<String> hugePages(String osName) {
        return osName.startsWith("Linux") ? List.of(HUGE_PAGES) : List.of();
    }

    /** Prints {@link #forTiming()} on one line: the build writes it to the file the launcher reads. */
    public static void main(String[] args) {
        System.out.println(String.join(" ", forTiming()));
    }

    private JvmFlags() {
    }
}
