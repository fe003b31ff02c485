package io.tokencost.backend.cpu;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;

import java.util.Arrays;

/** A CPU buffer is a Java array of its type; the CPU kernels work on it in place. */
public final class CpuBuffer implements Buffer {

    /** Largest Java array the JVM allocates. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private final DataType type;
    private final Object array;
    private final int length;

    CpuBuffer(DataType type, long elements) {
        if (elements < 0 || elements > MAX_ELEMENTS) {
            throw new IllegalArgumentException("CPU buffer of " + elements + " elements is outside 0.." + MAX_ELEMENTS);
        }
        this.type = type;
        this.length = (int) elements;
        this.array = type.newHostArray(length);
    }

    private static CpuBuffer of(Buffer b, DataType type) {
        if (!(b instanceof CpuBuffer cpu)) {
            throw new IllegalArgumentException("buffer belongs to another backend: " + b.getClass().getSimpleName());
        }
        if (cpu.type != type) {
            throw new IllegalArgumentException("expected a " + type + " buffer, got " + cpu.type);
        }
        return cpu;
    }

    public static float[] floats(Buffer b) {
        return (float[]) of(b, DataType.F32).array;
    }

    public static short[] halves(Buffer b) {
        return (short[]) of(b, DataType.F16).array;
    }

    /** The host array of a buffer of {@code type}: float[], short[] (F16, BF16), byte[] or int[]. */
    public static Object array(Buffer b, DataType type) {
        return of(b, type).array;
    }

    public static byte[] bytes(Buffer b) {
        return (byte[]) of(b, DataType.I8).array;
    }

    public static int[] ints(Buffer b) {
        return (int[]) of(b, DataType.U32).array;
    }

    @Override
    public DataType type() {
        return type;
    }

    @Override
    public long elements() {
        return length;
    }

    @Override
    public void upload(Object hostArray) {
        Buffer.checkHostArray(this, hostArray);
        System.arraycopy(hostArray, 0, array, 0, length);
    }

    @Override
    public void download(Object hostArray) {
        Buffer.checkHostArray(this, hostArray);
        System.arraycopy(array, 0, hostArray, 0, length);
    }

    @Override
    public void poison() {
        long bits = Buffer.poisonBits(type);
        switch (type) {
            case F32 -> Arrays.fill((float[]) array, Float.intBitsToFloat((int) bits));
            case F16, BF16 -> Arrays.fill((short[]) array, (short) bits);
            case I8 -> Arrays.fill((byte[]) array, (byte) bits);
            case U32 -> Arrays.fill((int[]) array, (int) bits);
        }
    }

    @Override
    public void close() {
        // garbage collected
    }
}
