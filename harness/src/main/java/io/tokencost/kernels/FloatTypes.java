package io.tokencost.kernels;

import io.tokencost.backend.DataType;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * The floating-point element types as the kernels' twins handle them on the host: F32 in a
 * float[], F16 and BF16 as bit patterns in a short[]. Names as the results write them.
 */
public final class FloatTypes {

    private FloatTypes() {
    }

    /** The results' dtype name: fp16, bf16, fp32. */
    public static String id(DataType type) {
        return switch (type) {
            case F16 -> "fp16";
            case BF16 -> "bf16";
            case F32 -> "fp32";
            default -> throw new IllegalArgumentException(type + " is not a floating-point type");
        };
    }

    /** The type named fp16, bf16 or fp32 (any case). */
    public static DataType ofId(String id) {
        for (DataType t : new DataType[] {DataType.F16, DataType.BF16, DataType.F32}) {
            if (id(t).equals(id.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown float type '" + id + "' (known: fp16, bf16, fp32)");
    }

    /** A 16-bit type's bits for a float, rounded to nearest even. */
    public static short fromFloat(DataType type, float f) {
        return switch (type) {
            case F16 -> Half.fromFloat(f);
            case BF16 -> BFloat16.fromFloat(f);
            default -> throw new IllegalArgumentException(type + " is not a 16-bit float type");
        };
    }

    /** Element i of a host array of the type (float[] or short[] bits), exactly. */
    public static float value(DataType type, Object array, int i) {
        return switch (type) {
            case F32 -> ((float[]) array)[i];
            case F16 -> Half.toFloat(((short[]) array)[i]);
            case BF16 -> BFloat16.toFloat(((short[]) array)[i]);
            default -> throw new IllegalArgumentException(type + " is not a floating-point type");
        };
    }

    /** A host array of the type as floats (exact). */
    public static float[] toFloats(DataType type, Object array, int count) {
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = value(type, array, i);
        }
        return out;
    }

    /** {@code count} values uniform in [-1, 1), rounded to the type: float[] or short[] bits. */
    public static Object random(DataType type, int count, RandomGenerator random) {
        // in parallel chunks (RandomData.fillParallel), seeded from the caller's generator
        long seed = random.nextLong();
        if (type == DataType.F32) {
            float[] v = new float[count];
            RandomData.fillParallel(count, seed, (g, from, to) -> {
                for (int i = from; i < to; i++) {
                    v[i] = (float) (g.nextDouble() * 2 - 1);
                }
            });
            return v;
        }
        short[] v = new short[count];
        RandomData.fillParallel(count, seed, (g, from, to) -> {
            for (int i = from; i < to; i++) {
                v[i] = fromFloat(type, (float) (g.nextDouble() * 2 - 1));
            }
        });
        return v;
    }
}
