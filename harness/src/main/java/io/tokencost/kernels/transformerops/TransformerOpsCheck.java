package io.tokencost.kernels.transformerops;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.backend.Session;
import io.tokencost.kernels.CheckResult;
import io.tokencost.kernels.FloatTypes;
import io.tokencost.kernels.KernelCheck;
import io.tokencost.kernels.Tolerance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * transformer_ops against {@link TransformerOps}'s float64 references, on odd sizes (rows and widths
 * that are not multiples of a block, head_dim 2) and one random shape each; outputs poisoned with
 * NaN first, except the KV caches, whose untouched tokens must come back as they were.
 */
public final class TransformerOpsCheck implements KernelCheck {

    @Override
    public String family() {
        return CudaTransformerOps.MODULE;
    }

    @Override
    public List<CheckResult> check(Session session, RandomGenerator random) {
        List<CheckResult> out = new ArrayList<>();
        out.add(KernelCheck.worstOf(family(), "add_rmsnorm", "fp32/fp16", Tolerance.FP16,
                List.of(new int[] {1, 1, 0, 0}, new int[] {3, 257, 1, 0}, new int[] {2, 4096, 0, 0}, new int[] {1, 300, 1, 6},
                        new int[] {1 + random.nextInt(9), 1 + random.nextInt(3000), 1, random.nextInt(4)}),
                c -> addRmsnorm(session, c[0], c[1], c[2] == 1, c[3], random)));
        // {seqs, tokens, heads per kv head, kv heads, head_dim, context}: one token per sequence (decode) and prompts (prefill)
        out.add(KernelCheck.worstOf(family(), "rope_qkv", "fp32/fp16", Tolerance.FP16,
                List.of(new int[] {1, 1, 1, 1, 2, 1}, new int[] {2, 1, 4, 2, 64, 37}, new int[] {3, 1, 8, 2, 128, 100}, new int[] {2, 5, 2, 2, 64, 9},
                        new int[] {1 + random.nextInt(4), 1, 4, 1 + random.nextInt(2) * 3, random.nextBoolean() ? 64 : 128, 1 + random.nextInt(300)},
                        new int[] {1 + random.nextInt(2), 1 + random.nextInt(40), 2, 2, 128, 64}),
                c -> rope(session, c[0], c[1], c[2] * c[3], c[3], c[4], c[5], random)));
        out.add(KernelCheck.worstOf(family(), "merge_heads", "fp16", Tolerance.FP16,
                List.of(new int[] {1, 1, 1, 1}, new int[] {2, 3, 5, 64}, new int[] {1, 1 + random.nextInt(8), 1 + random.nextInt(100), 128}),
                c -> mergeHeads(session, c[0], c[1], c[2], c[3], random)));
        out.add(KernelCheck.worstOf(family(), "swiglu", "fp32/fp16", Tolerance.FP16,
                List.of(new int[] {1, 1}, new int[] {5, 300}, new int[] {1 + random.nextInt(6), 1 + random.nextInt(5000)}),
                c -> swiglu(session, c[0], c[1], random)));
        out.add(KernelCheck.worstOf(family(), "to_half", "fp32/fp16", Tolerance.FP16,
                List.of(1, 1000, 1 + random.nextInt(100_000)), n -> toHalf(session, n, random)));
        out.add(KernelCheck.worstOf(family(), "to_float", "fp16/fp32", Tolerance.FP32,
                List.of(1, 1000, 1 + random.nextInt(100_000)), n -> toFloat(session, n, random)));
        // {tokens, experts, top k}: Mixtral's 8 top 2 and Qwen3's 128 top 8 up to decode's 512 slots, k = E, a random one, and
        // a prompt's: Qwen3's 2048 tokens (16384 slots, the CUDA kernel's placing in 8 tiles) and a random one past a tile
        List<int[]> routes = List.of(new int[] {1, 1, 1}, new int[] {1, 8, 2}, new int[] {5, 3, 3}, new int[] {64, 128, 8},
                new int[] {1 + random.nextInt(16), 8 + random.nextInt(120), 1 + random.nextInt(8)}, new int[] {2048, 128, 8},
                new int[] {1025 + random.nextInt(2000), 2 + random.nextInt(300), 2});
        out.add(KernelCheck.worstOf(family(), "moe_route", "fp32", Tolerance.FP32, routes, c -> moeRoute(session, c[0], c[1], c[2], random)));
        out.add(KernelCheck.worstOf(family(), "moe_gather", "fp16", Tolerance.FP16, routes,
                c -> moeGather(session, c[0], c[1], c[2], 1 + random.nextInt(300), random)));
        out.add(KernelCheck.worstOf(family(), "moe_combine", "fp32", Tolerance.FP32, routes,
                c -> moeCombine(session, c[0], c[1], c[2], 1 + random.nextInt(300), random)));
        return out;
    }

