package io.tokencost.backend;

/**
 * Element types of device buffers. F16 elements are IEEE binary16 bit patterns (Java {@code short}),
 * BF16 elements bfloat16 bit patterns (the top half of a float);
 * U32 holds packed quantized weights (Java {@code int}).
 */
public enum DataType {
    F32(4, float[].class),
    F16(2, short[].class),
    BF16(2, short[].class),
    I8(1, byte[].class),
    U32(4, int[].class);

    private final int bytes;
    private final Class<?> hostArray;

    DataType(int bytes, Class<?> hostArray) {
        this.bytes = bytes;
        this.hostArray = hostArray;
    }

    public int bytes() {
        return bytes;
    }

    /** The Java array type that holds this type's elements on the host. */
    public Class<?> hostArray() {
        return hostArray;
    }

    /** A new host array of {@code n} elements. */
    public Object newHostArray(int n) {
        return switch (this) {
            case F32 -> new float[n];
            case F16, BF16 -> new short[n];
            case I8 -> new byte[n];
            case U32 -> new int[n];
        };
    }
}
