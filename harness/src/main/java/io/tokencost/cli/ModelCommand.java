package io.tokencost.cli;

import io.tokencost.cost.ModelPresets;
import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.WeightFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code tokencost model}: a model's shape and what follows from it: parameters, weight bytes, KV bytes. */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Prints a model's shape and what follows from it: parameters (total and active per token), "
                + "weight bytes per format, bytes a decode step streams, KV-cache bytes per token.")
final class ModelCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL", arity = "0..*",
            description = "A preset name or a Hugging Face config.json (default: every preset).")
    List<String> models;

    @Override
    public Integer call() {
        List<ModelSpec> specs = models == null || models.isEmpty()
                ? ModelPresets.names().stream().map(ModelPresets::byName).toList()
                : models.stream().map(ModelPresets::resolve).toList();   // every name checked before printing
        PrintWriter out = spec.commandLine().getOut();
        for (ModelSpec m : specs) {
            out.printf(Locale.ROOT, "%s: hidden %d, %d layers, %d q / %d kv heads x %d, ffn %d%s, vocab %d%s%n", m.name(), m.hidden(),
                    m.layers(), m.heads(), m.kvHeads(), m.headDim(), m.ffn(),
                    m.experts() > 0 ? String.format(Locale.ROOT, ", %d experts (top %d) of width %d", m.experts(), m.expertsPerToken(), m.moeFfn()) : "",
                    m.vocab(), m.tiedEmbeddings() ? ", tied embeddings" : "");
            out.printf(Locale.ROOT, "  parameters %.2f B, active per token %.2f B%n", m.parameterCount() / 1e9, m.activeParameterCount() / 1e9);
            out.printf(Locale.ROOT, "  %-10s %14s %22s%n", "weights", "stored GB", "decode GB/token (b=1)");
            for (WeightFormat f : List.of(WeightFormat.BF16, WeightFormat.INT8, WeightFormat.INT4_G128)) {
                out.printf(Locale.ROOT, "  %-10s %14.2f %22.2f%n", f == WeightFormat.BF16 ? "fp16/bf16" : f.id(), m.weightBytes(f) / 1e9,
                        m.decodeWeightBytesPerToken(f) / 1e9);
            }
            out.printf(Locale.ROOT, "  KV cache per token of context: %d bytes fp16, %d bytes int8 (+ scales)%n%n", m.kvBytesPerToken(2),
                    m.kvBytesPerToken(1));
        }
        out.flush();
        return 0;
    }
}
