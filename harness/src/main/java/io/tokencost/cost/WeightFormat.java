package io.tokencost.cost;

import java.util.Locale;

/**
 * How the weights of the transformer's linear layers are stored. Bytes per weight include the
 * scales: int8 has one fp16 scale per output channel (row), int4_g128 one fp16 scale per group of
 * 128 weights (+0.125 bit/weight). Embeddings, LM head and norms stay 16-bit in every format, as
 * GPTQ/AWQ/Marlin checkpoints keep them.
 */
public enum WeightFormat {
    FP16(16, 0),
    BF16(16, 0),
    INT8(8, 0),
    INT4_G128(4, 128);

    private final int bits;
    private final int groupSize;

    WeightFormat(int bits, int groupSize) {
        this.bits = bits;
        this.groupSize = groupSize;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether weights are stored below 16 bits (with scales): a 16-bit GEMM needs them dequantised first. */
    public boolean quantized() {
        return bits < 16;
    }

    /** Bytes of a rows x cols weight matrix stored in this format, scales included. */
    public double matrixBytes(long rows, long cols) {
        double weights = (double) rows * cols * bits / 8.0;
        double scales = switch (this) {
            case FP16, BF16 -> 0;
            case INT8 -> rows * 2.0;
            case INT4_G128 -> rows * Math.ceil((double) cols / groupSize) * 2.0;
        };
        return weights + scales;
    }

    /** What users type: an id in any case, or {@code int4} for int4_g128. */
    public static WeightFormat parse(String text) {
        String id = text.toLowerCase(Locale.ROOT);
        return of(id.equals("int4") ? INT4_G128.id() : id);
    }

    public static WeightFormat of(String id) {
        for (WeightFormat f : values()) {
            if (f.id().equals(id)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown weight format '" + id + "' (known: fp16, bf16, int8, int4_g128)");
    }
}
