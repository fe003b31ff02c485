package io.tokencost.model;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.backend.Session;
import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.WeightFormat;
import io.tokencost.estimate.Estimator;
import io.tokencost.kernels.Half;
import io.tokencost.kernels.attentiondecode.AttentionDecode;
import io.tokencost.kernels.attentiondecode.AttentionDecodeFamily;
import io.tokencost.kernels.attentionprefill.AttentionPrefill;
import io.tokencost.kernels.attentionprefill.AttentionPrefillFamily;
import io.tokencost.kernels.gemm.Gemm;
import io.tokencost.kernels.gemm.GemmFamily;
import io.tokencost.kernels.qgemv.QGemv;
import io.tokencost.kernels.qgemv.QGemvFamily;
import io.tokencost.kernels.transformerops.TransformerOpsFamily;
import io.tokencost.measure.Workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A dense transformer with random weights on a session's device, stepping a batch of sequences
 * through one decode step as a serving engine does: per layer RMSNorm, the fused q/k/v product,
 * rotary and the KV-cache append, decode attention over {@code context} tokens (the cache holds a
 * random prefix of context − 1 tokens; this step's token is the last), the o product, the residual
 * add and RMSNorm, the fused gate/up product, SwiGLU, the down product; then the final norm and the
 * 16-bit LM head. The step starts from a random hidden state (the embedding row a token would
 * look up). Weights are random in the format (nothing to download), as the kernel suites use.
 *
 * <p>A mixture of experts (Mixtral, Qwen3-MoE) replaces the gated MLP as fused MoE kernels run it,
 * with nothing read back to the host: the 16-bit router product, {@code moe_route} (each token's
 * top-k experts, softmax weights, the slots sorted by expert), {@code moe_gather} (each slot's row),
 * the experts' gate/up product over the sorted rows ({@code qgemv_<format>_experts}: each expert
 * a token chose streams its weights once), SwiGLU, the experts' down product, {@code moe_combine}
 * (the weighted sum per token). Which experts run is what the random router and hidden state
 * choose: close to uniform, as benchmarks of MoE kernels assume (vLLM's benchmark_moe routes at random).
 *
 * <p>Built with {@link #forPrefill}, the same layers run a prompt of n tokens instead (one
 * request, its TTFT): the products run over the n rows as vLLM's AWQ layer runs them, int8 / int4
 * weights on qgemv below {@link QGemv#DEQUANTIZE_FROM_TOKENS} tokens (chunks of 64 rows, each a
 * pass over the stored weights), else as 16-bit GEMMs (int8 / int4 weights first dequantised into
 * one fp16 scratch matrix per product), rotary
 * writes the whole prompt's K and V into a cache of n tokens, causal prefill attention, and the
 * final norm and LM head on the last token only. A mixture of experts runs its MoE block over the
 * prompt's tokens as in a decode step, each expert's rows in chunks on the experts kernel (its
 * weights streamed once per chunk), the router's fp16 product on that kernel too (the router
 * the one expert holding every row), so the logits stay fp32 as the decode step's do.
 */
public final class SyntheticModel implements AutoCloseable {

    public static final float RMS_EPS = 1e-5f;
    public static final float ROPE_THETA = 500_000f;
    /** The decode and prefill suites' weights are drawn from this seed (and `breakdown`'s, to time the same weights). */
    public static final long SUITE_SEED = 20261128L;

    /**
     * One layer's weights and KV cache as they were uploaded (host copies: what the reference reads).
     * A mixture of experts: gateUp and down stack the experts' matrices (expert e's rows from e·rows),
     * router fp16 [experts x hidden]; null in a dense model.
     */
    record Layer(QGemv.QuantizedMatrix qkv, QGemv.QuantizedMatrix o, QGemv.QuantizedMatrix gateUp, QGemv.QuantizedMatrix down,
                 short[] attnNorm, short[] mlpNorm, AttentionDecode.Cache cache, QGemv.QuantizedMatrix router) {
    }

    private final Session session;
    private final ModelSpec spec;
    private final WeightFormat format;
    private final int batch;
    private final int context;
    /** Prompt tokens of a prefill model (0: a decode model); the rows every activation holds. */
    private final int prompt;
    private final int rows;
    final List<Layer> layers = new ArrayList<>();
    final QGemv.QuantizedMatrix lmHead;
    final short[] finalNorm;
    final float[] hiddenIn;
    private final List<Buffer> owned = new ArrayList<>();
    private final Buffer[][] weights;
    private final Buffer[] caches;
    private final Buffer finalNormBuf;
    private final Buffer[] lmHeadBufs;
    private final Buffer h;
    private final Buffer xn;
    private final Buffer qkvOut;
    private final Buffer q;
    private final Buffer attn;
    private final Buffer attn16;
    private final Buffer proj;
    private final Buffer gateUpOut;
    private final Buffer act;
    private final Buffer downOut;
    private final Buffer logits;
    private final Buffer positions;
    private final Buffer workspace;
    private final AttentionDecode.Shape attentionShape;
    // prefill only (null in a decode model)
    private final AttentionPrefill.Shape prefillShape;
    private final Buffer product16;
    private final Buffer weights16;
    private final Buffer attnHeads;
    private final Buffer xnLast;
    // mixture of experts only (null in a dense model); see the class comment
    private final Buffer routerLogits;
    private final Buffer slotExpert;
    private final Buffer slotWeight;
    private final Buffer slotRow;
    private final Buffer expertIds;
    private final Buffer expertStarts;
    private final Buffer xSorted;
    private final Buffer expertOut;
    // a mixture of experts' prefill: the router as the experts kernel's only expert, holding every row
    private final Buffer routerIds;
    private final Buffer routerStarts;

    /** A model whose host copies of the weights are dropped once uploaded (what benchmarks want: half the memory). */
    public SyntheticModel(Session session, ModelSpec spec, WeightFormat format, int batch, int context, long seed) {
        this(session, spec, format, batch, context, seed, false);
    }

    /**
     * A decode model: {@code batch} sequences at {@code context} tokens.
     *
     * @param keepHost keep the host copies of weights and caches, which {@link ReferenceForward} reads
     * @throws IllegalArgumentException when the weights, caches and activations exceed the device's
     *                                  memory (see {@link #deviceBytes})
     */
    public SyntheticModel(Session session, ModelSpec spec, WeightFormat format, int batch, int context, long seed, boolean keepHost) {
        this(session, spec, format, batch, context, 0, seed, keepHost);
    }

    /** A prefill model: one prompt of {@code prompt} tokens (see the class comment); the same checks. */
    public static SyntheticModel forPrefill(Session session, ModelSpec spec, WeightFormat format, int prompt, long seed, boolean keepHost) {
        if (prompt < 1) {
            throw new IllegalArgumentException("a prefill needs a prompt of at least 1 token, got " + prompt);
        }
        return new SyntheticModel(session, spec, format, 1, prompt, prompt, seed, keepHost);
    }

    private SyntheticModel(Session session, ModelSpec spec, WeightFormat format, int batch, int context, int prompt, long seed, boolean keepHost) {
        if (spec.experts() > 0 && batch > QGemv.MAX_BATCH) {
            throw new IllegalArgumentException(spec.name() + ": a mixture of experts decodes batches up to " + QGemv.MAX_BATCH + ", got " + batch);
        }
        long need = prompt > 0 ? prefillDeviceBytes(spec, format, prompt) : deviceBytes(spec, format, batch, context);
        long have = session.device().memoryBytes();
        if (have > 0 && !fitsIn(need, have)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s in %s at %s needs %.1f GB of device memory, more than %.0f%% of the %.1f GB here",
                    spec.name(), format.id(), prompt > 0 ? "a prompt of " + prompt : "batch " + batch + " x context " + context, need / 1e9,
                    100 * Estimator.MEMORY_FOR_MODEL, have / 1e9));
        }
        this.session = session;
        this.spec = spec;
        this.format = format;
        this.batch = batch;
        this.context = context;
        this.prompt = prompt;
        this.rows = prompt > 0 ? prompt : batch;
        attentionShape = prompt > 0 ? null : new AttentionDecode.Shape(batch, spec.heads(), spec.kvHeads(), spec.headDim(), context);
        prefillShape = prompt > 0 ? new AttentionPrefill.Shape(1, spec.heads(), spec.kvHeads(), spec.headDim(), prompt) : null;
        int qkvRows = (spec.heads() + 2 * spec.kvHeads()) * spec.headDim();
        int attnWidth = spec.heads() * spec.headDim();
        boolean moe = spec.experts() > 0;
        int experts = Math.max(1, spec.experts());
        int width = moe ? spec.moeFfn() : spec.ffn();
        // rows through the MLP's products: a slot per token and chosen expert
        int mlpRows = moe ? rows * spec.expertsPerToken() : rows;
        SplittableRandom r = new SplittableRandom(seed);
        weights = new Buffer[spec.layers()][];
        caches = new Buffer[2 * spec.layers()];
        for (int l = 0; l < spec.layers(); l++) {
            QGemv.QuantizedMatrix wqkv = QGemv.random(format, qkvRows, spec.hidden(), r.nextLong());
            QGemv.QuantizedMatrix wo = QGemv.random(format, spec.hidden(), attnWidth, r.nextLong());
            QGemv.QuantizedMatrix wgu = QGemv.random(format, experts * 2 * width, spec.hidden(), r.nextLong());
            QGemv.QuantizedMatrix wdown = QGemv.random(format, experts * spec.hidden(), width, r.nextLong());
            QGemv.QuantizedMatrix wrouter = moe ? QGemv.random(WeightFormat.FP16, experts, spec.hidden(), r.nextLong()) : null;
            short[] n1 = norm(spec.hidden(), r);
            short[] n2 = norm(spec.hidden(), r);
            // a prefill writes its whole cache: nothing to fill in beforehand
            AttentionDecode.Cache cache = prompt > 0 ? null : AttentionDecode.random(AttentionDecode.KvFormat.FP16, attentionShape, r.nextLong());
            if (keepHost) {
                layers.add(new Layer(wqkv, wo, wgu, wdown, n1, n2, cache, wrouter));
            }
            Buffer[] bqkv = upload(wqkv);
            Buffer[] bo = upload(wo);
            Buffer[] bgu = upload(wgu);
            Buffer[] bdown = upload(wdown);
            weights[l] = new Buffer[] {bqkv[0], bqkv[1], bo[0], bo[1], bgu[0], bgu[1], bdown[0], bdown[1], upload(DataType.F16, n1),
                upload(DataType.F16, n2), moe ? upload(wrouter)[0] : null};
            long cacheElements = (long) batch * spec.kvHeads() * context * spec.headDim();
            caches[2 * l] = cache == null ? alloc(DataType.F16, cacheElements) : upload(DataType.F16, cache.k());
            caches[2 * l + 1] = cache == null ? alloc(DataType.F16, cacheElements) : upload(DataType.F16, cache.v());
        }
        finalNorm = norm(spec.hidden(), r);
        finalNormBuf = upload(DataType.F16, finalNorm);
        QGemv.QuantizedMatrix head = QGemv.random(WeightFormat.FP16, spec.vocab(), spec.hidden(), r.nextLong());
        lmHeadBufs = upload(head);
        lmHead = keepHost ? head : null;
        hiddenIn = new float[rows * spec.hidden()];
        for (int i = 0; i < hiddenIn.length; i++) {
            hiddenIn[i] = (float) r.nextDouble(-1, 1);
        }
        h = upload(DataType.F32, hiddenIn);
        xn = alloc(DataType.F16, (long) rows * spec.hidden());
        qkvOut = alloc(DataType.F32, (long) rows * qkvRows);
        q = alloc(DataType.F16, (long) rows * attnWidth);
        attn = prompt > 0 ? null : alloc(DataType.F32, (long) batch * attnWidth);
        attn16 = alloc(DataType.F16, (long) rows * attnWidth);
        proj = alloc(DataType.F32, (long) rows * spec.hidden());
        gateUpOut = alloc(DataType.F32, (long) mlpRows * 2 * width);
        act = alloc(DataType.F16, (long) mlpRows * width);
        downOut = alloc(DataType.F32, (long) rows * spec.hidden());
        if (moe) {
            int listed = Math.min(experts, mlpRows);
            routerLogits = alloc(DataType.F32, (long) rows * experts);
            slotExpert = alloc(DataType.U32, mlpRows);
            slotWeight = alloc(DataType.F32, mlpRows);
            slotRow = alloc(DataType.U32, mlpRows);
            expertIds = alloc(DataType.U32, listed);
            expertStarts = alloc(DataType.U32, listed + 1L);
            xSorted = alloc(DataType.F16, (long) mlpRows * spec.hidden());
            expertOut = alloc(DataType.F32, (long) mlpRows * spec.hidden());
            routerIds = prompt > 0 ? upload(DataType.U32, new int[] {0}) : null;
            routerStarts = prompt > 0 ? upload(DataType.U32, new int[] {0, prompt}) : null;
        } else {
            routerLogits = null;
            slotExpert = null;
            slotWeight = null;
            slotRow = null;
            expertIds = null;
            expertStarts = null;
            xSorted = null;
            expertOut = null;
            routerIds = null;
            routerStarts = null;
        }
        logits = alloc(DataType.F32, (long) batch * spec.vocab());
        int[] pos = new int[rows];
        for (int i = 0; i < rows; i++) {
            pos[i] = prompt > 0 ? i : context - 1;
        }
        positions = upload(DataType.U32, pos);
        long ws = prompt > 0 ? 0 : AttentionDecodeFamily.on(session).workspaceElements(attentionShape);
        workspace = ws > 0 ? alloc(DataType.F32, ws) : null;
        if (prompt > 0) {
            // the GEMMs' fp16 output (a mixture of experts runs only q/k/v and o as GEMMs), and int8 / int4 dequantised
            boolean gemm = !QGemv.prefillRunsQgemv(format, prompt);
            int widest = Math.max(Math.max(qkvRows, moe ? 0 : 2 * spec.ffn()), spec.hidden());
            product16 = gemm ? alloc(DataType.F16, (long) prompt * widest) : null;
            weights16 = gemm && format.quantized() ? alloc(DataType.F16, largestMatrix(spec)) : null;
            attnHeads = alloc(DataType.F16, (long) prompt * attnWidth);
            xnLast = alloc(DataType.F16, spec.hidden());
        } else {
            product16 = null;
            weights16 = null;
            attnHeads = null;
            xnLast = null;
        }
    }

    /** Elements of the largest linear layer a prefill runs as a GEMM (not an expert's): the dequantisation scratch. */
    private static long largestMatrix(ModelSpec spec) {
        return spec.linearLayers().stream().filter(l -> !spec.isExpert(l)).mapToLong(l -> (long) l.rows() * l.cols()).max().orElseThrow();
    }

    /** Whether {@code need} bytes fit the share of a device's memory a model may take ({@link Estimator#MEMORY_FOR_MODEL}). */
    public static boolean fitsIn(long need, long deviceMemory) {
        return need <= deviceMemory * Estimator.MEMORY_FOR_MODEL;
    }

    /** Device bytes of the model at this batch and context: weights, KV caches (fp16) and activations. */
    public static long deviceBytes(ModelSpec spec, WeightFormat format, int batch, int context) {
        double cache = 2.0 * spec.layers() * batch * spec.kvHeads() * (double) context * spec.headDim() * 2;
        int slots = spec.experts() > 0 ? spec.expertsPerToken() : 1;
        int width = spec.experts() > 0 ? spec.moeFfn() : spec.ffn();
        double activations = 8.0 * batch * (spec.hidden() + (spec.heads() + 2 * spec.kvHeads()) * spec.headDim() + 2.0 * slots * width + spec.vocab()
                + 2.0 * slots * spec.hidden() + spec.experts());
        return (long) (storedWeightBytes(spec, format) + cache + activations);
    }

    /**
     * The weights the model holds: every layer (every expert), routers and norms, the 16-bit LM head;
     * no input embedding (a step starts from a random hidden state).
     */
    static double storedWeightBytes(ModelSpec spec, WeightFormat format) {
        return spec.weightBytes(format) - (spec.tiedEmbeddings() ? 0 : 2.0 * spec.vocab() * spec.hidden());
    }

    /**
     * Device bytes of a prefill model: the weights, a cache of the prompt, the prompt's activations
     * (the widest twice: fp32 and the GEMM's fp16 output; a mixture of experts' per slot) and the fp16
     * dequantisation scratch.
     */
    public static long prefillDeviceBytes(ModelSpec spec, WeightFormat format, int prompt) {
        double weights = storedWeightBytes(spec, format);
        double cache = 2.0 * spec.layers() * spec.kvHeads() * (double) prompt * spec.headDim() * 2;
        double mlp = spec.experts() > 0 ? spec.expertsPerToken() * (2.0 * spec.moeFfn() + 2.0 * spec.hidden()) + spec.experts() : 2.0 * spec.ffn();
        double activations = 10.0 * prompt * (spec.hidden() + (spec.heads() + 2 * spec.kvHeads()) * spec.headDim() + mlp);
        double scratch = format.quantized() && !QGemv.prefillRunsQgemv(format, prompt) ? 2.0 * largestMatrix(spec) : 0;
        return (long) (weights + cache + activations + scratch + 4.0 * spec.vocab());
    }

    /**
     * What one prefill declares it moves and computes: every product as its path runs it, qgemv
     * over the prompt ({@link QGemv#workload}: the stored weights once per chunk) or a 16-bit GEMM
     * ({@link Gemm#workload}) plus, for int8 / int4, its dequantisation (the stored weights read,
     * fp16 written); every layer's causal {@link AttentionPrefill#workload}; the LM head on the
     * last token. A mixture of experts: its experts' products as in a decode step of the prompt's
     * tokens (the experts uniform routing touches, {@link QGemv#expertsWorkload}) and its router's.
     */
    public static Workload prefillWorkload(ModelSpec spec, WeightFormat format, int prompt) {
        List<Workload> layer = new ArrayList<>();
        for (ModelSpec.Linear l : spec.linearLayers()) {
            if (spec.isExpert(l)) {
                layer.add(QGemv.expertsWorkload(format, l.rows(), l.cols(), prompt * spec.expertsPerToken(), spec.expectedExpertsTouched(prompt)));
                continue;
            }
            if (QGemv.prefillRunsQgemv(format, prompt)) {
                layer.add(QGemv.workload(format, l.rows(), l.cols(), prompt));
                continue;
            }
            layer.add(Gemm.workload(DataType.F16, prompt, l.rows(), l.cols()));
            if (format.quantized()) {
                layer.add(QGemv.dequantizeWorkload(format, l.rows(), l.cols()));
            }
        }
        if (spec.experts() > 0) {
            layer.add(QGemv.expertsWorkload(WeightFormat.FP16, spec.experts(), spec.hidden(), prompt, 1));
        }
        layer.add(AttentionPrefill.workload(DataType.F16, new AttentionPrefill.Shape(1, spec.heads(), spec.kvHeads(), spec.headDim(), prompt)));
        return Workload.sum(layer).times(spec.layers(), QGemv.workload(WeightFormat.FP16, spec.vocab(), spec.hidden(), 1));
    }

    /**
     * What one step declares it moves and computes: every product's {@link QGemv#workload} and every
     * layer's {@link AttentionDecode#workload} (the small elementwise ops are not counted). A mixture
     * of experts: the router's product, and the experts' products over the batch's slots with the
     * weights of the experts uniform routing touches on average ({@link ModelSpec#expectedExpertsTouched}).
     */
    public static Workload workload(ModelSpec spec, WeightFormat format, int batch, int context) {
        List<Workload> parts = new ArrayList<>();
        for (ModelSpec.Linear l : spec.linearLayers()) {
            parts.add(spec.isExpert(l)
                    ? QGemv.expertsWorkload(format, l.rows(), l.cols(), batch * spec.expertsPerToken(), spec.expectedExpertsTouched(batch))
                    : QGemv.workload(format, l.rows(), l.cols(), batch));
        }
        if (spec.experts() > 0) {
            parts.add(QGemv.workload(WeightFormat.FP16, spec.experts(), spec.hidden(), batch));
        }
        parts.add(AttentionDecode.workload(AttentionDecode.KvFormat.FP16,
                new AttentionDecode.Shape(batch, spec.heads(), spec.kvHeads(), spec.headDim(), context)));
        return Workload.sum(parts).times(spec.layers(), QGemv.workload(WeightFormat.FP16, spec.vocab(), spec.hidden(), batch));
    }

    private static short[] norm(int n, SplittableRandom r) {
        short[] w = new short[n];
        for (int i = 0; i < n; i++) {
            w[i] = Half.fromFloat((float) r.nextDouble(0.5, 1.5));
        }
        return w;
    }

    private Buffer alloc(DataType type, long elements) {
        Buffer b = session.allocate(type, elements);
        owned.add(b);
        return b;
    }

    private Buffer upload(DataType type, Object array) {
        Buffer b = alloc(type, java.lang.reflect.Array.getLength(array));
        b.upload(array);
        return b;
    }

    private Buffer[] upload(QGemv.QuantizedMatrix m) {
        Buffer w = upload(QGemv.weightType(m.format()), m.weights());
        Buffer s = m.scales() == null ? null : upload(DataType.F16, m.scales());
        return new Buffer[] {w, s};
    }

    /** One decode step of the batch; logits land in {@link #logits()}. Not synchronized: the caller times or waits. */
    public void decodeStep() {
        if (prompt > 0) {
            throw new IllegalStateException("a prefill model (forPrefill) runs prefill(), not decode steps");
        }
        var ops = TransformerOpsFamily.on(session);
        var gemv = QGemvFamily.on(session);
        int hidden = spec.hidden();
        int qkvRows = (spec.heads() + 2 * spec.kvHeads()) * spec.headDim();
        int attnWidth = spec.heads() * spec.headDim();
        Buffer pendingAdd = null;   // the previous layer's down output, added with the next norm
        for (int l = 0; l < spec.layers(); l++) {
            Buffer[] w = weights[l];
            ops.addRmsnorm(xn, h, pendingAdd, w[8], batch, hidden, RMS_EPS);
            gemv.gemv(format, qkvOut, xn, w[0], w[1], qkvRows, hidden, batch);
            ops.ropeQkv(q, caches[2 * l], caches[2 * l + 1], qkvOut, positions, batch, spec.heads(), spec.kvHeads(), spec.headDim(), context,
                    ROPE_THETA);
            AttentionDecodeFamily.on(session).decode(AttentionDecode.KvFormat.FP16, attn, q, caches[2 * l], caches[2 * l + 1], null, null, null,
                    workspace, attentionShape);
            ops.toHalf(attn16, attn, (long) batch * attnWidth);
            gemv.gemv(format, proj, attn16, w[2], w[3], hidden, attnWidth, batch);
            ops.addRmsnorm(xn, h, proj, w[9], batch, hidden, RMS_EPS);
            if (spec.experts() > 0) {
                mixtureOfExperts(w, batch);
            } else {
                gemv.gemv(format, gateUpOut, xn, w[4], w[5], 2 * spec.ffn(), hidden, batch);
                ops.swiglu(act, gateUpOut, batch, spec.ffn());
                gemv.gemv(format, downOut, act, w[6], w[7], hidden, spec.ffn(), batch);
            }
            pendingAdd = downOut;
        }
        ops.addRmsnorm(xn, h, pendingAdd, finalNormBuf, batch, hidden, RMS_EPS);
        gemv.gemv(WeightFormat.FP16, logits, xn, lmHeadBufs[0], lmHeadBufs[1], spec.vocab(), hidden, batch);
    }

    /** downOut = the layer's MoE block on the {@code tokens} rows of xn (see the class comment). */
    private void mixtureOfExperts(Buffer[] w, int tokens) {
        var ops = TransformerOpsFamily.on(session);
        var gemv = QGemvFamily.on(session);
        int hidden = spec.hidden();
        int experts = spec.experts();
        int topK = spec.expertsPerToken();
        int width = spec.moeFfn();
        int slots = tokens * topK;
        if (prompt > 0) {
            // past qgemv's batches: the experts kernel, the router its one expert
            gemv.expertsGemv(WeightFormat.FP16, routerLogits, xn, w[10], null, routerIds, routerStarts, 1, experts, hidden, tokens, tokens);
        } else {
            gemv.gemv(WeightFormat.FP16, routerLogits, xn, w[10], null, experts, hidden, tokens);
        }
        ops.moeRoute(slotExpert, slotWeight, slotRow, expertIds, expertStarts, routerLogits, tokens, experts, topK);
        ops.moeGather(xSorted, xn, slotRow, tokens, topK, hidden);
        // an expert gets at most one slot per token
        gemv.expertsGemv(format, gateUpOut, xSorted, w[4], w[5], expertIds, expertStarts, experts, 2 * width, hidden, slots, tokens);
        ops.swiglu(act, gateUpOut, slots, width);
        gemv.expertsGemv(format, expertOut, act, w[6], w[7], expertIds, expertStarts, experts, hidden, width, slots, tokens);
        ops.moeCombine(downOut, expertOut, slotWeight, slotRow, tokens, topK, hidden);
    }

    /**
     * The experts the last layer's routing used in the last step (a mixture of experts): how the
     * random router spread the batch's slots.
     */
    public int expertsUsedInLastLayer() {
        if (spec.experts() == 0) {
            throw new IllegalStateException(spec.name() + " is a dense model");
        }
        session.synchronize();
        int[] starts = new int[(int) expertStarts.elements()];
        expertStarts.download(starts);
        int used = 0;
        for (int i = 0; i + 1 < starts.length; i++) {
            used += starts[i + 1] > starts[i] ? 1 : 0;
        }
        return used;
    }

    /**
     * The prompt through every layer; the last token's logits land in {@link #logits()}. Not
     * synchronized. A prefill rewrites the whole cache, so it can run again on the same model (for
     * timing: like a decode step, a second run starts from the residual stream the first left).
     */
    public void prefill() {
        if (prompt == 0) {
            throw new IllegalStateException("a decode model runs decodeStep(); build a prefill model with forPrefill");
        }
        var ops = TransformerOpsFamily.on(session);
        int hidden = spec.hidden();
        int qkvRows = (spec.heads() + 2 * spec.kvHeads()) * spec.headDim();
        int attnWidth = spec.heads() * spec.headDim();
        Buffer pendingAdd = null;
        for (int l = 0; l < spec.layers(); l++) {
            Buffer[] w = weights[l];
            ops.addRmsnorm(xn, h, pendingAdd, w[8], prompt, hidden, RMS_EPS);
            promptProduct(qkvOut, xn, w[0], w[1], qkvRows, hidden);
            ops.ropeQkv(q, caches[2 * l], caches[2 * l + 1], qkvOut, positions, prompt, prompt, spec.heads(), spec.kvHeads(), spec.headDim(),
                    prompt, ROPE_THETA);
            AttentionPrefillFamily.on(session).prefill(DataType.F16, attnHeads, q, caches[2 * l], caches[2 * l + 1], prefillShape);
            ops.mergeHeads(attn16, attnHeads, 1, spec.heads(), prompt, spec.headDim());
            promptProduct(proj, attn16, w[2], w[3], hidden, attnWidth);
            ops.addRmsnorm(xn, h, proj, w[9], prompt, hidden, RMS_EPS);
            if (spec.experts() > 0) {
                mixtureOfExperts(w, prompt);
            } else {
                promptProduct(gateUpOut, xn, w[4], w[5], 2 * spec.ffn(), hidden);
                ops.swiglu(act, gateUpOut, prompt, spec.ffn());
                promptProduct(downOut, act, w[6], w[7], hidden, spec.ffn());
            }
            pendingAdd = downOut;
        }
        ops.addRmsnorm(xnLast, h, pendingAdd, finalNormBuf, prompt - 1, 1, hidden, RMS_EPS);
        QGemvFamily.on(session).gemv(WeightFormat.FP16, logits, xnLast, lmHeadBufs[0], lmHeadBufs[1], spec.vocab(), hidden, 1);
    }

    /**
     * out (fp32) = x · Wᵀ over the prompt's rows: int8 / int4 weights on qgemv below
     * {@link QGemv#DEQUANTIZE_FROM_TOKENS} tokens; else the 16-bit GEMM, on W dequantised first when stored in int8 / int4.
     */
    private void promptProduct(Buffer out, Buffer x, Buffer w, Buffer scales, int n, int k) {
        if (QGemv.prefillRunsQgemv(format, prompt)) {
            QGemvFamily.on(session).gemv(format, out, x, w, scales, n, k, prompt);
            return;
        }
        Buffer w16 = w;
        if (format.quantized()) {
            QGemvFamily.on(session).dequantize(format, weights16, w, scales, n, k);
            w16 = weights16;
        }
        GemmFamily.on(session).gemm(DataType.F16, product16, x, w16, prompt, n, k);
        TransformerOpsFamily.on(session).toFloat(out, product16, (long) prompt * n);
    }

    /** The logits of the last step, F32 [batch x vocab] (a prefill: the last token's). */
    public float[] logits() {
        session.synchronize();
        float[] out = new float[batch * spec.vocab()];
        logits.download(out);
        return out;
    }

    public ModelSpec spec() {
        return spec;
    }

    public WeightFormat format() {
        return format;
    }

    public int batch() {
        return batch;
    }

    public int context() {
        return context;
    }

    /** The prompt of a prefill model; 0 for a decode model. */
    public int prompt() {
        return prompt;
    }

    @Override
    public void close() {
        for (Buffer b : owned) {
            b.close();
        }
    }
}
