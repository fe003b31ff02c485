package io.tokencost.kernels.memorystream;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.cpu.CpuBuffer;
import io.tokencost.backend.cpu.CpuParallel;
import io.tokencost.kernels.VectorSum;

/**
 * The fast CPU memory kernels: every core streams a contiguous chunk. copy and write use the JVM's
 * intrinsics (System.arraycopy, Arrays.fill: rep movsb / AVX-512 stores); triad is a loop C2
 * vectorises on its own; read needs the Vector API, because float sums are never reordered by C2.
 */
final class CpuMemoryStream implements MemoryStreamKernels {

    private final CpuParallel parallel;

    CpuMemoryStream(CpuParallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void copy(Buffer dst, Buffer src) {
        float[] d = CpuBuffer.floats(dst);
        float[] s = CpuBuffer.floats(src);
        requireSameLength(d, s);
        parallel.forRange(s.length, (w, from, to) -> System.arraycopy(s, from, d, from, to - from));
    }

    @Override
    public long readPartials(long elements) {
        return parallel.threads();
    }

    @Override
    public void read(Buffer src, Buffer partials) {
        float[] s = CpuBuffer.floats(src);
        float[] p = CpuBuffer.floats(partials);
        if (p.length < parallel.threads()) {
            throw new IllegalArgumentException("read needs " + parallel.threads() + " partials, got " + p.length);
        }
        parallel.forRange(s.length, (w, from, to) -> p[w] = (float) VectorSum.sum(s, from, to));
    }

    @Override
    public void write(Buffer dst, float value) {
        float[] d = CpuBuffer.floats(dst);
        parallel.forRange(d.length, (w, from, to) -> java.util.Arrays.fill(d, from, to, value));
    }

    @Override
    public void triad(Buffer a, Buffer b, Buffer c, float scalar) {
        float[] x = CpuBuffer.floats(a);
        float[] y = CpuBuffer.floats(b);
        float[] z = CpuBuffer.floats(c);
        requireSameLength(x, y);
        requireSameLength(x, z);
        parallel.forRange(x.length, (w, from, to) -> {
            for (int i = from; i < to; i++) {
                x[i] = Math.fma(scalar, z[i], y[i]);
            }
        });
    }

    private static void requireSameLength(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("buffers differ in length: " + a.length + " vs " + b.length);
        }
    }
}
