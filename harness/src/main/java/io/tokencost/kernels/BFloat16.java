package io.tokencost.kernels;

/**
 * bfloat16 conversions: the top 16 bits of an IEEE float, carried as their bit pattern in a
 * {@code short}, as BF16 buffers hold them. Same rounding as CUDA's __float2bfloat16_rn.
 */
public final class BFloat16 {

    private BFloat16() {
    }

    /** Exact: every bfloat16 is a float. */
    public static float toFloat(short b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }

    /** Round to nearest even (overflow to infinity by the carry), NaN kept quiet. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 0x40);
        }
        bits += 0x7fff + ((bits >>> 16) & 1);
        return (short) (bits >>> 16);
    }
}
