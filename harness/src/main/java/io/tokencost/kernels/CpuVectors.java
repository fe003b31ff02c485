package io.tokencost.kernels;

import io.tokencost.backend.DataType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector species the CPU kernels share, and their 16-bit float to float conversions. Every
 * conversion and reinterpretation names its target species (convertShape, castShape,
 * reinterpretShape with a species below): JDK 17's convert(op, part) and reinterpretAsFloats() look
 * the target up at run time, C2 cannot fold it to a constant, and the operation then runs out of
 * line on heap-boxed vectors, at a speed that differs from one JVM to the next.
 *
 * <p>Halves widen with convertShape(S2I, ...), not castShape: castShape too fell back to its boxed
 * Java path in some JVMs (a 64 x 2048 fp16 product at 290 µs instead of 15 µs). With S2I some
 * JVMs still ran it at about 88 µs: that was C2's inlining depth, not the conversion, and timing
 * JVMs now inline deeper ({@link io.tokencost.measure.JvmFlags#INLINE_DEPTH}: 16-18 µs in 13 of
 * 13 JVMs). Large products are not affected either way.
 */
public final class CpuVectors {

    /**
     * The platform's preferred vector width, 256 or 512 bits (below 256 the byte species would be
     * narrower than the Vector API allows; such machines run the 256-bit code, correctly but slower).
     */
    public static final int BITS = Math.max(256, Math.min(512, FloatVector.SPECIES_PREFERRED.vectorBitSize()));
    public static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.vectorBitSize() == BITS
            ? FloatVector.SPECIES_PREFERRED : FloatVector.SPECIES_256;
    public static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    /** Half-width lanes: one short per float lane. */
    public static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(BITS / 2));
    /** Quarter-width lanes: one byte per float lane. */
    public static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(BITS / 4));
    /** Lanes of every species above: 16 at 512 bits, 8 at 256. */
    public static final int L = F.length();
    /** 2^112: w x 2^-112 times x x 2^112 keeps both factors normal floats for every finite half. */
    public static final float FP16_X_SCALE = 0x1p112f;

    private CpuVectors() {
    }

    /**
     * A vector of halves → floats scaled by 2^-112, in three integer ops: the sign-extended half shifted
     * left by 13 puts magnitude and sign in place; the mask clears the three copies of the sign that
     * land in the exponent. Read as a float that is exactly w x 2^-112 (normal and subnormal halves
     * alike); callers fold the 2^112 into x ({@link #FP16_X_SCALE}) or multiply it back.
     */
    public static FloatVector halvesToScaledFloats(short[] w, int offset) {
        IntVector h = (IntVector) ShortVector.fromArray(S, w, offset).convertShape(VectorOperators.S2I, I, 0);
        return (FloatVector) h.lanewise(VectorOperators.LSHL, 13).and(0x8fffffff).reinterpretShape(F, 0);
    }

    /** {@code count} halves from {@code offset} as floats into {@code out}: vector body, scalar tail. */
    public static float[] halvesToFloats(short[] h, int offset, int count, float[] out) {
        return halvesToFloats(h, offset, count, out, 0);
    }

    /** {@code count} halves from {@code offset} as floats into {@code out} from {@code outOffset}. */
    public static float[] halvesToFloats(short[] h, int offset, int count, float[] out, int outOffset) {
        int i = 0;
        for (; i <= count - L; i += L) {
            halvesToScaledFloats(h, offset + i).mul(FP16_X_SCALE).intoArray(out, outOffset + i);
        }
        for (; i < count; i++) {
            out[outOffset + i] = Half.toFloat(h[offset + i]);
        }
        return out;
    }

    /** {@code count} bfloat16s from {@code offset} as floats into {@code out} from {@code outOffset}: a bfloat16 is a float's top half. */
    public static float[] bfloat16sToFloats(short[] h, int offset, int count, float[] out, int outOffset) {
        int i = 0;
        for (; i <= count - L; i += L) {
            IntVector v = (IntVector) ShortVector.fromArray(S, h, offset + i).convertShape(VectorOperators.S2I, I, 0);
            ((FloatVector) v.lanewise(VectorOperators.LSHL, 16).reinterpretShape(F, 0)).intoArray(out, outOffset + i);
        }
        for (; i < count; i++) {
            out[outOffset + i] = Float.intBitsToFloat((h[offset + i] & 0xffff) << 16);
        }
        return out;
    }

    /** {@code count} elements of a float-type host array (float[], or F16 / BF16 bits in a short[]) from {@code offset} as floats. */
    public static float[] toFloats(DataType type, Object array, int offset, int count, float[] out) {
        return toFloats(type, array, offset, count, out, 0);
    }

    /** As {@link #toFloats(DataType, Object, int, int, float[])}, into {@code out} from {@code outOffset}. */
    public static float[] toFloats(DataType type, Object array, int offset, int count, float[] out, int outOffset) {
        return switch (type) {
            case F32 -> {
                System.arraycopy(array, offset, out, outOffset, count);
                yield out;
            }
            case F16 -> halvesToFloats((short[]) array, offset, count, out, outOffset);
            case BF16 -> bfloat16sToFloats((short[]) array, offset, count, out, outOffset);
            default -> throw new IllegalArgumentException(type + " is not a floating-point type");
        };
    }

    /** p[i] = exp(p[i] - max) for i < n, a vector at a time; returns their sum. */
    public static float expInPlace(float[] p, int n, float max) {
        FloatVector sum = FloatVector.zero(F);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector e = FloatVector.fromArray(F, p, i).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(p, i);
            sum = sum.add(e);
        }
        float total = sum.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            p[i] = (float) Math.exp(p[i] - max);
            total += p[i];
        }
        return total;
    }
}
