package io.tokencost.cost;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads a Hugging Face {@code config.json} into a {@link ModelSpec}: hidden_size,
 * num_hidden_layers, num_attention_heads, vocab_size and intermediate_size are required;
 * num_key_value_heads defaults to the attention heads (no GQA), head_dim to hidden / heads,
 * tie_word_embeddings to false. MoE configs give num_local_experts (Mixtral) or num_experts
 * (Qwen-MoE), num_experts_per_tok, and an expert width of moe_intermediate_size when present,
 * else intermediate_size. A missing or invalid field is an IllegalArgumentException naming it.
 */
public final class ModelConfig {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelConfig() {
    }

    /** A config.json file; the model is named by its _name_or_path, else by the file. */
    public static ModelSpec read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            String fallback = file.getFileName().toString().replaceFirst("\\.json$", "");
            if (fallback.equals("config") && file.toAbsolutePath().getParent() != null) {
                fallback = file.toAbsolutePath().getParent().getFileName().toString();
            }
            return parse(in, file.toString(), fallback);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read it (" + e.getMessage() + ")");
        }
    }

    /** The config's {@code _name_or_path} as written (a hub name such as {@code meta-llama/Llama-3.1-8B}), if it has one. */
    static Optional<String> nameOrPath(InputStream in) throws IOException {
        JsonNode root = JSON.readTree(in);
        return root != null && root.hasNonNull("_name_or_path") ? Optional.of(root.get("_name_or_path").asText()) : Optional.empty();
    }

    /** Parses a config; {@code source} names it in errors, {@code fallbackName} names the model when the config does not. */
    public static ModelSpec parse(InputStream in, String source, String fallbackName) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not valid JSON (line " + e.getLocation().getLineNr() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + ": a config.json holds a JSON object");
        }
        String name = root.hasNonNull("_name_or_path") ? root.get("_name_or_path").asText().replaceFirst(".*/", "") : fallbackName;
        int hidden = positive(root, "hidden_size", source);
        int layers = positive(root, "num_hidden_layers", source);
        int heads = positive(root, "num_attention_heads", source);
        int kvHeads = root.has("num_key_value_heads") && !root.get("num_key_value_heads").isNull()
                ? positive(root, "num_key_value_heads", source) : heads;
        int headDim = root.has("head_dim") && !root.get("head_dim").isNull() ? positive(root, "head_dim", source) : hidden / heads;
        int ffn = positive(root, "intermediate_size", source);
        int vocab = positive(root, "vocab_size", source);
        boolean tied = false;
        if (root.has("tie_word_embeddings") && !root.get("tie_word_embeddings").isNull()) {
            JsonNode t = root.get("tie_word_embeddings");
            if (!t.isBoolean()) {
                throw new IllegalArgumentException(source + ": field 'tie_word_embeddings' must be true or false, got " + t);
            }
            tied = t.booleanValue();
        }
        String expertsField = root.hasNonNull("num_local_experts") ? "num_local_experts" : root.hasNonNull("num_experts") ? "num_experts" : null;
        int experts = expertsField == null ? 0 : positive(root, expertsField, source);
        int perToken = 0;
        int moeFfn = 0;
        if (experts > 0) {
            perToken = positive(root, "num_experts_per_tok", source);
            if (perToken > experts) {
                throw new IllegalArgumentException(source + ": field 'num_experts_per_tok' (" + perToken + ") exceeds '" + expertsField + "' (" + experts + ")");
            }
            moeFfn = root.hasNonNull("moe_intermediate_size") ? positive(root, "moe_intermediate_size", source) : ffn;
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException(source + ": field 'num_key_value_heads' (" + kvHeads + ") must divide 'num_attention_heads' (" + heads + ")");
        }
        return new ModelSpec(name, hidden, layers, heads, kvHeads, headDim, ffn, vocab, tied, experts, perToken, moeFfn);
    }

    private static int positive(JsonNode root, String field, String source) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(source + ": missing field '" + field + "'");
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() <= 0) {
            throw new IllegalArgumentException(source + ": field '" + field + "' must be a positive whole number, got " + v);
        }
        return v.intValue();
    }
}
