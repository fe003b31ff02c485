package io.tokencost.backend.cpu;

import io.tokencost.backend.Buffer;

import java.util.Arrays;

/** A CPU buffer is a Java float array; the CPU kernels work on it in place. */
final class CpuBuffer implements Buffer {

    /** Largest Java array the JVM allocates. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    final float[] data;

    CpuBuffer(long elements) {
        if (elements < 0 || elements > MAX_ELEMENTS) {
            throw new IllegalArgumentException("CPU buffer of " + elements + " floats is outside 0.." + MAX_ELEMENTS);
        }
        this.data = new float[(int) elements];
    }

    static float[] of(Buffer b) {
        if (!(b instanceof CpuBuffer cpu)) {
            throw new IllegalArgumentException("buffer belongs to another backend: " + b.getClass().getSimpleName());
        }
        return cpu.data;
    }

    @Override
    public long elements() {
        return data.length;
    }

    @Override
    public void upload(float[] src) {
        checkLength(src);
        System.arraycopy(src, 0, data, 0, data.length);
    }

    @Override
    public void download(float[] dst) {
        checkLength(dst);
        System.arraycopy(data, 0, dst, 0, data.length);
    }

    @Override
    public void poison() {
        Arrays.fill(data, Float.NaN);
    }

    private void checkLength(float[] host) {
        if (host.length != data.length) {
            throw new IllegalArgumentException("host array has " + host.length + " floats, buffer " + data.length);
        }
    }

    @Override
    public void close() {
        // garbage collected
    }
}
