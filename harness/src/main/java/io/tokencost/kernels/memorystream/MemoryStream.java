package io.tokencost.kernels.memorystream;

import io.tokencost.measure.Workload;

import java.util.Locale;

/**
 * Java twin of kernels/memory_stream.cu: the STREAM-style kernels that measure the bandwidth
 * ceiling every other number is judged against. The scalar methods here are the reference;
 * {@link io.tokencost.kernels.memorystream.CpuMemoryStream} is the fast multi-threaded CPU kernel.
 */
public final class MemoryStream {

    private MemoryStream() {
    }

    /** The kernels of this family, with the bytes each moves per element (fp32 elements). */
    public enum Op {
        COPY(1, 1, 0, 2),
        READ(1, 0, 1, 1),
        WRITE(0, 1, 0, 1),
        TRIAD(2, 1, 2, 3);

        private final int arraysRead;
        private final int arraysWritten;
        private final int flopsPerElement;
        private final int arrays;

        Op(int arraysRead, int arraysWritten, int flopsPerElement, int arrays) {
            this.arraysRead = arraysRead;
            this.arraysWritten = arraysWritten;
            this.flopsPerElement = flopsPerElement;
            this.arrays = arrays;
        }

        /** Lower-case name used on the command line and in result rows. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Number of distinct n-element arrays the kernel touches (sizes its working set). */
        public int arrays() {
            return arrays;
        }

        /** Bytes read and written by one pass over n fp32 elements, as STREAM counts them. */
        public Workload workload(long n) {
            long bytes = n * Float.BYTES;
            return new Workload(arraysRead * bytes, arraysWritten * bytes, flopsPerElement * n);
        }

        public static Op of(String id) {
            for (Op op : values()) {
                if (op.id().equals(id)) {
                    return op;
                }
            }
            throw new IllegalArgumentException("unknown memory kernel '" + id + "' (known: copy, read, write, triad)");
        }
    }

    /** The references compute in float64; the kernels' float32 results are judged against them. */
    public static double[] copyReference(float[] src) {
        double[] out = new double[src.length];
        for (int i = 0; i < src.length; i++) {
            out[i] = src[i];
        }
        return out;
    }

    public static double readReference(float[] src) {
        double sum = 0;
        for (float v : src) {
            sum += v;
        }
        return sum;
    }

    public static double[] writeReference(int n, float value) {
        double[] out = new double[n];
        java.util.Arrays.fill(out, value);
        return out;
    }

    public static double[] triadReference(float[] b, float[] c, float scalar) {
        double[] out = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] + (double) scalar * c[i];
        }
        return out;
    }
}
