package io.tokencost.kernels.gemm;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.backend.Session;
import io.tokencost.kernels.CheckResult;
import io.tokencost.kernels.FloatTypes;
import io.tokencost.kernels.KernelCheck;
import io.tokencost.kernels.Tolerance;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * gemm against {@link Gemm#reference} (float64 sums of the inputs as stored): for each type, shapes
 * that are not multiples of any tile (odd K takes the kernels' scalar loaders), one exact tile, one
 * random shape, and a long K that walks the tensor-core kernels' stage ring many times round, as
 * the timed shapes do; fresh random inputs each time, C poisoned with NaN before each launch.
 */
public final class GemmCheck implements KernelCheck {

    @Override
    public String family() {
        return CudaGemm.MODULE;
    }

    /** (m, n, k): edges, one tile, a random shape, and the timed path (aligned K, many k tiles). */
    static int[][] shapes(RandomGenerator random) {
        return new int[][] {{1, 1, 1}, {17, 9, 5}, {33, 70, 100}, {130, 200, 72}, {128, 128, 32}, {70, 257, 136},
                {1 + random.nextInt(300), 1 + random.nextInt(300), 1 + random.nextInt(600)}, {192, 160, 2048}};
    }

    @Override
    public List<CheckResult> check(Session session, RandomGenerator random) {
        List<CheckResult> out = new ArrayList<>();
        int[][] shapes = shapes(random);
        for (DataType type : Gemm.TYPES) {
            out.add(KernelCheck.worstOf(family(), FloatTypes.id(type), FloatTypes.id(type), Gemm.tolerance(type), List.of(shapes),
                    s -> checkOnce(session, type, s[0], s[1], s[2], random)));
        }
        return out;
    }

    /** Relative error of one product on fresh random A and B. */
    public static double checkOnce(Session session, DataType type, int m, int n, int k, RandomGenerator random) {
        Gemm.checkShape(type, m, n, k);
        Object a = FloatTypes.random(type, m * k, random);
        Object b = FloatTypes.random(type, n * k, random);
        Object c = run(session, type, a, b, m, n, k, 0);
        return Tolerance.relativeError(FloatTypes.toFloats(type, c, m * n), Gemm.reference(type, a, b, m, n, k));
    }

    /**
     * C = A·Bᵀ on the backend, C poisoned with NaN first; returns C's m x n elements followed by
     * {@code slack} more of its buffer (still NaN unless the kernel wrote past C).
     */
    public static Object run(Session session, DataType type, Object a, Object b, int m, int n, int k, int slack) {
        Object c = type.newHostArray(m * n + slack);
        try (Buffer bc = session.allocate(type, (long) m * n + slack);
             Buffer ba = session.allocate(type, (long) m * k);
             Buffer bb = session.allocate(type, (long) n * k)) {
            ba.upload(a);
            bb.upload(b);
            bc.poison();
            GemmFamily.on(session).gemm(type, bc, ba, bb, m, n, k);
            session.synchronize();
            bc.download(c);
        }
        return c;
    }
}
