package io.tokencost.cost;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The models users name with {@code --model}: their config.json files, read by {@link ModelConfig}. */
public final class ModelPresets {

    private static final Map<String, ModelSpec> PRESETS = new LinkedHashMap<>();

    /** The presets' config.json files, as Hugging Face publishes them (the fields ModelConfig reads). */
    private static final List<String> RESOURCES = List.of("Llama-3.1-8B", "Llama-3.1-70B", "Mistral-7B-v0.3", "Mixtral-8x7B", "Qwen3-30B-A3B");

    static {
        for (String name : RESOURCES) {
            String resource = "models/" + name + ".json";
            try (InputStream in = ModelPresets.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("preset " + resource + " is missing from the jar");
                }
                ModelSpec spec = ModelConfig.parse(in, resource, name);
                add(new ModelSpec(name, spec.hidden(), spec.layers(), spec.heads(), spec.kvHeads(), spec.headDim(), spec.ffn(),
                        spec.vocab(), spec.tiedEmbeddings(), spec.experts(), spec.expertsPerToken(), spec.moeFfn()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private ModelPresets() {
    }

    private static void add(ModelSpec spec) {
        PRESETS.put(spec.name().toLowerCase(Locale.ROOT), spec);
    }

    public static List<String> names() {
        return PRESETS.values().stream().map(ModelSpec::name).toList();
    }

    /**
     * The distinct weight shapes (rows x cols) of the named presets' linear layers, in preset and
     * layer order; a shape two presets share (Mistral-7B's and Llama-3.1-8B's) appears once, under
     * the first preset's layer.
     */
    public static List<ModelSpec.Linear> distinctLinearLayers(List<String> models) {
        Map<List<Integer>, ModelSpec.Linear> shapes = new LinkedHashMap<>();
        for (String model : models) {
            for (ModelSpec.Linear layer : byName(model).linearLayers()) {
                shapes.putIfAbsent(List.of(layer.rows(), layer.cols()), layer);
            }
        }
        return List.copyOf(shapes.values());
    }

    /**
     * A preset by name, or a Hugging Face config.json by path (anything ending in .json, or an
     * existing file): what {@code --model} takes.
     */
    public static ModelSpec resolve(String nameOrPath) {
        return isConfigFile(nameOrPath) ? ModelConfig.read(Path.of(nameOrPath)) : byName(nameOrPath);
    }

    private static boolean isConfigFile(String nameOrPath) {
        return nameOrPath.endsWith(".json") || Files.isRegularFile(Path.of(nameOrPath));
    }

    /**
     * The model's name on the Hugging Face hub ({@code meta-llama/Llama-3.1-8B}): its config's
     * {@code _name_or_path}, else the name {@link #resolve} gives it. What simulators key a model by.
     */
    public static String hubName(String nameOrPath) {
        ModelSpec spec = resolve(nameOrPath);
        try (InputStream in = isConfigFile(nameOrPath) ? Files.newInputStream(Path.of(nameOrPath))
                : ModelPresets.class.getResourceAsStream("models/" + spec.name() + ".json")) {
            return in == null ? spec.name() : ModelConfig.nameOrPath(in).orElse(spec.name());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Case-insensitive lookup; unknown names are an IllegalArgumentException listing the presets. */
    public static ModelSpec byName(String name) {
        ModelSpec spec = PRESETS.get(name.toLowerCase(Locale.ROOT));
        if (spec == null) {
            throw new IllegalArgumentException("unknown model '" + name + "' (presets: " + String.join(", ", names()) + ")");
        }
        return spec;
    }
}
