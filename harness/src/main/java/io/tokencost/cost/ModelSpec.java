package io.tokencost.cost;

/**
 * A transformer's shape, as its config.json gives it. Dense models have {@code experts == 0}; MoE
 * models route each token to {@code expertsPerToken} of {@code experts} MLPs of width {@code moeFfn}.
 * Linear layers are stored as out x in matrices (rows = output features).
 */
public record ModelSpec(String name, int hidden, int layers, int heads, int kvHeads, int headDim, int ffn,
                        int vocab, boolean tiedEmbeddings, int experts, int expertsPerToken, int moeFfn) {

    public ModelSpec {
        if (hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || headDim <= 0 || vocab <= 0) {
            throw new IllegalArgumentException("model " + name + ": sizes must be positive");
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("model " + name + ": heads " + heads + " not a multiple of kv heads " + kvHeads);
        }
    }

    /**
     * A linear layer as the kernels run it: {@code rows} (output features) x {@code cols} (input
     * features), {@code perToken} times per layer per token (MoE: the experts a token touches).
     */
    public record Linear(String name, int rows, int cols, int perToken) {
    }

    /** The linear layers of one transformer layer, q/k/v and gate/up fused as serving engines run them. */
    public java.util.List<Linear> linearLayers() {
        int width = (int) expertWidth();
        int active = experts > 0 ? expertsPerToken : 1;
        return java.util.List.of(
                new Linear("qkv", (heads + 2 * kvHeads) * headDim, hidden, 1),
                new Linear("o", hidden, heads * headDim, 1),
                new Linear("gate_up", 2 * width, hidden, active),
                new Linear("down", hidden, width, active));
    }

    /** Whether a layer of {@link #linearLayers()} is an expert's (an MoE model's gate_up and down). */
    public boolean isExpert(Linear l) {
        return experts > 0 && (l.name().equals("gate_up") || l.name().equals("down"));
    }

    /**
     * The experts {@code tokens} tokens touch on average when each picks its top k uniformly at
     * random: E·(1 − (1 − k/E)^tokens). 1 for a dense model.
     */
    public double expectedExpertsTouched(double tokens) {
        if (experts == 0) {
            return 1;
        }
        double e = experts;
        return e * (1 - Math.pow(1 - expertsPerToken / e, tokens));
    }

    /** The rows a touched expert gets on average from {@code tokens} tokens: tokens·k / {@link #expectedExpertsTouched}. */
    public double rowsPerExpert(double tokens) {
        return tokens * expertsPerToken / expectedExpertsTouched(tokens);
    }

    private long attentionParams() {
        long q = (long) heads * headDim * hidden;
        long kv = 2L * kvHeads * headDim * hidden;
        long o = (long) hidden * heads * headDim;
        return q + kv + o;
    }

    private long mlpParams(int width) {
        return 3L * hidden * width; // gate, up, down
    }

    private long expertWidth() {
        return experts > 0 ? moeFfn : ffn;
    }

    private long routerParams() {
        return experts > 0 ? (long) experts * hidden : 0;
    }

    /** Every parameter: embeddings, LM head (unless tied), attention, MLPs (all experts), norms. */
    public long parameterCount() {
        long perLayer = attentionParams() + routerParams() + 2L * hidden
                + (experts > 0 ? experts * mlpParams((int) expertWidth()) : mlpParams(ffn));
        return embeddingParams() * (tiedEmbeddings ? 1 : 2) + layers * perLayer + hidden;
    }

    /** Parameters a single token touches: only its top-k experts' MLPs. */
    public long activeParameterCount() {
        long perLayer = attentionParams() + routerParams() + 2L * hidden
                + (experts > 0 ? (long) expertsPerToken * mlpParams((int) expertWidth()) : mlpParams(ffn));
        return embeddingParams() * (tiedEmbeddings ? 1 : 2) + layers * perLayer + hidden;
    }

    private long embeddingParams() {
        return (long) vocab * hidden;
    }

    /**
     * Weight bytes one decode step at batch 1 streams from memory: every linear layer a token touches
     * in {@code format}, the LM head and norms at 16 bits. The input embedding is not streamed (one
     * row is read), unless it is tied to the LM head, which is streamed anyway.
     */
    public double decodeWeightBytesPerToken(WeightFormat format) {
        double linear = 0;
        for (Linear l : linearLayers()) {
            linear += l.perToken() * format.matrixBytes(l.rows(), l.cols());
        }
        double router = routerParams() * 2.0;
        double norms = 2.0 * (2L * hidden);
        double perLayer = linear + router + norms;
        double lmHead = embeddingParams() * 2.0;
        return layers * perLayer + lmHead + hidden * 2.0;
    }

    /**
     * Bytes of all the weights stored in {@code format}: every linear layer (every expert) in the
     * format; embeddings, LM head (unless tied), routers and norms at 16 bits. The memory they take.
     */
    public double weightBytes(WeightFormat format) {
        int width = (int) expertWidth();
        int mlps = experts > 0 ? experts : 1;
        double linear = 0;
        for (Linear l : linearLayers()) {
            // linearLayers() counts the experts a token touches; storage holds every expert
            int copies = isExpert(l) ? mlps : 1;
            linear += copies * format.matrixBytes(l.rows(), l.cols());
        }
        double perLayer = linear + routerParams() * 2.0 + 2.0 * (2L * hidden);
        return layers * perLayer + embeddingParams() * 2.0 * (tiedEmbeddings ? 1 : 2) + hidden * 2.0;
    }

    /** KV-cache bytes per token of context: 2 (K and V) x layers x kv_heads x head_dim x bytes. */
    public long kvBytesPerToken(int bytesPerElement) {
        return 2L * layers * kvHeads * headDim * bytesPerElement;
    }
}
