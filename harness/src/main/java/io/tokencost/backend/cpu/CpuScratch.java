package io.tokencost.backend.cpu;

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
 * <p>Contents are whatever the last launch left: callers write before they read, and pass lengths
 * explicitly (an array may be longer than asked for). A session runs one launch at a time, as a
 * CUDA stream does, so a kernel's arrays are never shared between launches in flight.
 */
final class CpuScratch {

    private final float[][] arrays;

    /** Arrays for {@code owners} workers (indexed as {@link CpuParallel} numbers them), or 1 for the calling thread. */
    CpuScratch(int owners) {
        arrays = new float[owners][];
    }

    /** Owner {@code owner}'s array, at least {@code length} floats long. */
    float[] floats(int owner, int length) {
        float[] a = arrays[owner];
        if (a == null || a.length < length) {
            a = new float[length];
            arrays[owner] = a;
        }
        return a;
    }

    /** The calling thread's array (a scratch made for one owner), at least {@code length} floats long. */
    float[] floats(int length) {
        return floats(0, length);
    }
}
