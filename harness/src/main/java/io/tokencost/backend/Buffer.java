package io.tokencost.backend;

import java.lang.reflect.Array;

/**
 * A typed buffer in a device's memory. Host arrays go in and come out through upload/download;
 * the host array's type must match {@link #type()} (float[] for F32, short[] for F16 bits, byte[]
 * for I8, int[] for U32) and its length {@link #elements()}.
 */
public interface Buffer extends AutoCloseable {

    DataType type();

    long elements();

    default long bytes() {
        return elements() * type().bytes();
    }

    /** Copies a host array of this buffer's type and length to the device. */
    void upload(Object hostArray);

    /** Copies the device's values into a host array of this buffer's type and length. */
    void download(Object hostArray);

    /** Overwrites every element with NaN (F32, F16, BF16) or all-ones bits (integers), so a skipped output is caught. */
    void poison();

    @Override
    void close();

    /** Throws unless {@code hostArray} is an array of this buffer's type and length. */
    static void checkHostArray(Buffer b, Object hostArray) {
        if (hostArray == null || hostArray.getClass() != b.type().hostArray()) {
            throw new IllegalArgumentException("a " + b.type() + " buffer takes a " + b.type().hostArray().getSimpleName()
                    + ", got " + (hostArray == null ? "null" : hostArray.getClass().getSimpleName()));
        }
        int length = Array.getLength(hostArray);
        if (length != b.elements()) {
            throw new IllegalArgumentException("host array has " + length + " elements, buffer " + b.elements());
        }
    }

    /** The bit pattern {@link #poison()} writes, per element size: quiet NaN for floats. */
    static long poisonBits(DataType type) {
        return switch (type) {
            case F32 -> 0x7fc00000L;
            case F16 -> 0x7e00L;
            case BF16 -> 0x7fc0L;
            case I8 -> 0xffL;
            case U32 -> 0xffffffffL;
        };
    }
}