    /** A routing the reference made from random logits. */
    private static TransformerOps.Routing randomRouting(int tokens, int experts, int topK, RandomGenerator random) {
        return TransformerOps.moeRouteReference(uniform(tokens * experts, 4, random), tokens, experts, topK);
    }

    /** Experts, rows and lists must match the reference exactly (an error of 1 if not); the weights within fp32's bound. */
    static double moeRoute(Session session, int tokens, int experts, int topK, RandomGenerator random) {
        float[] logits = uniform(tokens * experts, 4, random);
        int slots = tokens * topK;
        int listed = Math.min(experts, slots);
        int[] slotExpert = new int[slots];
        float[] slotWeight = new float[slots];
        int[] slotRow = new int[slots];
        int[] ids = new int[listed];
        int[] starts = new int[listed + 1];
        try (Buffer be = session.allocate(DataType.U32, slots); Buffer bw = session.allocateFloats(slots); Buffer br = session.allocate(DataType.U32, slots);
             Buffer bi = session.allocate(DataType.U32, listed); Buffer bs = session.allocate(DataType.U32, listed + 1);
             Buffer bl = session.allocateFloats(logits.length)) {
            bl.upload(logits);
            for (Buffer b : List.of(be, bw, br, bi, bs)) {
                b.poison();
            }
            TransformerOpsFamily.on(session).moeRoute(be, bw, br, bi, bs, bl, tokens, experts, topK);
            session.synchronize();
            be.download(slotExpert);
            bw.download(slotWeight);
            br.download(slotRow);
            bi.download(ids);
            bs.download(starts);
        }
        TransformerOps.Routing ref = TransformerOps.moeRouteReference(logits, tokens, experts, topK);
        if (!Arrays.equals(slotExpert, ref.slotExpert()) || !Arrays.equals(slotRow, ref.slotRow()) || !Arrays.equals(ids, ref.expertIds())
                || !Arrays.equals(starts, ref.starts())) {
            return 1;
        }
        double[] weights = new double[slots];
        for (int i = 0; i < slots; i++) {
            weights[i] = ref.slotWeight()[i];
        }
        return Tolerance.relativeError(slotWeight, weights);
    }

    /** A copy: any element out of place is an error of 1. */
    static double moeGather(Session session, int tokens, int experts, int topK, int hidden, RandomGenerator random) {
        TransformerOps.Routing r = randomRouting(tokens, experts, topK, random);
        short[] x = (short[]) FloatTypes.random(DataType.F16, tokens * hidden, random);
        short[] out = new short[tokens * topK * hidden];
        try (Buffer bo = session.allocate(DataType.F16, out.length); Buffer bx = session.allocate(DataType.F16, x.length);
             Buffer br = session.allocate(DataType.U32, r.slotRow().length)) {
            bx.upload(x);
            br.upload(r.slotRow());
            bo.poison();
            TransformerOpsFamily.on(session).moeGather(bo, bx, br, tokens, topK, hidden);
            session.synchronize();
            bo.download(out);
        }
        return Arrays.equals(out, TransformerOps.moeGatherReference(x, r.slotRow(), tokens, topK, hidden)) ? 0 : 1;
    }

