package io.tokencost.kernels.memorystream;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.Session;
import io.tokencost.kernels.CheckResult;
import io.tokencost.kernels.KernelCheck;
import io.tokencost.kernels.RandomData;
import io.tokencost.kernels.Tolerance;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * memory_stream kernels against {@link MemoryStream}'s references: odd sizes (tails of every
 * vector width), one random size, outputs poisoned with NaN before each launch.
 */
public final class MemoryStreamCheck implements KernelCheck {

    @Override
    public String family() {
        return CudaMemoryStream.MODULE;
    }

    @Override
    public List<CheckResult> check(Session session, RandomGenerator random) {
        int[] sizes = {1, 3, 17, 1023, 65_537, 1_000_003, 1 + random.nextInt(3_000_000)};
        List<CheckResult> out = new ArrayList<>();
        List<Integer> cases = java.util.Arrays.stream(sizes).boxed().toList();
        for (MemoryStream.Op op : MemoryStream.Op.values()) {
            out.add(KernelCheck.worstOf(family(), op.id(), "fp32", Tolerance.FP32, cases, n -> checkOnce(session, op, n, random)));
        }
        return out;
    }

    /** Worst relative error of one kernel at one size, on fresh random inputs, output poisoned first. */
    public static double checkOnce(Session session, MemoryStream.Op op, int n, RandomGenerator random) {
        MemoryStreamKernels k = MemoryStreamFamily.on(session);
        float[] b = RandomData.uniform(n, random);
        float[] c = RandomData.uniform(n, random);
        float scalar = 0.5f + random.nextFloat();
        float[] out = new float[n];
        try (Buffer bufA = session.allocateFloats(n); Buffer bufB = session.allocateFloats(n); Buffer bufC = session.allocateFloats(n)) {
            bufA.poison();
            bufB.upload(b);
            bufC.upload(c);
            switch (op) {
                case COPY -> {
                    k.copy(bufA, bufB);
                    session.synchronize();
                    bufA.download(out);
                    return Tolerance.relativeError(out, MemoryStream.copyReference(b));
                }
                case WRITE -> {
                    k.write(bufA, scalar);
                    session.synchronize();
                    bufA.download(out);
                    return Tolerance.relativeError(out, MemoryStream.writeReference(n, scalar));
                }
                case TRIAD -> {
                    k.triad(bufA, bufB, bufC, scalar);
                    session.synchronize();
                    bufA.download(out);
                    return Tolerance.relativeError(out, MemoryStream.triadReference(b, c, scalar));
                }
                case READ -> {
                    int parts = (int) k.readPartials(n);
                    try (Buffer partials = session.allocateFloats(parts)) {
                        partials.poison();
                        k.read(bufB, partials);
                        session.synchronize();
                        float[] p = new float[parts];
                        partials.download(p);
                        double sum = 0;
                        for (float v : p) {
                            sum += v;
                        }
                        return Tolerance.relativeError(sum, MemoryStream.readReference(b));
                    }
                }
                default -> throw new IllegalStateException("unhandled " + op);
            }
        }
    }
}
