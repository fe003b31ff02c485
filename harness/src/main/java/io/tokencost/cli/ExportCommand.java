package io.tokencost.cli;

import io.tokencost.cost.WeightFormat;
import io.tokencost.export.ExportFormats;
import io.tokencost.export.ExportOptions;
import io.tokencost.export.SimulatorFormat;
import io.tokencost.results.RunResults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code tokencost export}: a device's measured rows in another estimator's or simulator's format ({@link ExportFormats}). */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Writes a device's measured rows for another estimator or simulator. --format llm-analysis: its GPU-config JSON and the "
                + "efficiency flags to pass with it; aiconfigurator: a system file and its GEMM and attention tables; vidur: a model's "
                + "mlp.csv and attention.csv (measure them with run --suite ops-grid --model M). Each folder has a README saying how to use it.")
final class ExportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--format", paramLabel = "FORMAT", required = true, description = "llm-analysis, aiconfigurator or vidur")
    String format;

    @Mixin
    ResultsOption results;

    @Option(names = "--weights", paramLabel = "FORMAT", defaultValue = "fp16",
            description = "llm-analysis: the weight format whose qgemv rows give the memory efficiency (default: ${DEFAULT-VALUE}).")
    String weights;

    @Option(names = "--system", paramLabel = "NAME",
            description = "The name the target knows the device by: AIConfigurator's system, Vidur's device (default: from the device's name).")
    String system;

    @Option(names = "--model", paramLabel = "MODEL", description = "vidur: the model whose tables to write, a preset name or a config.json.")
    String model;

    @Option(names = "--framework", paramLabel = "NAME", defaultValue = "vllm",
            description = "aiconfigurator: the backend folder its database reads, vllm, sglang or trtllm (default: ${DEFAULT-VALUE}).")
    String framework;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = ".", description = "Folder to write into (default: the current one).")
    Path out;

    @Override
    public Integer call() throws IOException {
        SimulatorFormat target = ExportFormats.byId(format);
        RunResults runs = results.load();
        ExportOptions options = new ExportOptions(WeightFormat.parse(weights), system, model, framework, runs.files().toString());
        SimulatorFormat.Written written = target.write(runs.rows(), options, out);
        PrintWriter o = spec.commandLine().getOut();
        if (model != null && !format.equals("vidur")) {
            o.println("note: --model is read by --format vidur only");
        }
        written.messages().forEach(o::println);
        o.flush();
        return 0;
    }
}
