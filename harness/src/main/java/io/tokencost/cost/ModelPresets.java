package io.tokencost.cost;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The models users name with {@code --model}, with their config.json values (GUIDE §2). */
public final class ModelPresets {

    private static final Map<String, ModelSpec> PRESETS = new LinkedHashMap<>();

    static {
        add(new ModelSpec("Llama-3.1-8B", 4096, 32, 32, 8, 128, 14336, 128256, false, 0, 0, 0));
        add(new ModelSpec("Llama-3.1-70B", 8192, 80, 64, 8, 128, 28672, 128256, false, 0, 0, 0));
        add(new ModelSpec("Mistral-7B-v0.3", 4096, 32, 32, 8, 128, 14336, 32768, false, 0, 0, 0));
        add(new ModelSpec("Mixtral-8x7B", 4096, 32, 32, 8, 128, 14336, 32000, false, 8, 2, 14336));
        add(new ModelSpec("Qwen3-30B-A3B", 2048, 48, 32, 4, 128, 6144, 151936, false, 128, 8, 768));
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

    /** Case-insensitive lookup; unknown names are an IllegalArgumentException listing the presets. */
    public static ModelSpec byName(String name) {
        ModelSpec spec = PRESETS.get(name.toLowerCase(Locale.ROOT));
        if (spec == null) {
            throw new IllegalArgumentException("unknown model '" + name + "' (presets: " + String.join(", ", names()) + ")");
        }
        return spec;
    }
}
