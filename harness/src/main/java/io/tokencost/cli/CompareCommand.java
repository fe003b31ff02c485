package io.tokencost.cli;

import io.tokencost.compare.Comparison;
import io.tokencost.compare.ComparisonFormats;
import io.tokencost.cost.ModelPresets;
import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.PriceCatalog;
import io.tokencost.cost.WeightFormat;
import io.tokencost.estimate.Estimate;
import io.tokencost.estimate.Estimator;
import io.tokencost.estimate.Scenario;
import io.tokencost.kernels.attentiondecode.AttentionDecode.KvFormat;
import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;
import io.tokencost.results.RunResults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code tokencost compare}: runs side by side against the first, with nvbench-style verdicts. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Joins runs case by case against the first (the baseline): times, ratios and a verdict per case "
                + "(SAME within both runs' noise, else FASTER or SLOWER). Across devices it is a hardware comparison; with --model it "
                + "adds each device's $ per 1M tokens from the estimator.",
                "Exit code 1 when --fail-on-regression finds a case slower than the threshold and its noise."})
final class CompareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "RESULTS", arity = "1..*", description = "results.csv files, run folders, or a folder of run folders (the first run is the baseline).")
    List<Path> inputs;

    @Option(names = "--fail-on-regression", paramLabel = "PCT", description = "Exit 1 when a case is SLOWER than the baseline by more than PCT percent.")
    Double failOnRegression;

    @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the comparison as Markdown (for a pull request).")
    Path markdown;

    @Option(names = "--csv", paramLabel = "FILE", description = "Also write it as CSV, one line per case and run.")
    Path csv;

    @Option(names = "--model", paramLabel = "MODEL", description = "Add each device's TTFT, TPOT and $ per 1M input / output tokens for this model (the estimator on each run's rows).")
    String model;

    @Option(names = "--weights", paramLabel = "FORMAT", defaultValue = "fp16", description = "Weight format for --model (default: ${DEFAULT-VALUE}).")
    String weights;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1", description = "Batch for --model (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() {
        if (failOnRegression != null && !(failOnRegression >= 0 && failOnRegression < 1e6)) {
            throw new IllegalArgumentException("--fail-on-regression takes a percentage >= 0, got " + failOnRegression);
        }
        ModelSpec target = model == null ? null : ModelPresets.resolve(model);
        WeightFormat format = WeightFormat.parse(weights);
        List<Path> files = new ArrayList<>();
        for (Path p : inputs) {
            files.addAll(expand(p));
        }
        Comparison c = Comparison.of(files);
        PrintWriter out = spec.commandLine().getOut();
        ComparisonFormats.printTable(c, out);
        if (target != null) {
            costs(c, target, format, out);
        }
        try {
            if (markdown != null) {
                ComparisonFormats.writeMarkdown(c, markdown);
                out.println("wrote " + markdown);
            }
            if (csv != null) {
                ComparisonFormats.writeCsv(c, csv);
                out.println("wrote " + csv);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write " + e.getMessage(), e);
        }
        int code = 0;
        if (failOnRegression != null) {
            List<Comparison.Case> slower = c.regressions(failOnRegression);
            if (!slower.isEmpty()) {
                out.printf(Locale.ROOT, "REGRESSION: %d case(s) slower than the baseline by more than %s%% and its noise, e.g. %s %s%n", slower.size(),
                        ResultRow.formatNumber(failOnRegression), slower.get(0).key().name(), slower.get(0).key().shape());
                code = Main.EXIT_FAILED;
            }
        }
        out.flush();
        return code;
    }

    /** A results file; a run folder (its results.csv, or an unfinished run's rows); or a folder of run folders, by name (their stamps). */
    static List<Path> expand(Path p) {
        if (Files.isRegularFile(p)) {
            return List.of(p);
        }
        if (!Files.isDirectory(p)) {
            throw new IllegalArgumentException(p + ": no such results file or folder");
        }
        Path own = RunResults.runCsv(p);
        if (Files.isRegularFile(own)) {
            return List.of(own);
        }
        List<Path> runs;
        try {
            runs = RunResults.runFolders(p).stream().map(RunResults::runCsv).filter(Files::isRegularFile).toList();
        } catch (java.io.UncheckedIOException e) {
            throw new IllegalArgumentException(p + ": " + e.getCause().getMessage(), e);
        }
        if (runs.isEmpty()) {
            throw new IllegalArgumentException(p + ": holds no results.csv and no run folders");
        }
        return runs;
    }

    /** Each run's device costed by the estimator for the model: the hardware comparison in $ per token. */
    private void costs(Comparison c, ModelSpec target, WeightFormat format, PrintWriter out) {
        out.printf(Locale.ROOT, "%n%s, %s weights, batch %d, prompt 1024 + output 128 tokens (estimator on each run's rows):%n", target.name(), format.id(), batch);
        out.printf(Locale.ROOT, "  %-4s %-40s %10s %10s %12s %12s  %s%n", "run", "device", "TTFT", "TPOT", "$/1M in", "$/1M out", "price");
        PriceCatalog catalog = PriceCatalog.load();
        for (int i = 0; i < c.runs().size(); i++) {
            Comparison.Run run = c.runs().get(i);
            List<ResultRow> rows = new ArrayList<>(run.rows().values());
            String device = rows.get(0).get(Column.DEVICE_NAME);
            var price = catalog.lookup(io.tokencost.cost.Hardware.of(rows.get(0)));
            Estimate e = Estimator.forRows(rows, price).estimate(
                    Scenario.plain(target, format, KvFormat.FP16, 1024, 128, batch, Scenario.averageContext(1024, 128), 1));
            out.printf(Locale.ROOT, "  %-4s %-40s %10s %10s %12s %12s  %s%n", i == 0 ? "base" : Integer.toString(i), device,
                    seconds(e.ttftS()), seconds(e.tpotS()), usd(e.usdPer1mInput()), usd(e.usdPer1mOutput()),
                    price.map(p -> p.perHour() + ", " + p.source()).orElse("no catalog price"));
        }
    }

    private static String seconds(double s) {
        return Double.isNaN(s) ? "-" : io.tokencost.results.TablePrinter.seconds(s);
    }

    private static String usd(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }
}
