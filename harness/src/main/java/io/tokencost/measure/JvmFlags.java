package io.tokencost.measure;

import java.util.List;
import java.util.stream.Stream;

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

    /**
     * Inlining twice as deep as HotSpot's default (15). A Vector API operation is only fast when C2
     * inlines it down to its intrinsic; past the depth limit it runs out of line on boxed vectors.
     * How deep a kernel's vector code sits depends on which caller C2 happens to compile first (the
     * kernel, the pool's range task, a benchmark loop), so each JVM drew its own speed: the
     * router's fp16 64 x 2048 product took 89 µs in 4 of 13 JVMs at the default and 16-18 µs in the
     * rest, and 16-18 µs in 13 of 13 at depth 30. A product flag on every HotSpot.
     */
    public static final String INLINE_DEPTH = "-XX:MaxInlineLevel=30";

    /**
     * Every object on a 64-byte cache line (HotSpot's default is 8 bytes), so an array's data sits
     * at the same place in its line in every JVM and after every GC move: the CPU kernels start
     * their hot scratch arrays at the first element on a line (CpuScratch.START). Left to the
     * allocator, each JVM drew its own alignment and kept it: a 16-row int4 2048 x 2048 product ran
     * 1.66 ms in one fork and 2.65-2.77 ms in three others of the same benchmark. Small objects
     * grow to a line each: more heap per object, in JVMs whose heap is mostly the model's arrays.
     */
    public static final String LINE_ALIGNED_OBJECTS = "-XX:ObjectAlignmentInBytes=64";

    /**
     * C1 compiles with full profiles (tier 3) always, never the counters-only tier 2 HotSpot falls
     * back to while C2's queue holds more than 5 methods per C2 thread: a model's first steps make
     * dozens of kernels hot at once, and 2 cores get one C2 thread. A helper compiled at tier 2
     * records no types, so when C2 inlines it into a kernel the calls on its loop-carried vectors
     * stay virtual and the Vector API runs boxed, for the JVM's life. Seen on the EPYC VM: the
     * decode attention inside a Llama-3.1-8B step took 2.4-3.3 ms a call instead of 0.4-0.6 ms in
     * JVMs where {@code CpuVectors.expInPlace} had compiled at tier 2 (its sum's add and reduceLanes
     * left virtual in {@code attend}). A product flag on every HotSpot; it costs only warm-up.
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

    private JvmFlags() {
    }
}
