package io.tokencost.bench;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.cost.ModelPresets;
import io.tokencost.cost.ModelSpec;
import io.tokencost.kernels.FloatTypes;
import io.tokencost.kernels.transformerops.TransformerOps;
import io.tokencost.kernels.transformerops.TransformerOpsFamily;
import io.tokencost.kernels.transformerops.TransformerOpsKernels;
import io.tokencost.measure.Workload;
import io.tokencost.model.SyntheticModel;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The ops suite: one layer's small ops (kernels/transformer_ops.cu) over {@code tokens} rows at a
 * model's widths, in the order {@link SyntheticModel} runs them between its products and attention,
 * which are left out: what the estimator adds per layer for norms, rotary, SwiGLU and conversions,
 * launch overhead included. {@code step} {@code decode}: one token per sequence, attention's fp32
 * output to fp16; {@code prefill}: one prompt of {@code tokens}, the GEMMs' fp16 outputs to fp32 and
 * attention's heads merged. A mixture of experts: its routing, gather, SwiGLU over the slots and
 * combine in place of the dense SwiGLU (and of its prefill's gate/up and down conversions). Inputs random.
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TransformerOpsBench extends DeviceBench {

    @Param("Llama-3.1-8B")
    public String model;

    @Param("decode")
    public String step;

    @Param("1")
    public int tokens;

    /** {@code layer}: every op of the layer, as above; or one of them alone over one prompt of {@code tokens} (the ops-grid suite). */
    @Param("layer")
    public String op = "layer";

    private final List<Buffer> owned = new ArrayList<>();
    private ModelSpec spec;
    private boolean prefill;
    private Buffer h;
    private Buffer add;
    private Buffer norm;
    private Buffer xn;
    private Buffer qkv;
    private Buffer q;
    private Buffer kCache;
    private Buffer vCache;
    private Buffer positions;
    private Buffer attn;
    private Buffer attn16;
    private Buffer gateUp;
    private Buffer act;
    private Buffer product16;
    // a mixture of experts' routing
    private Buffer routerLogits;
    private Buffer slotExpert;
    private Buffer slotWeight;
    private Buffer slotRow;
    private Buffer expertIds;
    private Buffer expertStarts;
    private Buffer xSorted;
    private Buffer expertOut;

    @Override
    protected Workload prepare() {
        spec = ModelPresets.resolve(model);
        prefill = step.equals("prefill");
        if (!prefill && !step.equals("decode")) {
            throw new IllegalArgumentException("step must be decode or prefill, got " + step);
        }
        SplittableRandom r = new SplittableRandom(7);
        int hidden = spec.hidden();
        int qkvWidth = (spec.heads() + 2 * spec.kvHeads()) * spec.headDim();
        int attnWidth = spec.heads() * spec.headDim();
        // decode: tokens sequences, each writing position 0 of its cache; prefill: one prompt of tokens
        int seqs = prefill ? 1 : tokens;
        int context = prefill ? tokens : 1;
        h = random(DataType.F32, (long) tokens * hidden, r);
        add = random(DataType.F32, (long) tokens * hidden, r);
        norm = random(DataType.F16, hidden, r);
        xn = alloc(DataType.F16, (long) tokens * hidden);
        qkv = random(DataType.F32, (long) tokens * qkvWidth, r);
        q = alloc(DataType.F16, (long) tokens * attnWidth);
        kCache = alloc(DataType.F16, (long) seqs * spec.kvHeads() * context * spec.headDim());
        vCache = alloc(DataType.F16, (long) seqs * spec.kvHeads() * context * spec.headDim());
        int[] pos = new int[tokens];
        for (int i = 0; i < tokens; i++) {
            pos[i] = prefill ? i : 0;
        }
        positions = alloc(DataType.U32, tokens);
        positions.upload(pos);
        attn = prefill ? random(DataType.F16, (long) tokens * attnWidth, r) : random(DataType.F32, (long) tokens * attnWidth, r);
        attn16 = alloc(DataType.F16, (long) tokens * attnWidth);
        gateUp = random(DataType.F32, (long) mlpRows() * 2 * mlpWidth(), r);
        act = alloc(DataType.F16, (long) mlpRows() * mlpWidth());
        product16 = prefill ? random(DataType.F16, (long) tokens * Math.max(Math.max(qkvWidth, hidden), moe() ? 0 : 2 * spec.ffn()), r) : null;
        if (moe()) {
            int slots = tokens * spec.expertsPerToken();
            routerLogits = random(DataType.F32, (long) tokens * spec.experts(), r);
            slotExpert = alloc(DataType.U32, slots);
            slotWeight = alloc(DataType.F32, slots);
            slotRow = alloc(DataType.U32, slots);
            expertIds = alloc(DataType.U32, Math.min(spec.experts(), slots));
            expertStarts = alloc(DataType.U32, Math.min(spec.experts(), slots) + 1L);
            xSorted = alloc(DataType.F16, (long) slots * hidden);
            expertOut = random(DataType.F32, (long) slots * hidden, r);
        }
        if (!op.equals("layer")) {
            if (!prefill || moe()) {
                throw new IllegalArgumentException("a single op runs over a dense model's prompt (step prefill), got step " + step + " on " + model);
            }
            return TransformerOps.opWorkload(op, tokens, spec);
        }
        return TransformerOps.layerWorkload(prefill, tokens, spec);
    }

    private boolean moe() {
        return spec.experts() > 0;
    }

    /** Rows through the MLP: a slot per token and chosen expert in a mixture of experts. */
    private int mlpRows() {
        return moe() ? tokens * spec.expertsPerToken() : tokens;
    }

    private int mlpWidth() {
        return moe() ? spec.moeFfn() : spec.ffn();
    }

    private Buffer alloc(DataType type, long elements) {
        Buffer b = session.allocate(type, elements);
        owned.add(b);
        return b;
    }

    private Buffer random(DataType type, long elements, SplittableRandom r) {
        Buffer b = alloc(type, elements);
        b.upload(FloatTypes.random(type, (int) elements, r));
        return b;
    }

    @Override
    protected void launch() {
        var ops = TransformerOpsFamily.on(session);
        int hidden = spec.hidden();
        switch (op) {
            case "layer" -> launchLayer(ops, hidden);
            case "add_rmsnorm" -> ops.addRmsnorm(xn, h, add, norm, tokens, hidden, SyntheticModel.RMS_EPS);
            case "rope_qkv" -> ops.ropeQkv(q, kCache, vCache, qkv, positions, tokens, tokens, spec.heads(), spec.kvHeads(), spec.headDim(), tokens,
                    SyntheticModel.ROPE_THETA);
            case "swiglu" -> ops.swiglu(act, gateUp, tokens, spec.ffn());
            default -> throw new IllegalStateException("op " + op);
        }
    }

    private void launchLayer(TransformerOpsKernels ops, int hidden) {
        int qkvWidth = (spec.heads() + 2 * spec.kvHeads()) * spec.headDim();
        ops.addRmsnorm(xn, h, add, norm, tokens, hidden, SyntheticModel.RMS_EPS);
        if (prefill) {
            ops.toFloat(qkv, product16, (long) tokens * qkvWidth);
        }
        ops.ropeQkv(q, kCache, vCache, qkv, positions, tokens, prefill ? tokens : 1, spec.heads(), spec.kvHeads(), spec.headDim(),
                prefill ? tokens : 1, SyntheticModel.ROPE_THETA);
        if (prefill) {
            ops.mergeHeads(attn16, attn, 1, spec.heads(), tokens, spec.headDim());
            ops.toFloat(add, product16, (long) tokens * hidden);
        } else {
            ops.toHalf(attn16, attn, (long) tokens * spec.heads() * spec.headDim());
        }
        ops.addRmsnorm(xn, h, add, norm, tokens, hidden, SyntheticModel.RMS_EPS);
        // a mixture of experts' products (the experts kernel) write fp32: nothing to convert
        if (prefill && !moe()) {
            ops.toFloat(gateUp, product16, (long) tokens * 2 * spec.ffn());
        }
        if (moe()) {
            int topK = spec.expertsPerToken();
            ops.moeRoute(slotExpert, slotWeight, slotRow, expertIds, expertStarts, routerLogits, tokens, spec.experts(), topK);
            ops.moeGather(xSorted, xn, slotRow, tokens, topK, hidden);
            ops.swiglu(act, gateUp, mlpRows(), mlpWidth());
            ops.moeCombine(add, expertOut, slotWeight, slotRow, tokens, topK, hidden);
        } else {
            ops.swiglu(act, gateUp, tokens, spec.ffn());
        }
        if (prefill && !moe()) {
            ops.toFloat(add, product16, (long) tokens * hidden);
        }
    }

    @Override
    protected void release() {
        owned.forEach(Buffer::close);
        owned.clear();
    }
}
