package io.tokencost.measure;

/** Flags of every JVM that times kernels: the launcher's (the {@code tokencost} script) and JMH's forks. */
public final class JvmFlags {

    /**
     * The Java heap on 2 MiB pages wherever Linux offers them on request (transparent huge pages in
     * "madvise" mode, many distributions' default; "always" gives them anyway, "never" makes this a
     * no-op). On a host backend the model's weights, KV cache and activations live on the heap: on
     * 4 KiB pages a synthetic OLMoE decode step's small products ran 1.5x slower inside the step
     * than in their rows (an expert's int4 2048 x 2048: 0.36 ms against 0.24 ms; the router's
     * 64 x 2048: 0.12 ms against 0.03 ms), a gap the rows, reading one array after another, did
     * not see. Serving engines map weights on huge pages for the same reason.
     */
    public static final String HUGE_PAGES = "-XX:+UseTransparentHugePages";

    private JvmFlags() {
    }
}
