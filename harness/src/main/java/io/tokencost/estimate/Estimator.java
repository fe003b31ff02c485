package io.tokencost.estimate;

import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.Price;
import io.tokencost.cost.WeightFormat;

import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Turns measured kernel times into a scenario's cost: a transformer step is its linear layers, its
 * attention, its elementwise ops and (tensor-parallel) its all-reduces, per layer, plus the LM head;
 * each part timed by {@link MeasuredRates} at the step's shapes. Tensor parallelism splits q/k/v and
 * gate/up by rows and o and down by columns (Megatron), heads across devices, and adds two
 * all-reduces of the activations per layer.
 */
public final class Estimator {

    /** The share of device memory weights and KV cache may take (vLLM's gpu_memory_utilization default); the rest is workspace. */
    public static final double MEMORY_FOR_MODEL = 0.9;

    private final MeasuredRates rates;
    private final String deviceName;
    private final long memoryBytes;
    private final Optional<Price> price;
    /** The catalogue's link for tensor parallelism on this device, looked up once. */
    private final Optional<Interconnect> link;

    /** {@code price} is per device-hour; {@code memoryBytes} per device. */
    public Estimator(MeasuredRates rates, String deviceName, long memoryBytes, Optional<Price> price) {
        this.rates = rates;
        this.deviceName = deviceName;
        this.memoryBytes = memoryBytes;
        this.price = price;
        this.link = Interconnect.lookup(deviceName);
    }

    /** An estimator over one device's rows: its name and memory from the rows' identity cells. */
    public static Estimator forRows(List<ResultRow> rows, Optional<Price> price) {
        ResultRow first = rows.get(0);
        long memory = first.has(Column.MEMORY_BYTES) ? (long) first.number(Column.MEMORY_BYTES) : 0;
        return new Estimator(MeasuredRates.of(rows), first.get(Column.DEVICE_NAME), memory, price);
    }

    public MeasuredRates rates() {
        return rates;
    }

    public Optional<Price> price() {
        return price;
    }

    /** One device's memory in bytes (0 when the rows do not say). */
    public long memoryBytes() {
        return memoryBytes;
    }

    public Estimate estimate(Scenario s) {
        Optional<Interconnect> link = link(s);
        StepTime prefill = prefill(s, link);
        StepTime step;
        double tokensPerStep;
        if (s.speculation().isPresent()) {
            Speculation spec = s.speculation().get();
            // the target verifies k drafted tokens plus its own in one step; the draft runs k steps
            StepTime verify = decodeStep(s.model(), s, spec.draftTokens() + 1, link);
            StepTime draft = decodeStep(spec.draft(), s, 1, link);
            step = verify.plus(draft.times(spec.draftTokens()));
            tokensPerStep = spec.expectedTokensPerStep();
        } else {
            step = decodeStep(s.model(), s, 1, link);
            tokensPerStep = 1;
        }
        double usdPerHour = price.map(p -> p.usdPerHour() * s.tp()).orElse(Double.NaN);
        return new Estimate(s, prefill, step, tokensPerStep, maxBatch(s), usdPerHour);
    }

    /**
     * One decode step of a plain scenario's batch at its context, alone: what `run`'s decode suite
     * measures (the scenario's prefill is not estimated, so its notes stay out of the rates' notes).
     */
    public double decodeStepSeconds(Scenario s) {
        return decodeStep(s.model(), s, 1, link(s)).total();
    }

    /** The scenario's prefill alone (its TTFT): what `run`'s prefill suite measures. */
    public double prefillSeconds(Scenario s) {
        return prefill(s, link(s)).total();
    }

    private Optional<Interconnect> link(Scenario s) {
        if (s.tp() > 1 && link.isEmpty()) {
            throw new IllegalArgumentException(
                    "no interconnect figure for '" + deviceName + "' in the catalog: tensor parallel (--tp " + s.tp() + ") cannot be estimated here");
        }
        return s.tp() > 1 ? this.link : Optional.empty();
    }

