package io.tokencost.kernels;

/**
 * Float arrays a CPU kernel reuses from one launch to the next, one per worker of the session's
 * pool (or one for the calling thread), grown when a launch needs more: once a kernel has seen its
 * sizes, its launches allocate nothing, as a GPU kernel's do not.
 *
 * <p>Why: arrays allocated per launch kept the JVM writing heap it had never touched, and each
 * first touch of a page faults (2 MiB at a time on huge pages; 72 such faults in 2 s of launches).
 * Those faults landed inside launches, milliseconds at a time: on the dev VM an int4 2048 x 2048
 * product's mean launch ran 1.5x its median, and 1.1x once the young generation was small enough
 * for its pages to be reused (-Xmn32m). A step is a sum of launches, so the tail was in every step.
 *
 * <p>An array has {@link #START} spare floats in front: index START is the first on a cache line
 * when the JVM puts objects on lines (the timing JVMs' {@code JvmFlags.LINE_ALIGNED_OBJECTS}), and
 * a kernel whose vector loads from the array are hot keeps its data from there. A 64-byte load off
 * a line touches two: a 16-row int4 expert product ran 1.6 ms with its dequantised row and x on
 * lines and 2.7-3.2 ms off them, and without the flag each JVM drew which it got.
 *
 * <p>Contents are whatever the last launch left: callers write before they read, and pass lengths
 * explicitly (an array may be longer than asked for). A session runs one launch at a time, as a
 * CUDA stream does, so a kernel's arrays are never shared between launches in flight.
 */
public final class CpuScratch {

    /** Bytes of a cache line on x86-64 and most AArch64 cores. */
    public static final int LINE_BYTES = 64;
    /** Index of an array's first float on a line, on a line-aligned object: past the array's header. */
    public static final int START = floatsBeforeLine(floatArrayBaseOffset());

    private final float[][] arrays;

    /** Arrays for {@code owners} workers (indexed as {@link CpuParallel} numbers them), or 1 for the calling thread. */
    public CpuScratch(int owners) {
        arrays = new float[owners][];
    }

    /** Owner {@code owner}'s array, with at least {@code length} floats from {@link #START}. */
    public float[] floats(int owner, int length) {
        float[] a = arrays[owner];
        if (a == null || a.length < START + length) {
            a = new float[START + length];
            arrays[owner] = a;
        }
        return a;
    }

    /** The calling thread's array (a scratch made for one owner), with at least {@code length} floats from {@link #START}. */
    public float[] floats(int length) {
        return floats(0, length);
    }

    /** Floats from a line-aligned object's start to the next line boundary, past a header of {@code headerBytes}. */
    public static int floatsBeforeLine(int headerBytes) {
        return Math.floorMod(-headerBytes, LINE_BYTES) / Float.BYTES;
    }

    /**
     * Where a float[]'s data starts in the object, as the JVM reports it (read reflectively: the
     * constant sits in jdk.unsupported's sun.misc.Unsafe); HotSpot's 16 bytes (compressed class
     * pointers, its default) where the JVM offers no such constant.
     */
    private static int floatArrayBaseOffset() {
        try {
            return Class.forName("sun.misc.Unsafe").getField("ARRAY_FLOAT_BASE_OFFSET").getInt(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return 16;
        }
    }
}
