package io.tokencost.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tokencost.cost.WeightFormat;
import io.tokencost.estimate.LlmAnalysisExport;
import io.tokencost.results.RunResults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code tokencost export}: a device's measured figures in another estimator's format. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Writes a device's measured figures for another estimator: --format llm-analysis writes its GPU-config JSON "
                + "and prints the efficiency flags to pass with it.")
final class ExportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--format", paramLabel = "FORMAT", required = true, description = "llm-analysis")
    String format;

    @Mixin
    ResultsOption results;

    @Option(names = "--weights", paramLabel = "FORMAT", defaultValue = "fp16", description = "The weight format whose qgemv rows give the memory efficiency (default: ${DEFAULT-VALUE}).")
    String weights;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = ".", description = "Folder for <name>.json and <name>.provenance.txt (default: the current one).")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (!format.equals("llm-analysis")) {
            throw new IllegalArgumentException("unknown export format '" + format + "' (known: llm-analysis)");
        }
        WeightFormat w = WeightFormat.parse(weights);
        RunResults runs = results.load();
        LlmAnalysisExport.Export export = LlmAnalysisExport.of(runs.rows(), w);
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create output folder " + out + ": " + e.getMessage(), e);
        }
        Path config = out.resolve(export.name() + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(config.toFile(), export.gpuConfig());
        // not .json: llm-analysis reads every .json in its gpu_configs folder as a GPU config
        Path provenance = out.resolve(export.name() + ".provenance.txt");
        List<String> lines = new ArrayList<>(export.provenance());
        lines.add("from: " + runs.files());
        lines.add("flags: " + export.flags());
        Files.write(provenance, lines);
        PrintWriter o = spec.commandLine().getOut();
        o.println("wrote " + config + " (copy it into llm_analysis/gpu_configs/) and " + provenance);
        o.println("llm-analysis flags: " + export.flags());
        o.flush();
        return 0;
    }
}