    static double moeCombine(Session session, int tokens, int experts, int topK, int hidden, RandomGenerator random) {
        TransformerOps.Routing r = randomRouting(tokens, experts, topK, random);
        float[] y = uniform(tokens * topK * hidden, 1, random);
        float[] out = new float[tokens * hidden];
        try (Buffer bo = session.allocateFloats(out.length); Buffer by = session.allocateFloats(y.length);
             Buffer bw = session.allocateFloats(r.slotWeight().length); Buffer br = session.allocate(DataType.U32, r.slotRow().length)) {
            by.upload(y);
            bw.upload(r.slotWeight());
            br.upload(r.slotRow());
            bo.poison();
            TransformerOpsFamily.on(session).moeCombine(bo, by, bw, br, tokens, topK, hidden);
            session.synchronize();
            bo.download(out);
        }
        return Tolerance.relativeError(out, TransformerOps.moeCombineReference(y, r.slotWeight(), r.slotRow(), tokens, topK, hidden));
    }

    static float[] uniform(int n, double range, RandomGenerator random) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((random.nextDouble() * 2 - 1) * range);
        }
        return v;
    }

    /** Rows {@code firstRow ..} of h (and add) normed; the rows before must come back untouched. */
    static double addRmsnorm(Session session, int rows, int hidden, boolean withAdd, int firstRow, RandomGenerator random) {
        int all = (firstRow + rows) * hidden;
        float[] h = uniform(all, 1, random);
        float[] add = withAdd ? uniform(all, 1, random) : null;
        short[] w = (short[]) FloatTypes.random(DataType.F16, hidden, random);
        short[] out = new short[rows * hidden];
        float[] newH = new float[all];
        try (Buffer bo = session.allocate(DataType.F16, out.length); Buffer bh = session.allocateFloats(h.length);
             Buffer ba = session.allocateFloats(withAdd ? add.length : 1); Buffer bw = session.allocate(DataType.F16, hidden)) {
            bh.upload(h);
            if (withAdd) {
                ba.upload(add);
            }
            bw.upload(w);
            bo.poison();
            TransformerOpsFamily.on(session).addRmsnorm(bo, bh, withAdd ? ba : null, bw, firstRow, rows, hidden, 1e-5f);
            session.synchronize();
            bo.download(out);
            bh.download(newH);
        }
        int skip = firstRow * hidden;
        double[][] ref = TransformerOps.addRmsnormReference(Arrays.copyOfRange(h, skip, all), withAdd ? Arrays.copyOfRange(add, skip, all) : null, w,
                rows, hidden, 1e-5);
        double[] refH = new double[all];
        for (int i = 0; i < all; i++) {
            refH[i] = i < skip ? h[i] : ref[1][i - skip];
        }
        return Math.max(Tolerance.relativeError(FloatTypes.toFloats(DataType.F16, out, out.length), ref[0]), Tolerance.relativeError(newH, refH));
    }

    /**
     * {@code seqs} sequences of {@code tokens} rows each: one token at a random position (decode),
     * or a prompt at consecutive positions from a random start (prefill: context >= tokens).
     */
    static double rope(Session session, int seqs, int tokens, int heads, int kvHeads, int headDim, int context, RandomGenerator random) {
        int batch = seqs * tokens;
        float[] qkv = uniform(batch * (heads + 2 * kvHeads) * headDim, 1, random);
        int[] positions = new int[batch];
        for (int s = 0; s < seqs; s++) {
            int start = random.nextInt(context - tokens + 1);
            for (int t = 0; t < tokens; t++) {
                positions[s * tokens + t] = start + t;
            }
        }
        int cacheElements = seqs * kvHeads * context * headDim;
        short[] k = (short[]) FloatTypes.random(DataType.F16, cacheElements, random);
        short[] v = (short[]) FloatTypes.random(DataType.F16, cacheElements, random);
        short[] q = new short[batch * heads * headDim];
        short[] kAfter = new short[cacheElements];
        short[] vAfter = new short[cacheElements];
        float theta = 500_000f;
        try (Buffer bq = session.allocate(DataType.F16, q.length); Buffer bk = session.allocate(DataType.F16, cacheElements);
             Buffer bv = session.allocate(DataType.F16, cacheElements); Buffer bx = session.allocateFloats(qkv.length);
             Buffer bp = session.allocate(DataType.U32, batch)) {
            bk.upload(k);
            bv.upload(v);
            bx.upload(qkv);
            bp.upload(positions);
            bq.poison();
            TransformerOpsFamily.on(session).ropeQkv(bq, bk, bv, bx, bp, batch, tokens, heads, kvHeads, headDim, context, theta);
            session.synchronize();
            bq.download(q);
            bk.download(kAfter);
            bv.download(vAfter);
        }
        double[] qRef = TransformerOps.ropeQReference(qkv, positions, batch, tokens, heads, kvHeads, headDim, theta);
        double[][] cacheRef = TransformerOps.ropeCacheReference(qkv, positions, k, v, batch, tokens, heads, kvHeads, headDim, context, theta);
        return Math.max(Tolerance.relativeError(FloatTypes.toFloats(DataType.F16, q, q.length), qRef),
                Math.max(Tolerance.relativeError(FloatTypes.toFloats(DataType.F16, kAfter, cacheElements), cacheRef[0]),
                        Tolerance.relativeError(FloatTypes.toFloats(DataType.F16, vAfter, cacheElements), cacheRef[1])));
    }

    static double swiglu(Session session, int rows, int ffn, RandomGenerator random) {
        float[] gu = uniform(rows * 2 * ffn, 4, random);
        short[] out = new short[rows * ffn];
        try (Buffer bo = session.allocate(DataType.F16, out.length); Buffer bg = session.allocateFloats(gu.length)) {
            bg.upload(gu);
            bo.poison();
            TransformerOpsFamily.on(session).swiglu(bo, bg, rows, ffn);
            session.synchronize();
            bo.download(out);
        }
        return Tolerance.relativeError(FloatTypes.toFloats(DataType.F16, out, out.length), TransformerOps.swigluReference(gu, rows, ffn));
    }

    /** A permutation: any element out of place is an error of 1 (the bound is far below). */
    static double mergeHeads(Session session, int seqs, int heads, int tokens, int headDim, RandomGenerator random) {
        int n = seqs * heads * tokens * headDim;
        short[] in = (short[]) FloatTypes.random(DataType.F16, n, random);
        short[] out = new short[n];
        try (Buffer bo = session.allocate(DataType.F16, n); Buffer bi = session.allocate(DataType.F16, n)) {
            bi.upload(in);
            bo.poison();
            TransformerOpsFamily.on(session).mergeHeads(bo, bi, seqs, heads, tokens, headDim);
            session.synchronize();
            bo.download(out);
        }
        return Arrays.equals(out, TransformerOps.mergeHeadsReference(in, seqs, heads, tokens, headDim)) ? 0 : 1;
    }

    /** fp16 to fp32 is exact: any difference is an error. */
    static double toFloat(Session session, int n, RandomGenerator random) {
        short[] in = (short[]) FloatTypes.random(DataType.F16, n, random);
        float[] out = new float[n];
        try (Buffer bo = session.allocateFloats(n); Buffer bi = session.allocate(DataType.F16, n)) {
            bi.upload(in);
            bo.poison();
            TransformerOpsFamily.on(session).toFloat(bo, bi, n);
            session.synchronize();
            bo.download(out);
        }
        return Arrays.equals(out, FloatTypes.toFloats(DataType.F16, in, n)) ? 0 : 1;
    }

    static double toHalf(Session session, int n, RandomGenerator random) {
        float[] in = uniform(n, 100, random);
        short[] out = new short[n];
        try (Buffer bo = session.allocate(DataType.F16, n); Buffer bi = session.allocateFloats(n)) {
            bi.upload(in);
            bo.poison();
            TransformerOpsFamily.on(session).toHalf(bo, bi, n);
            session.synchronize();
            bo.download(out);
        }
        double[] ref = new double[n];
        for (int i = 0; i < n; i++) {
            ref[i] = in[i];
        }
        return Tolerance.relativeError(FloatTypes.toFloats(DataType.F16, out, n), ref);
    }
}
