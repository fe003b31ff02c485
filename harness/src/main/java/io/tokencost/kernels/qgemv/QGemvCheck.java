package io.tokencost.kernels.qgemv;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.backend.Session;
import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.CheckResult;
import io.tokencost.kernels.KernelCheck;
import io.tokencost.kernels.Tolerance;
import io.tokencost.kernels.transformerops.TransformerOps;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * qgemv against {@link QGemv#reference} (weights dequantised exactly, float64 sums): for each
 * format, odd row counts, odd k where the layout allows it, batches 1..64 and past it (chunks), a fresh random float
 * matrix packed by {@link QGemv#pack}, y poisoned with NaN before each launch.
 */
public final class QGemvCheck implements KernelCheck {

    @Override
    public String family() {
        return CudaQGemv.MODULE;
    }

    /**
     * (n, k, batch) per format: tails of every vector width, random shapes, the tensor-core kernels
     * (batch 5..64 with k in whole steps: one and several k slices, partial row blocks and batch
     * tiles; a batch past 64 in chunks), and the paths the suite times: a long aligned k (the measured shapes' 14336) at
     * batch 1, 3 and 16, batch 64 and a 128-token prompt's two chunks, so each entry point's vector path and its k loop's later
     * trips are checked before they are timed.
     */
    static int[][] shapes(WeightFormat f, RandomGenerator random) {
        int step = QGemv.tensorCoreStep(f);
        int[][] timedPaths = {{33, 14336, 1}, {18, 14336, 3}, {9, 14336, 16}, {20, 1024, QGemv.MAX_BATCH}, {20, 1024, 2 * QGemv.MAX_BATCH}};
        int[][] tensorCores = {{130, 4 * step, 5}, {257, 2 * step, 33}, {7, step, 9},
                {1 + random.nextInt(300), step * (1 + random.nextInt(8)), 1 + random.nextInt(QGemv.MAX_BATCH)},
                {1 + random.nextInt(40), step * (1 + random.nextInt(4)), QGemv.MAX_BATCH + 1 + random.nextInt(2 * QGemv.MAX_BATCH)}};
        int[][] edges = f == WeightFormat.INT4_G128
                ? new int[][] {{1, 128, 1}, {7, 256, 2}, {33, 1024, 5}, {130, 2048, 16},
                        {1 + random.nextInt(300), 128 * (1 + random.nextInt(16)), 1 + random.nextInt(QGemv.CUDA_CORE_MAX_BATCH)}}
                : new int[][] {{1, 1, 1}, {7, 15, 1}, {33, 100, 3}, {65, 1000, 16}, {130, 2048, 8}, {5, 4096, 1},
                        {1 + random.nextInt(300), 1 + random.nextInt(3000), 1 + random.nextInt(QGemv.CUDA_CORE_MAX_BATCH)}};
        List<int[]> all = new ArrayList<>(List.of(edges));
        all.addAll(List.of(tensorCores));
        all.addAll(List.of(timedPaths));
        return all.toArray(new int[0][]);
    }

    @Override
    public List<CheckResult> check(Session session, RandomGenerator random) {
        List<CheckResult> out = new ArrayList<>();
        for (WeightFormat f : QGemv.FORMATS) {
            out.add(KernelCheck.worstOf(family(), f.id(), "fp16/" + f.id(), Tolerance.FP16, List.of(shapes(f, random)),
                    s -> checkOnce(session, f, s[0], s[1], s[2], random)));
        }
        for (WeightFormat f : List.of(WeightFormat.INT8, WeightFormat.INT4_G128)) {
            out.add(KernelCheck.worstOf(family(), "dequantize/" + f.id(), f.id() + "/fp16", Tolerance.FP16,
                    List.of(new int[] {1, 128}, new int[] {7, 1024}, new int[] {1 + random.nextInt(200), 128 * (1 + random.nextInt(20))}),
                    s -> dequantizeOnce(session, f, s[0], s[1], random)));
        }
        // {experts, n, k, tokens, top k}: one row per expert (chunks of 1), up to 4 (chunks of 4), past 16 (chunks of 16, two
        // trips), Qwen3's 128 experts top 8 at decode's largest batch, and a random one
        for (WeightFormat f : QGemv.FORMATS) {
            out.add(KernelCheck.worstOf(family(), "experts/" + f.id(), "fp16/" + f.id(), Tolerance.FP16,
                    List.of(new int[] {1, 1, 128, 1, 1}, new int[] {8, 33, 256, 1, 2}, new int[] {8, 17, 384, 3, 2}, new int[] {2, 9, 256, 40, 2},
                            new int[] {128, 5, 128, QGemv.MAX_BATCH, 8},
                            new int[] {1 + random.nextInt(64), 1 + random.nextInt(100), 128 * (1 + random.nextInt(8)), 1 + random.nextInt(20), 1}),
                    c -> expertsOnce(session, f, c[0], c[1], c[2], c[3], Math.min(c[0], c[4] + random.nextInt(2)), random)));
        }
        return out;
    }

    /** The experts product over a random routing of {@code tokens} tokens: each row against its expert's matrix in float64. */
    public static double expertsOnce(Session session, WeightFormat f, int experts, int n, int k, int tokens, int topK, RandomGenerator random) {
        QGemv.QuantizedMatrix stacked = randomPacked(f, experts * n, k, random);
        float[] logits = new float[tokens * experts];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) random.nextGaussian();
        }
        TransformerOps.Routing r = TransformerOps.moeRouteReference(logits, tokens, experts, topK);
        int rows = tokens * topK;
        short[] x = QGemv.randomActivations(rows, k, random);
        float[] y = new float[rows * n];
        try (Buffer by = session.allocate(DataType.F32, y.length);
             Buffer bx = session.allocate(DataType.F16, x.length);
             Buffer bw = session.allocate(stacked.weightType(), stacked.weightElements());
             Buffer bs = stacked.scales() == null ? null : session.allocate(DataType.F16, stacked.scales().length);
             Buffer bi = session.allocate(DataType.U32, r.expertIds().length);
             Buffer bst = session.allocate(DataType.U32, r.starts().length)) {
            bx.upload(x);
            bw.upload(stacked.weights());
            if (bs != null) {
                bs.upload(stacked.scales());
            }
            bi.upload(r.expertIds());
            bst.upload(r.starts());
            by.poison();
            QGemvFamily.on(session).expertsGemv(f, by, bx, bw, bs, bi, bst, experts, n, k, rows, tokens);
            session.synchronize();
            by.download(y);
        }
        return Tolerance.relativeError(y, QGemv.expertsReference(stacked, experts, x, rows, r.expertIds(), r.starts()));
    }

    /** Dequantisation must be bit-exact (one rounding of an exact product): 0 when it is, 1 otherwise. */
    public static double dequantizeOnce(Session session, WeightFormat f, int n, int k, RandomGenerator random) {
        QGemv.QuantizedMatrix m = QGemv.random(f, n, k, random.nextLong());
        short[] out = new short[n * k];
        try (Buffer bo = session.allocate(DataType.F16, out.length);
             Buffer bw = session.allocate(m.weightType(), m.weightElements());
             Buffer bs = session.allocate(DataType.F16, m.scales().length)) {
            bw.upload(m.weights());
            bs.upload(m.scales());
            bo.poison();
            QGemvFamily.on(session).dequantize(f, bo, bw, bs, n, k);
            session.synchronize();
            bo.download(out);
        }
        return Arrays.equals(out, QGemv.dequantizeReference(m)) ? 0 : 1;
    }

    /** Relative error of one product on a fresh random matrix and activations. */
    public static double checkOnce(Session session, WeightFormat f, int n, int k, int batch, RandomGenerator random) {
        return checkOnce(session, randomPacked(f, n, k, random), batch, random);
    }

    /** A random float matrix, uniform in ±0.05, packed into the format (the experts check stacks its experts in one). */
    private static QGemv.QuantizedMatrix randomPacked(WeightFormat f, int n, int k, RandomGenerator random) {
        float[] w = new float[n * k];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (random.nextDouble() * 2 - 1) * 0.05f;
        }
        return QGemv.pack(f, w, n, k);
    }

    public static double checkOnce(Session session, QGemv.QuantizedMatrix m, int batch, RandomGenerator random) {
        short[] x = QGemv.randomActivations(batch, m.k(), random);
        float[] y = new float[batch * m.n()];
        try (Buffer by = session.allocate(DataType.F32, y.length);
             Buffer bx = session.allocate(DataType.F16, x.length);
             Buffer bw = session.allocate(m.weightType(), m.weightElements());
             Buffer bs = m.scales() == null ? null : session.allocate(DataType.F16, m.scales().length)) {
            bx.upload(x);
            bw.upload(m.weights());
            if (bs != null) {
                bs.upload(m.scales());
            }
            by.poison();
            QGemvFamily.on(session).gemv(m.format(), by, bx, bw, bs, m.n(), m.k(), batch);
            session.synchronize();
            by.download(y);
        }
        return Tolerance.relativeError(y, QGemv.reference(m, x, batch));
    }
}
