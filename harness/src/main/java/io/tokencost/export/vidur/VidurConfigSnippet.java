package io.tokencost.export.vidur;

import io.tokencost.cost.ModelSpec;
import io.tokencost.export.ExportFiles;
import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;

import java.util.List;
import java.util.Locale;

/**
 * The Python a Vidur checkout needs for a device or model it does not know: Vidur finds a model by
 * its config class's {@code get_name()} and a device by a {@code DeviceSKUType} member whose
 * lower-cased name is the profile folder's.
 */
final class VidurConfigSnippet {

    /** Vidur's DeviceSKUType members, lower-cased. */
    static final List<String> KNOWN_DEVICES = List.of("a40", "a100", "h100");

    private VidurConfigSnippet() {
    }

    static String text(ModelSpec m, String hubName, String device, List<ResultRow> rows) {
        String member = device.toUpperCase(Locale.ROOT);
        String deviceClass = "Tokencost" + pythonName(device) + "DeviceSKUConfig";
        String modelClass = "Tokencost" + pythonName(hubName.replaceFirst(".*/", "")) + "ModelConfig";
        double flops = ExportFiles.best16BitGemmFlops(rows);
        double memory = rows.get(0).number(Column.MEMORY_BYTES);
        StringBuilder p = new StringBuilder();
        p.append("# Written by tokencost for Vidur 0.0.1. Paste each part into the file its comment names;\n");
        p.append("# skip the model if vidur/config/model_config.py already has a class whose get_name() returns its name.\n\n");
        if (KNOWN_DEVICES.contains(device)) {
            p.append("# ").append(device).append(" is one of Vidur's devices: nothing to add for it.\n\n");
        } else {
            p.append("# vidur/types/device_sku_type.py, in class DeviceSKUType (the next free number):\n");
            p.append("#     ").append(member).append(" = <n>\n\n");
            p.append("# vidur/config/device_sku_config.py:\n");
            p.append("@dataclass\nclass ").append(deviceClass).append("(BaseDeviceSKUConfig):\n");
            long tflops = Math.round(flops / 1e12);
            p.append("    fp16_tflops: int = ").append(Math.max(1, tflops)).append(flops <= 0 ? "  # not measured: no 16-bit gemm row (run --suite gemm)\n"
                    : tflops < 1 ? String.format(Locale.ROOT, "  # measured %.2f TFLOP/s (the best 16-bit gemm row), under the field's 1\n", flops / 1e12)
                    : "  # measured: the best 16-bit gemm row\n");
            p.append("    total_memory_gb: int = ").append(memory > 0 ? Math.round(memory / (1L << 30)) + "\n\n" : "0  # not known: fill in\n\n");
            p.append("    @staticmethod\n    def get_type():\n        return DeviceSKUType.").append(member).append("\n\n\n");
        }
        p.append("# vidur/config/model_config.py (a Llama-style layer: gated SiLU MLP, RMSNorm, rotary):\n");
        p.append("@dataclass\nclass ").append(modelClass).append("(Llama2ModelConfig):\n");
        p.append("    num_layers: int = ").append(m.layers()).append('\n');
        p.append("    num_q_heads: int = ").append(m.heads()).append('\n');
        p.append("    num_kv_heads: int = ").append(m.kvHeads()).append('\n');
        p.append("    embedding_dim: int = ").append(m.hidden()).append('\n');
        p.append("    mlp_hidden_dim: int = ").append(m.ffn()).append('\n');
        p.append("    vocab_size: int = ").append(m.vocab()).append("\n\n");
        p.append("    @staticmethod\n    def get_name():\n        return \"").append(hubName).append("\"\n");
        return p.toString();
    }

    /** {@code Llama-3.1-8B} → {@code Llama_3_1_8B}: a Python identifier's characters. */
    static String pythonName(String s) {
        String n = s.replaceAll("[^A-Za-z0-9]+", "_").replaceAll("^_+|_+$", "");
        return n.isEmpty() ? "X" : Character.toUpperCase(n.charAt(0)) + n.substring(1);
    }
}
