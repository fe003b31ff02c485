package io.tokencost.results;

import java.util.List;
import java.util.Locale;

/**
 * Results schema v5, column by column, in file order. Units are SI and named in the
 * column. {@link Kind#TEXT} cells are neutralised against spreadsheet formulas on writing;
 * {@link Kind#NUMBER} cells must parse as numbers (or be empty) on reading. v2 added the energy
 * columns, v3 {@link #KERNEL_IMAGE}, v4 {@link #CPU_THREADS}, v5 {@link #MEDIAN_CI_REL} and
 * {@link #NOISY} ({@link #since}): an older file, which lacks them, still reads, those cells empty.
 */
public enum Column {
    // identity
    SCHEMA_VERSION(Kind.TEXT), RUN_ID(Kind.TEXT), TIMESTAMP_UTC(Kind.TEXT), HARNESS_VERSION(Kind.TEXT),
    GIT_SHA(Kind.TEXT), HOST(Kind.TEXT), BACKEND(Kind.TEXT), DEVICE_NAME(Kind.TEXT), DEVICE_INDEX(Kind.NUMBER),
    DRIVER_VERSION(Kind.TEXT), CUDA_VERSION(Kind.TEXT), COMPUTE_CAPABILITY(Kind.TEXT),
    // v3: what the GPU's kernels were loaded from (SASS, or PTX JIT-compiled by the driver)
    KERNEL_IMAGE(Kind.TEXT, 3), SM_COUNT(Kind.NUMBER),
    // v4: the hardware threads a host's run used, which a per-vCPU price is multiplied by
    CPU_THREADS(Kind.NUMBER, 4),
    MEMORY_BYTES(Kind.NUMBER), PEAK_BW_BYTES_PER_S(Kind.NUMBER), JVM(Kind.TEXT),
    // case
    SUITE(Kind.TEXT), KERNEL(Kind.TEXT), DTYPE(Kind.TEXT), WEIGHT_FORMAT(Kind.TEXT),
    M(Kind.NUMBER), N(Kind.NUMBER), K(Kind.NUMBER), BATCH(Kind.NUMBER), SEQ_LEN(Kind.NUMBER), CONTEXT(Kind.NUMBER),
    HEADS(Kind.NUMBER), KV_HEADS(Kind.NUMBER), HEAD_DIM(Kind.NUMBER),
    // measurement
    SAMPLES(Kind.NUMBER), TIME_MEDIAN_S(Kind.NUMBER), TIME_MIN_S(Kind.NUMBER), TIME_MEAN_S(Kind.NUMBER),
    NOISE_REL(Kind.NUMBER),
    // v5: the median's own uncertainty, and whether the samples spread past SampleStats.NOISY_ABOVE
    MEDIAN_CI_REL(Kind.NUMBER, 5), NOISY(Kind.TEXT, 5),
    BATCH_TIME_S(Kind.NUMBER), L2(Kind.TEXT), CLOCK_MHZ_MIN(Kind.NUMBER),
    CLOCK_MHZ_MAX(Kind.NUMBER), THROTTLED(Kind.TEXT), VERIFIED(Kind.TEXT), MAX_REL_ERROR(Kind.NUMBER),
    // derived
    BYTES_MOVED(Kind.NUMBER), FLOPS(Kind.NUMBER), BYTES_PER_S(Kind.NUMBER), FLOPS_PER_S(Kind.NUMBER),
    PCT_OF_PEAK_BW(Kind.NUMBER), PCT_OF_MEASURED_BW(Kind.NUMBER),
    // energy (v2): the median over measured iterations of the meter's joules per launch; empty where nothing meters
    ENERGY_J(Kind.NUMBER, 2), POWER_W(Kind.NUMBER, 2), ENERGY_METER(Kind.TEXT, 2),
    // model-level
    TOKENS_PER_S(Kind.NUMBER), J_PER_TOKEN(Kind.NUMBER, 2), USD_PER_HOUR(Kind.NUMBER), USD_PER_1M_TOKENS(Kind.NUMBER), PRICE_SOURCE(Kind.TEXT);

    /** The schema version this code writes. */
    public static final String SCHEMA_VERSION_CURRENT = "5";
    /** The versions it reads: 1 (no energy columns), 2 (no kernel_image), 3 (no cpu_threads), 4 (no median_ci_rel, noisy) and 5. */
    public static final List<String> SCHEMA_VERSIONS_READ = List.of("1", "2", "3", "4", "5");

    public enum Kind { TEXT, NUMBER }

    private final Kind kind;
    private final int since;

    Column(Kind kind) {
        this(kind, 1);
    }

    Column(Kind kind, int since) {
        this.kind = kind;
        this.since = since;
    }

    public Kind kind() {
        return kind;
    }

    /** The schema version that introduced the column: files of earlier versions lack it. */
    public int since() {
        return since;
    }

    /** The header name: the constant in lower case, e.g. {@code time_median_s}. */
    public String header() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static String[] headers() {
        Column[] all = values();
        String[] out = new String[all.length];
        for (int i = 0; i < all.length; i++) {
            out[i] = all[i].header();
        }
        return out;
    }
}
