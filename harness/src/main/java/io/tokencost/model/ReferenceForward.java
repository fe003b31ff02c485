package io.tokencost.model;

import io.tokencost.backend.DataType;
import io.tokencost.cost.ModelSpec;
import io.tokencost.kernels.FloatTypes;
import io.tokencost.kernels.Half;
import io.tokencost.kernels.attentiondecode.AttentionDecode;
import io.tokencost.kernels.attentionprefill.AttentionPrefill;
import io.tokencost.kernels.gemm.Gemm;
import io.tokencost.kernels.qgemv.QGemv;
import io.tokencost.kernels.transformerops.TransformerOps;

import java.util.Arrays;

/**
 * The slow reference of {@link SyntheticModel#decodeStep} and {@link SyntheticModel#prefill}: the same step in float64, composed from
 * the kernel families' references, rounding to fp16 exactly where the layouts store fp16 (the
 * normed activations, q, the KV cache, attention's output, the SwiGLU activation). What a backend's
 * step must match.
 */
public final class ReferenceForward {

    private ReferenceForward() {
    }

    /** The logits [batch x vocab] of one decode step from the model's initial state. */
    public static double[] logits(SyntheticModel m) {
        if (m.lmHead == null) {
            throw new IllegalStateException("the reference needs the model's host copies: build it with keepHost");
        }
        ModelSpec s = m.spec();
        int b = m.batch();
        int hidden = s.hidden();
        int[] positions = new int[b];
        Arrays.fill(positions, m.context() - 1);
        float[] h = m.hiddenIn.clone();
        float[] pendingAdd = null;
        for (SyntheticModel.Layer layer : m.layers) {
            short[] xn = norm(h, pendingAdd, layer.attnNorm(), b, hidden);
            float[] qkv = floats(QGemv.reference(layer.qkv(), xn, b));
            short[] q = halves(TransformerOps.ropeQReference(qkv, positions, b, 1, s.heads(), s.kvHeads(), s.headDim(), SyntheticModel.ROPE_THETA));
            AttentionDecode.Cache before = layer.cache();
            double[][] kv = TransformerOps.ropeCacheReference(qkv, positions, (short[]) before.k(), (short[]) before.v(), b, 1, s.heads(), s.kvHeads(),
                    s.headDim(), m.context(), SyntheticModel.ROPE_THETA);
            AttentionDecode.Cache after = new AttentionDecode.Cache(before.format(), before.shape(), halves(kv[0]), halves(kv[1]), null, null);
            short[] attn = halves(AttentionDecode.reference(after, q));
            float[] proj = floats(QGemv.reference(layer.o(), attn, b));
            xn = norm(h, proj, layer.mlpNorm(), b, hidden);
            if (s.experts() > 0) {
                pendingAdd = mixtureOfExperts(layer, xn, s, b, floats(QGemv.reference(layer.router(), xn, b)));
                continue;
            }
            float[] gateUp = floats(QGemv.reference(layer.gateUp(), xn, b));
            short[] act = halves(TransformerOps.swigluReference(gateUp, b, s.ffn()));
            pendingAdd = floats(QGemv.reference(layer.down(), act, b));
        }
        short[] xn = norm(h, pendingAdd, m.finalNorm, b, hidden);
        return QGemv.reference(m.lmHead, xn, b);
    }

    /**
     * An MoE block on the normed rows xn of {@code tokens} tokens given the router's fp32 logits: the
     * routing (the experts chosen, as every backend must choose them), each slot's row through its
     * expert's gate/up, SwiGLU (fp16) and down, the weighted sum per token.
     */
    private static float[] mixtureOfExperts(SyntheticModel.Layer layer, short[] xn, ModelSpec s, int tokens, float[] logits) {
        int k = s.expertsPerToken();
        int slots = tokens * k;
        TransformerOps.Routing r = TransformerOps.moeRouteReference(logits, tokens, s.experts(), k);
        short[] sorted = TransformerOps.moeGatherReference(xn, r.slotRow(), tokens, k, s.hidden());
        float[] gateUp = floats(QGemv.expertsReference(layer.gateUp(), s.experts(), sorted, slots, r.expertIds(), r.starts()));
        short[] act = halves(TransformerOps.swigluReference(gateUp, slots, s.moeFfn()));
        float[] y = floats(QGemv.expertsReference(layer.down(), s.experts(), act, slots, r.expertIds(), r.starts()));
        return floats(TransformerOps.moeCombineReference(y, r.slotWeight(), r.slotRow(), tokens, k, s.hidden()));
    }

