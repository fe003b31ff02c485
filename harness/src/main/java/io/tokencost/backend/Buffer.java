package io.tokencost.backend;

/** A float buffer in a device's memory. Host arrays go in and come out through upload/download. */
public interface Buffer extends AutoCloseable {

    long elements();

    default long bytes() {
        return elements() * Float.BYTES;
    }

    /** Copies {@code src} (of exactly {@link #elements()} values) to the device. */
    void upload(float[] src);

    /** Copies the device's values into {@code dst} (of exactly {@link #elements()} values). */
    void download(float[] dst);

    /** Overwrites every element with NaN, so a kernel that skips an output is caught. */
    void poison();

    @Override
    void close();
}
