package io.tokencost.cli;

import io.tokencost.cost.ModelPresets;
import io.tokencost.cost.WeightFormat;
import io.tokencost.report.Report;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code tokencost report}: one HTML page with PNG charts from one or more runs. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Writes index.html and PNG charts from one or more runs: the roofline, bandwidth per kernel as %% of the ceiling, "
                + "decode attention time vs context, and the estimator's $ per 1M output tokens vs batch and vs context per device.")
final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "RESULTS", arity = "1..*", description = "results.csv files, run folders, or a folder of run folders.")
    List<Path> inputs;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "results/report", description = "Folder for index.html and the charts (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--model", paramLabel = "MODEL", defaultValue = "Llama-3.1-8B", description = "Model for the cost charts (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--weights", paramLabel = "FORMAT", defaultValue = "int4", description = "Weight format for the cost charts (default: ${DEFAULT-VALUE}).")
    String weights;

    /** With several devices, --price-per-hour prices those the catalog lacks (a CPU, say). */
    @Mixin
    PriceOption price;

    @Override
    public Integer call() {
        if (ModuleLayer.boot().findModule("java.desktop").isEmpty()) {
            // the device pack's Java runtime leaves it out (bench/device-pack.sh): a NoClassDefFoundError otherwise
            throw new IllegalStateException("report draws its charts with the java.desktop module, which this Java runtime lacks: run it with a full JDK");
        }
        var target = ModelPresets.resolve(model);
        WeightFormat format = WeightFormat.parse(weights);
        price.check();
        List<Path> files = new ArrayList<>();
        for (Path p : inputs) {
            files.addAll(CompareCommand.expand(p));
        }
        try {
            Path page = Report.write(files, out, target, format, price::fillIn);
            spec.commandLine().getOut().println("wrote " + page + " and " + Report.CHARTS.size() + " charts beside it");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write the report into " + out + ": " + e.getMessage(), e);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