    /**
     * The last token's logits [vocab] of a prefill model's {@link SyntheticModel#prefill}: each
     * product qgemv's reference, or the fp16 GEMM's on the weights as dequantised to fp16, rounded to fp16 as
     * the GEMM stores it, as the prefill chooses; rotary over the prompt's positions; causal prefill attention; a mixture of
     * experts' block as in a decode step of the prompt's tokens.
     */
    public static double[] prefillLogits(SyntheticModel m) {
        if (m.lmHead == null || m.prompt() == 0) {
            throw new IllegalStateException("the prefill reference needs a prefill model with its host copies (forPrefill, keepHost)");
        }
        ModelSpec s = m.spec();
        int n = m.prompt();
        int hidden = s.hidden();
        int[] positions = new int[n];
        Arrays.setAll(positions, i -> i);
        AttentionPrefill.Shape shape = new AttentionPrefill.Shape(1, s.heads(), s.kvHeads(), s.headDim(), n);
        short[] emptyCache = new short[shape.kvElements()];
        float[] h = m.hiddenIn.clone();
        float[] pendingAdd = null;
        for (SyntheticModel.Layer layer : m.layers) {
            short[] xn = norm(h, pendingAdd, layer.attnNorm(), n, hidden);
            float[] qkv = product(layer.qkv(), xn, n);
            short[] q = halves(TransformerOps.ropeQReference(qkv, positions, n, n, s.heads(), s.kvHeads(), s.headDim(), SyntheticModel.ROPE_THETA));
            double[][] kv = TransformerOps.ropeCacheReference(qkv, positions, emptyCache, emptyCache, n, n, s.heads(), s.kvHeads(), s.headDim(), n,
                    SyntheticModel.ROPE_THETA);
            short[] attn = halves(AttentionPrefill.reference(DataType.F16, shape, q, halves(kv[0]), halves(kv[1])));
            float[] proj = product(layer.o(), TransformerOps.mergeHeadsReference(attn, 1, s.heads(), n, s.headDim()), n);
            xn = norm(h, proj, layer.mlpNorm(), n, hidden);
            if (s.experts() > 0) {
                // the router's product as the experts kernel runs it: fp32 logits, no GEMM rounding
                float[] logits = floats(QGemv.expertsReference(layer.router(), 1, xn, n, new int[] {0}, new int[] {0, n}));
                pendingAdd = mixtureOfExperts(layer, xn, s, n, logits);
                continue;
            }
            short[] act = halves(TransformerOps.swigluReference(product(layer.gateUp(), xn, n), n, s.ffn()));
            pendingAdd = product(layer.down(), act, n);
        }
        int last = (n - 1) * hidden;
        short[] xn = norm(Arrays.copyOfRange(h, last, last + hidden), Arrays.copyOfRange(pendingAdd, last, last + hidden), m.finalNorm, 1, hidden);
        return QGemv.reference(m.lmHead, xn, 1);
    }

    /**
     * The prompt's rows times Wᵀ on the path the prefill takes ({@link QGemv#prefillRunsQgemv}): qgemv's
     * reference (fp32 out), or as the 16-bit GEMM computes them: fp16 weights (dequantised if stored quantized), C rounded to fp16.
     */
    private static float[] product(QGemv.QuantizedMatrix w, short[] x, int rows) {
        if (QGemv.prefillRunsQgemv(w.format(), rows)) {
            return floats(QGemv.reference(w, x, rows));
        }
        short[] w16 = w.format().quantized() ? QGemv.dequantizeReference(w) : (short[]) w.weights();
        short[] c = halves(Gemm.reference(DataType.F16, x, w16, rows, w.n(), w.k()));
        return FloatTypes.toFloats(DataType.F16, c, c.length);
    }

    /** h += add (h updated in place, in float as the kernels keep it), returns rmsnorm(h) · w in fp16. */
    private static short[] norm(float[] h, float[] add, short[] w, int rows, int hidden) {
        double[][] r = TransformerOps.addRmsnormReference(h, add, w, rows, hidden, SyntheticModel.RMS_EPS);
        for (int i = 0; i < h.length; i++) {
            h[i] = (float) r[1][i];
        }
        return halves(r[0]);
    }

    private static short[] halves(double[] v) {
        return Half.fromFloats(floats(v));
    }

    private static float[] floats(double[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }
}
