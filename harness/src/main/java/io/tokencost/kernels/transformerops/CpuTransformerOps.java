package io.tokencost.kernels.transformerops;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.cpu.CpuBuffer;
import io.tokencost.backend.cpu.CpuParallel;
import io.tokencost.kernels.CpuScratch;
import io.tokencost.kernels.Half;

/**
 * The CPU twin of kernels/transformer_ops.cu: plain loops over rows split across the cores (these
 * operations move a few KiB per token; the matrix products and attention around them dominate),
 * with the kernels' float arithmetic (rotary angles in float, as the kernel and HF compute them).
 */
final class CpuTransformerOps implements TransformerOpsKernels {

    private final CpuParallel parallel;
    /** Each worker's rotary cosines and sines ({@link CpuScratch}). */
    private final CpuScratch cosines;
    private final CpuScratch sines;

    CpuTransformerOps(CpuParallel parallel) {
        this.parallel = parallel;
        cosines = new CpuScratch(parallel.threads());
        sines = new CpuScratch(parallel.threads());
    }

    @Override
    public void addRmsnorm(Buffer out, Buffer h, Buffer add, Buffer w, long firstRow, int rows, int hidden, float eps) {
        TransformerOps.checkAddRmsnorm(out, h, add, w, firstRow, rows, hidden);
        int skip = (int) firstRow * hidden;
        short[] o = CpuBuffer.halves(out);
        float[] hs = CpuBuffer.floats(h);
        float[] a = add == null ? null : CpuBuffer.floats(add);
        short[] ws = CpuBuffer.halves(w);
        parallel.forRange(rows, 1, (worker, from, to) -> {
            for (int r = from; r < to; r++) {
                int base = skip + r * hidden;
                double squares = 0;
                for (int i = 0; i < hidden; i++) {
                    if (a != null) {
                        hs[base + i] += a[base + i];
                    }
                    squares += hs[base + i] * hs[base + i];
                }
                float inv = (float) (1 / Math.sqrt(squares / hidden + eps));
                for (int i = 0; i < hidden; i++) {
                    o[r * hidden + i] = Half.fromFloat(hs[base + i] * inv * Half.toFloat(ws[i]));
                }
            }
        });
    }

    @Override
    public void ropeQkv(Buffer q, Buffer kCache, Buffer vCache, Buffer qkv, Buffer positions, int rows, int tokens, int heads, int kvHeads,
                        int headDim, int context, float theta) {
        TransformerOps.checkRope(q, kCache, vCache, qkv, positions, rows, tokens, heads, kvHeads, headDim, context);
        short[] qs = CpuBuffer.halves(q);
        short[] k = CpuBuffer.halves(kCache);
        short[] v = CpuBuffer.halves(vCache);
        float[] x = CpuBuffer.floats(qkv);
        int[] pos = CpuBuffer.ints(positions);
        int half = headDim / 2;
        int width = (heads + 2 * kvHeads) * headDim;
        parallel.forRange(rows, 1, (worker, from, to) -> {
            float[] cos = cosines.floats(worker, half);
            float[] sin = sines.floats(worker, half);
            for (int b = from; b < to; b++) {
                for (int i = 0; i < half; i++) {
                    double angle = TransformerOps.ropeAngle(i, headDim, pos[b], theta);
                    cos[i] = (float) Math.cos(angle);
                    sin[i] = (float) Math.sin(angle);
                }
                int seq = b / tokens;
                for (int head = 0; head < heads + kvHeads; head++) {
                    int src = b * width + head * headDim;
                    int dst = head < heads ? ((seq * heads + head) * tokens + b % tokens) * headDim
                            : ((seq * kvHeads + head - heads) * context + pos[b]) * headDim;
                    short[] into = head < heads ? qs : k;
                    for (int i = 0; i < half; i++) {
                        float x1 = x[src + i];
                        float x2 = x[src + i + half];
                        into[dst + i] = Half.fromFloat(x1 * cos[i] - x2 * sin[i]);
                        into[dst + i + half] = Half.fromFloat(x2 * cos[i] + x1 * sin[i]);
                    }
                }
                for (int kvh = 0; kvh < kvHeads; kvh++) {
                    int src = b * width + (heads + kvHeads + kvh) * headDim;
                    int dst = ((seq * kvHeads + kvh) * context + pos[b]) * headDim;
                    for (int d = 0; d < headDim; d++) {
                        v[dst + d] = Half.fromFloat(x[src + d]);
                    }
                }
            }
        });
    }