    /** One decode step of the batch: each sequence brings {@code queries} tokens (1, or k+1 when verifying drafts). */
    private StepTime decodeStep(ModelSpec m, Scenario s, int queries, Optional<Interconnect> link) {
        double tokens = (double) s.batch() * queries;
        StepTime layer = StepTime.ZERO;
        for (ModelSpec.Linear l : m.linearLayers()) {
            layer = layer.plus(linear(m, s.weights(), l, tokens, s.tp(), true));
        }
        layer = layer.plus(router(m, s, tokens, true));
        int heads = m.heads() / s.tp();
        int kvHeads = Math.max(1, m.kvHeads() / s.tp());   // fewer kv heads than devices: replicated
        // the k+1 queries of a verify step share one read of the cache, which is what the time is
        double t = rates.decodeAttentionSeconds(s.kv(), s.batch(), s.context(), heads, kvHeads, m.headDim());
        double stream = MeasuredRates.decodeAttentionBytes(s.kv(), s.batch(), s.context(), heads, kvHeads, m.headDim()) / rates.readBytesPerS();
        layer = layer.plus(StepTime.kv(t, stream)).plus(StepTime.overhead(elementwiseSeconds(m, tokens, s.tp(), false) + allReduces(m, tokens, s.tp(), link)));
        return layer.times(m.layers()).plus(lmHead(m, s, tokens, true));
    }

    /** The prefill of one request: its uncached prompt tokens through every layer, attending to the whole prompt; the LM head on the last token. */
    private StepTime prefill(Scenario s, Optional<Interconnect> link) {
        ModelSpec m = s.model();
        int fresh = s.newPromptTokens();
        StepTime layer = StepTime.ZERO;
        for (ModelSpec.Linear l : m.linearLayers()) {
            layer = layer.plus(linear(m, s.weights(), l, fresh, s.tp(), false));
        }
        layer = layer.plus(router(m, s, fresh, false));
        double attention = rates.prefillAttentionSeconds(s.weights() == WeightFormat.BF16 ? "bf16" : "fp16", s.prompt(), fresh,
                m.heads() / s.tp(), m.headDim());
        layer = layer.plus(new StepTime(0, 0, attention, 0))
                .plus(StepTime.overhead(elementwiseSeconds(m, fresh, s.tp(), true) + allReduces(m, fresh, s.tp(), link)));
        return layer.times(m.layers()).plus(lmHead(m, s, 1, false));
    }

    /**
     * A linear layer's time over {@code tokens}, split for tensor parallelism; an MoE layer's experts
     * get the tokens routed to them: uniform top-k routing touches E·(1 − (1 − k/E)^tokens) experts on
     * average, each with tokens·k / touched tokens.
     */
    private StepTime linear(ModelSpec m, WeightFormat f, ModelSpec.Linear l, double tokens, int tp, boolean decode) {
        boolean columnSplit = l.name().equals("qkv") || l.name().equals("gate_up");
        int rows = columnSplit ? l.rows() / tp : l.rows();
        int cols = columnSplit ? l.cols() : l.cols() / tp;
        double copies = 1;
        double perCopy = tokens;
        if (m.isExpert(l)) {
            copies = m.expectedExpertsTouched(tokens);
            perCopy = m.rowsPerExpert(tokens);
        }
        // a prefill's experts run the experts kernel, as a decode step's do
        double t = decode ? rates.decodeLinearSeconds(f, perCopy, rows, cols)
                : m.isExpert(l) ? rates.qgemvPathSeconds(f, perCopy, rows, cols) : rates.linearSeconds(f, perCopy, rows, cols);
        return StepTime.weights(copies * t, copies * f.matrixBytes(rows, cols) / rates.readBytesPerS());
    }

    private StepTime lmHead(ModelSpec m, Scenario s, double tokens, boolean decode) {
        return sixteenBit(s, m.vocab() / s.tp(), m.hidden(), tokens, decode);
    }

