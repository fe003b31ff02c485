package io.tokencost.cost;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hugging Face config.json files into ModelSpecs: the presets, defaults, MoE fields, and every way a config can be wrong. */
class ModelConfigTest {

    @TempDir
    Path dir;

    static ModelSpec parse(String json) throws IOException {
        return ModelConfig.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "config.json", "fallback");
    }

    static final String LLAMA = """
            {"_name_or_path": "meta-llama/Llama-3.1-8B", "hidden_size": 4096, "num_hidden_layers": 32,
             "num_attention_heads": 32, "num_key_value_heads": 8, "intermediate_size": 14336, "vocab_size": 128256,
             "rope_theta": 500000.0, "tie_word_embeddings": false}""";

    @Test
    void aLlamaConfigMatchesItsPreset() throws IOException {
        ModelSpec m = parse(LLAMA);
        ModelSpec preset = ModelPresets.byName("Llama-3.1-8B");
        assertEquals("Llama-3.1-8B", m.name());
        assertEquals(128, m.headDim(), "head_dim defaults to hidden / heads");
        assertEquals(preset.parameterCount(), m.parameterCount());
        assertEquals(preset.kvBytesPerToken(2), m.kvBytesPerToken(2));
        // every weight at 16 bits: twice the parameters
        assertEquals(2.0 * m.parameterCount(), m.weightBytes(WeightFormat.BF16), 1);
        assertTrue(m.weightBytes(WeightFormat.INT4_G128) < m.weightBytes(WeightFormat.INT8));
    }

    @Test
    void defaultsAndMoeFields() throws IOException {
        ModelSpec mha = parse("""
                {"hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 3072,
                 "vocab_size": 50257, "tie_word_embeddings": true}""");
        assertEquals("fallback", mha.name());
        assertEquals(12, mha.kvHeads(), "no num_key_value_heads: multi-head attention");
        assertTrue(mha.tiedEmbeddings());
        ModelSpec qwen = parse("""
                {"hidden_size": 2048, "num_hidden_layers": 48, "num_attention_heads": 32, "num_key_value_heads": 4,
                 "head_dim": 128, "intermediate_size": 6144, "moe_intermediate_size": 768, "num_experts": 128,
                 "num_experts_per_tok": 8, "vocab_size": 151936}""");
        assertEquals(128, qwen.experts());
        assertEquals(768, qwen.moeFfn());
        assertEquals(ModelPresets.byName("Qwen3-30B-A3B").activeParameterCount(), qwen.activeParameterCount());
        ModelSpec mixtral = parse("""
                {"hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
                 "intermediate_size": 14336, "num_local_experts": 8, "num_experts_per_tok": 2, "vocab_size": 32000}""");
        assertEquals(14336, mixtral.moeFfn(), "Mixtral's experts are intermediate_size wide");
        // stored: all 8 experts; streamed per token: 2 of them
        assertTrue(mixtral.weightBytes(WeightFormat.BF16) > 3 * mixtral.decodeWeightBytesPerToken(WeightFormat.BF16));
    }

    @Test
    void aWrongConfigNamesTheField() {
        assertMessage("missing field 'hidden_size'", LLAMA.replace("\"hidden_size\": 4096,", ""));
        assertMessage("field 'num_hidden_layers' must be a positive whole number, got \"32\"", LLAMA.replace("\"num_hidden_layers\": 32", "\"num_hidden_layers\": \"32\""));
        assertMessage("field 'vocab_size' must be a positive whole number, got -1", LLAMA.replace("128256", "-1"));
        assertMessage("field 'intermediate_size' must be a positive whole number, got 14336.5", LLAMA.replace("14336", "14336.5"));
        assertMessage("'num_key_value_heads' (7) must divide", LLAMA.replace("\"num_key_value_heads\": 8", "\"num_key_value_heads\": 7"));
        assertMessage("'tie_word_embeddings' must be true or false", LLAMA.replace("\"tie_word_embeddings\": false", "\"tie_word_embeddings\": \"no\""));
        assertMessage("missing field 'num_experts_per_tok'", LLAMA.replace("\"vocab_size\"", "\"num_local_experts\": 8, \"vocab_size\""));
        assertMessage("exceeds 'num_experts'", LLAMA.replace("\"vocab_size\"", "\"num_experts\": 2, \"num_experts_per_tok\": 4, \"vocab_size\""));
        assertMessage("not valid JSON", "{\"hidden_size\": ");
        assertMessage("holds a JSON object", "[1, 2]");
    }

    private static void assertMessage(String fragment, String json) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(json));
        assertTrue(e.getMessage().startsWith("config.json: "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' lacks '" + fragment + "'");
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void everyPresetAlsoLoadsFromItsConfigFileAndQwenKeepsItsHeadDim() throws IOException {
        for (String name : ModelPresets.names()) {
            Path file = dir.resolve(name).resolve("config.json");
            Files.createDirectories(file.getParent());
            try (var in = ModelPresets.class.getResourceAsStream("models/" + name + ".json")) {
                Files.copy(in, file);
            }
            ModelSpec fromFile = ModelPresets.resolve(file.toString());
            ModelSpec preset = ModelPresets.byName(name);
            assertEquals(preset.parameterCount(), fromFile.parameterCount(), name);
            assertEquals(preset.kvBytesPerToken(2), fromFile.kvBytesPerToken(2), name);
            assertEquals(preset.linearLayers(), fromFile.linearLayers(), name);
        }
        ModelSpec qwen = ModelPresets.byName("Qwen3-30B-A3B");
        assertEquals(128, qwen.headDim(), "from the config's head_dim");
        assertEquals(64, qwen.hidden() / qwen.heads(), "not hidden / heads");
        assertEquals(2L * 48 * 4 * 128 * 2, qwen.kvBytesPerToken(2));
    }

    @Test
    void resolveTakesAPresetOrAFile() throws IOException {
        Path file = dir.resolve("my-model").resolve("config.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, LLAMA.replace("\"_name_or_path\": \"meta-llama/Llama-3.1-8B\", ", ""));
        assertEquals("my-model", ModelPresets.resolve(file.toString()).name(), "named by its folder");
        assertEquals("Mixtral-8x7B", ModelPresets.resolve("mixtral-8x7b").name());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> ModelPresets.resolve(dir.resolve("none.json").toString()));
        assertTrue(missing.getMessage().endsWith("none.json: no such file"), missing.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> ModelPresets.resolve("gpt-5"));
        assertTrue(unknown.getMessage().contains("Qwen3-30B-A3B"), "lists the presets: " + unknown.getMessage());
    }
}
