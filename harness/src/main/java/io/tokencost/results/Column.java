package io.tokencost.results;

import java.util.Locale;

/**
 * Results schema v1, column by column, in file order (GUIDE §4). Units are SI and named in the
 * column. {@link Kind#TEXT} cells are neutralised against spreadsheet formulas on writing;
 * {@link Kind#NUMBER} cells must parse as numbers (or be empty) on reading.
 */
public enum Column {
    // identity
    SCHEMA_VERSION(Kind.TEXT), RUN_ID(Kind.TEXT), TIMESTAMP_UTC(Kind.TEXT), HARNESS_VERSION(Kind.TEXT),
    GIT_SHA(Kind.TEXT), HOST(Kind.TEXT), BACKEND(Kind.TEXT), DEVICE_NAME(Kind.TEXT), DEVICE_INDEX(Kind.NUMBER),
    DRIVER_VERSION(Kind.TEXT), CUDA_VERSION(Kind.TEXT), COMPUTE_CAPABILITY(Kind.TEXT), SM_COUNT(Kind.NUMBER),
    MEMORY_BYTES(Kind.NUMBER), PEAK_BW_BYTES_PER_S(Kind.NUMBER), JVM(Kind.TEXT),
    // case
    SUITE(Kind.TEXT), KERNEL(Kind.TEXT), DTYPE(Kind.TEXT), WEIGHT_FORMAT(Kind.TEXT),
    M(Kind.NUMBER), N(Kind.NUMBER), K(Kind.NUMBER), BATCH(Kind.NUMBER), SEQ_LEN(Kind.NUMBER), CONTEXT(Kind.NUMBER),
    HEADS(Kind.NUMBER), KV_HEADS(Kind.NUMBER), HEAD_DIM(Kind.NUMBER),
    // measurement
    SAMPLES(Kind.NUMBER), TIME_MEDIAN_S(Kind.NUMBER), TIME_MIN_S(Kind.NUMBER), TIME_MEAN_S(Kind.NUMBER),
    NOISE_REL(Kind.NUMBER), BATCH_TIME_S(Kind.NUMBER), L2(Kind.TEXT), CLOCK_MHZ_MIN(Kind.NUMBER),
    CLOCK_MHZ_MAX(Kind.NUMBER), THROTTLED(Kind.TEXT), VERIFIED(Kind.TEXT), MAX_REL_ERROR(Kind.NUMBER),
    // derived
    BYTES_MOVED(Kind.NUMBER), FLOPS(Kind.NUMBER), BYTES_PER_S(Kind.NUMBER), FLOPS_PER_S(Kind.NUMBER),
    PCT_OF_PEAK_BW(Kind.NUMBER), PCT_OF_MEASURED_BW(Kind.NUMBER),
    // model-level
    TOKENS_PER_S(Kind.NUMBER), USD_PER_HOUR(Kind.NUMBER), USD_PER_1M_TOKENS(Kind.NUMBER), PRICE_SOURCE(Kind.TEXT);

    /** The schema version this code writes and the only one it reads. */
    public static final String SCHEMA_VERSION_V1 = "1";

    public enum Kind { TEXT, NUMBER }

    private final Kind kind;

    Column(Kind kind) {
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
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