    /**
     * An MoE layer's router, experts x hidden at 16 bits: every device runs it whole; a prefill's on
     * the experts kernel (the one expert holding every row). Nothing for a dense model.
     */
    private StepTime router(ModelSpec m, Scenario s, double tokens, boolean decode) {
        if (m.experts() == 0) {
            return StepTime.ZERO;
        }
        if (decode) {
            return sixteenBit(s, m.experts(), m.hidden(), tokens, true);
        }
        WeightFormat f = sixteenBitFormat(s);
        return StepTime.weights(rates.qgemvPathSeconds(f, tokens, m.experts(), m.hidden()), f.matrixBytes(m.experts(), m.hidden()) / rates.readBytesPerS());
    }

    /** A product kept at 16 bits whatever the weights' format (the LM head, a router). */
    private StepTime sixteenBit(Scenario s, int rows, int cols, double tokens, boolean decode) {
        WeightFormat f = sixteenBitFormat(s);
        double t = decode ? rates.decodeLinearSeconds(f, tokens, rows, cols) : rates.linearSeconds(f, tokens, rows, cols);
        return StepTime.weights(t, f.matrixBytes(rows, cols) / rates.readBytesPerS());
    }

    private static WeightFormat sixteenBitFormat(Scenario s) {
        return s.weights() == WeightFormat.BF16 ? WeightFormat.BF16 : WeightFormat.FP16;
    }

    /**
     * The elementwise ops of a layer: the measured ops rows at this model's widths when the run has
     * them ({@link MeasuredRates#layerOpsSeconds}, split by tensor parallelism in proportion to the
     * bytes below); else at the read ceiling: two RMSNorms and two residual adds over the hidden state
     * (20 bytes per element), rotary on q and k (read and written), the gated MLP's activation (two
     * inputs read, one output written, per expert a token uses).
     */
    private double elementwiseSeconds(ModelSpec m, double tokens, int tp, boolean prefill) {
        OptionalDouble measured = rates.layerOpsSeconds(prefill, tokens, m);
        double perToken = elementwiseBytesPerToken(m, tp);
        if (measured.isPresent()) {
            return measured.getAsDouble() * perToken / elementwiseBytesPerToken(m, 1);
        }
        return tokens * perToken / rates.readBytesPerS();
    }

    private static double elementwiseBytesPerToken(ModelSpec m, int tp) {
        double width = (m.experts() > 0 ? (double) m.moeFfn() * m.expertsPerToken() : m.ffn()) / tp;
        return 20.0 * m.hidden() + 4.0 * (m.heads() + m.kvHeads()) * m.headDim() / tp + 6 * width;
    }

    /** Two all-reduces of the 16-bit hidden state per layer (after attention and after the MLP). */
    private static double allReduces(ModelSpec m, double tokens, int tp, Optional<Interconnect> link) {
        return link.map(l -> 2 * l.allReduceSeconds(tokens * m.hidden() * 2, tp)).orElse(0.0);
    }

    /** Sequences whose KV cache (at its longest) fits beside the weights in {@link #MEMORY_FOR_MODEL} of the devices' memory. */
    long maxBatch(Scenario s) {
        return maxBatch(s, memoryBytes);
    }

    /** {@link #maxBatch(Scenario)} on devices of {@code memoryBytes} each: what a case list can size itself by before anything is measured. */
    public static long maxBatch(Scenario s, long memoryBytes) {
        double free = MEMORY_FOR_MODEL * memoryBytes * s.tp() - s.model().weightBytes(s.weights());
        double perSequence = kvBytesPerToken(s.model(), s) * s.kvTokensPerSequence();
        if (s.speculation().isPresent()) {
            ModelSpec draft = s.speculation().get().draft();
            free -= draft.weightBytes(s.weights());
            perSequence += kvBytesPerToken(draft, s) * s.kvTokensPerSequence();
        }
        return free <= 0 ? 0 : (long) Math.floor(free / perSequence);
    }

    /** KV bytes per token: the cache elements, and for int8 one fp16 scale per token, layer, kv head and tensor. */
    private static double kvBytesPerToken(ModelSpec m, Scenario s) {
        return switch (s.kv()) {
            case FP16 -> m.kvBytesPerToken(2);
            case INT8 -> m.kvBytesPerToken(1) + 2.0 * m.layers() * m.kvHeads() * 2;
        };
    }
}
