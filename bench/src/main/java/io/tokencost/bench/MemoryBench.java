package io.tokencost.bench;

import io.tokencost.backend.Buffer;
import io.tokencost.kernels.RandomData;
import io.tokencost.kernels.memorystream.MemoryStream;
import io.tokencost.kernels.memorystream.MemoryStreamFamily;
import io.tokencost.kernels.memorystream.MemoryStreamKernels;
import io.tokencost.measure.Workload;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;

import java.util.concurrent.TimeUnit;

/**
 * The memory suite: copy, read, write and triad on random non-zero data, the bandwidth ceiling
 * every other number is judged against. The harness sizes {@code elements} from the device's
 * last-level cache; the default here (1 GiB per array) serves plain JMH use of the jar.
 */
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class MemoryBench extends DeviceBench {

    @Param({"copy", "read", "write", "triad"})
    public String op;

    @Param("268435456")
    public long elements;

    private MemoryStreamKernels kernels;
    private MemoryStream.Op kernel;
    private Buffer a;
    private Buffer b;
    private Buffer c;
    private Buffer partials;
    private float scalar;

    @Override
    protected Workload prepare() {
        kernel = MemoryStream.Op.of(op);
        kernels = MemoryStreamFamily.on(session);
        a = randomBuffer(elements, 1);
        b = kernel.arrays() > 1 ? randomBuffer(elements, 2) : null;
        c = kernel.arrays() > 2 ? randomBuffer(elements, 3) : null;
        partials = session.allocateFloats(kernels.readPartials(elements));
        scalar = 0.5f + (float) Math.random();
        return kernel.workload(elements);
    }

    private Buffer randomBuffer(long n, long seed) {
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("elements per array must fit a Java array: " + n);
        }
        Buffer buf = session.allocateFloats(n);
        buf.upload(RandomData.uniformParallel((int) n, System.nanoTime() ^ seed));
        return buf;
    }

    /** Gigabyte kernels run only a few times in any warm-up: warm the compilers on small buffers instead. */
    @Override
    protected void warmUp() {
        int small = 1 << 14;
        Buffer[] full = {a, b, c, partials};
        a = randomBuffer(small, 7);
        b = randomBuffer(small, 8);
        c = randomBuffer(small, 9);
        partials = session.allocateFloats(kernels.readPartials(small));
        try {
            for (int i = 0; i < 2000; i++) {
                launch();
            }
            session.synchronize();
        } finally {
            for (Buffer buf : new Buffer[] {a, b, c, partials}) {
                buf.close();
            }
            a = full[0];
            b = full[1];
            c = full[2];
            partials = full[3];
        }
    }

    @Override
    protected void launch() {
        switch (kernel) {
            case COPY -> kernels.copy(b, a);
            case READ -> kernels.read(a, partials);
            case WRITE -> kernels.write(a, scalar);
            case TRIAD -> kernels.triad(a, b, c, scalar);
            default -> throw new IllegalStateException("unhandled " + kernel);
        }
    }

    @Override
    protected void release() {
        for (Buffer buf : new Buffer[] {a, b, c, partials}) {
            if (buf != null) {
                buf.close();
            }
        }
    }
}