    @Override
    public void mergeHeads(Buffer out, Buffer in, int seqs, int heads, int tokens, int headDim) {
        TransformerOps.checkMergeHeads(out, in, seqs, heads, tokens, headDim);
        short[] o = CpuBuffer.halves(out);
        short[] x = CpuBuffer.halves(in);
        parallel.forRange(seqs * tokens, 1, (worker, from, to) -> {
            for (int row = from; row < to; row++) {
                int s = row / tokens;
                int t = row % tokens;
                for (int h = 0; h < heads; h++) {
                    System.arraycopy(x, ((s * heads + h) * tokens + t) * headDim, o, (row * heads + h) * headDim, headDim);
                }
            }
        });
    }

    @Override
    public void swiglu(Buffer out, Buffer gateUp, long rows, int ffn) {
        TransformerOps.checkSwiglu(out, gateUp, rows, ffn);
        short[] o = CpuBuffer.halves(out);
        float[] gu = CpuBuffer.floats(gateUp);
        // over elements, not rows: a decode step's one row is 14336 exps, which one core takes 0.4 ms over
        parallel.forRange((int) (rows * ffn), (worker, from, to) -> {
            for (int e = from; e < to; e++) {
                int r = e / ffn;
                int j = e - r * ffn;
                float g = gu[r * 2 * ffn + j];
                o[e] = Half.fromFloat(g / (1 + (float) Math.exp(-g)) * gu[r * 2 * ffn + ffn + j]);
            }
        });
    }

    @Override
    public void toHalf(Buffer out, Buffer in, long n) {
        TransformerOps.checkConvert(out, in, n);
        short[] o = CpuBuffer.halves(out);
        float[] f = CpuBuffer.floats(in);
        parallel.forRange((int) n, (worker, from, to) -> {
            for (int i = from; i < to; i++) {
                o[i] = Half.fromFloat(f[i]);
            }
        });
    }

    @Override
    public void toFloat(Buffer out, Buffer in, long n) {
        TransformerOps.checkConvert(out, in, n);
        float[] f = CpuBuffer.floats(out);
        short[] x = CpuBuffer.halves(in);
        parallel.forRange((int) n, (worker, from, to) -> {
            for (int i = from; i < to; i++) {
                f[i] = Half.toFloat(x[i]);
            }
        });
    }

    /** The reference's routing (a few hundred slots: serial), its lists copied into the buffers. */
    @Override
    public void moeRoute(Buffer slotExpert, Buffer slotWeight, Buffer slotRow, Buffer expertIds, Buffer starts, Buffer logits, int tokens,
                         int experts, int topK) {
        TransformerOps.checkMoeRoute(slotExpert, slotWeight, slotRow, expertIds, starts, logits, tokens, experts, topK);
        TransformerOps.Routing r = TransformerOps.moeRouteReference(CpuBuffer.floats(logits), tokens, experts, topK);
        System.arraycopy(r.slotExpert(), 0, CpuBuffer.ints(slotExpert), 0, r.slotExpert().length);
        System.arraycopy(r.slotWeight(), 0, CpuBuffer.floats(slotWeight), 0, r.slotWeight().length);
        System.arraycopy(r.slotRow(), 0, CpuBuffer.ints(slotRow), 0, r.slotRow().length);
        System.arraycopy(r.expertIds(), 0, CpuBuffer.ints(expertIds), 0, r.expertIds().length);
        System.arraycopy(r.starts(), 0, CpuBuffer.ints(starts), 0, r.starts().length);
    }

    @Override
    public void moeGather(Buffer out, Buffer x, Buffer slotRow, int tokens, int topK, int hidden) {
        TransformerOps.checkMoeGather(out, x, slotRow, tokens, topK, hidden);
        short[] o = CpuBuffer.halves(out);
        short[] xs = CpuBuffer.halves(x);
        int[] rows = CpuBuffer.ints(slotRow);
        for (int s = 0; s < tokens * topK; s++) {
            System.arraycopy(xs, s / topK * hidden, o, rows[s] * hidden, hidden);
        }
    }

    @Override
    public void moeCombine(Buffer out, Buffer y, Buffer slotWeight, Buffer slotRow, int tokens, int topK, int hidden) {
        TransformerOps.checkMoeCombine(out, y, slotWeight, slotRow, tokens, topK, hidden);
        float[] o = CpuBuffer.floats(out);
        float[] ys = CpuBuffer.floats(y);
        float[] w = CpuBuffer.floats(slotWeight);
        int[] rows = CpuBuffer.ints(slotRow);
        parallel.forRange(tokens, 1, (worker, from, to) -> {
            for (int t = from; t < to; t++) {
                for (int c = 0; c < hidden; c++) {
                    float sum = 0;
                    for (int j = 0; j < topK; j++) {
                        int s = t * topK + j;
                        sum += w[s] * ys[rows[s] * hidden + c];
                    }
                    o[t * hidden + c] = sum;
                }
            }
        });
    }
}
