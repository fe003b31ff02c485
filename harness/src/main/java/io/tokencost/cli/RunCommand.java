package io.tokencost.cli;

import io.tokencost.backend.Backend;
import io.tokencost.backend.DeviceProperties;
import io.tokencost.backend.Session;
import io.tokencost.backend.cpu.CpuInfo;
import io.tokencost.cost.DecodeCeilingSummary;
import io.tokencost.cost.Hardware;
import io.tokencost.cost.ModelPresets;
import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.Price;
import io.tokencost.estimate.CostTable;
import io.tokencost.estimate.Estimator;
import io.tokencost.estimate.MeasuredRates;
import io.tokencost.estimate.StepPrediction;
import io.tokencost.kernels.CheckResult;
import io.tokencost.kernels.qgemv.QGemv;
import io.tokencost.measure.KernelSamples;
import io.tokencost.measure.energy.EnergyMeters;
import io.tokencost.measure.energy.EnergyPerToken;
import io.tokencost.results.CaseKey;
import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;
import io.tokencost.results.Rows;
import io.tokencost.results.RunIdentity;
import io.tokencost.results.RunOutput;
import io.tokencost.results.StoredRun;
import io.tokencost.results.TablePrinter;
import io.tokencost.suite.BenchCase;
import io.tokencost.suite.CostSuite;
import io.tokencost.suite.JmhCaseRunner;
import io.tokencost.suite.Profile;
import io.tokencost.suite.RunExecutor;
import io.tokencost.suite.RunLock;
import io.tokencost.suite.RunPlan;
import io.tokencost.suite.RunStop;
import io.tokencost.suite.Suite;
import io.tokencost.suite.Suites;
import io.tokencost.suite.SweepClock;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Verifies the kernels, measures the suites with JMH, writes results CSV + JSON and prints the measured table.",
                "By default (--suite cost) it measures exactly the rows the estimator needs for one model and prints its answer: TTFT, TPOT, "
                        + "tokens/s and $ per 1M input and output tokens in fp16, int8 and int4_g128. --suite memory prints the decode ceiling instead."})
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    BackendOptions backendOptions = new BackendOptions();

    @Option(names = "--suite", paramLabel = "LIST", defaultValue = "cost", completionCandidates = SuiteIds.class,
            description = "Comma-separated suites: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). "
                    + "Without memory, memory/read runs first: the ceiling for pct_of_measured_bw.")
    String suites;

    /** The registered suites' names, for the help text. */
    static final class SuiteIds implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Suites.all().stream().map(Suite::id).iterator();
        }
    }

    static final class ProfileChoice {
        @Option(names = "--quick", description = "Short sweep (default): the CPU suite in about two minutes.")
        boolean quick;
        @Option(names = "--full", description = "All sizes, more iterations.")
        boolean full;
    }

    @ArgGroup(exclusive = true)
    ProfileChoice profileChoice;

    @Option(names = "--out", paramLabel = "DIR", description = "Folder for results.csv and samples.json (default: results/runs/<stamp>-<host>-<device>).")
    Path out;

    @Mixin
    PriceOption price;

    @Option(names = "--model", paramLabel = "MODEL", defaultValue = "Llama-3.1-8B", description = "Model whose shapes the cost suite measures and whose cost the run prints: a preset or a Hugging Face config.json (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--working-set", paramLabel = "SIZE", description = "Override the working-set size of the memory and qgemv cases and the KV-cache rotation of attention "
            + "(e.g. 64MiB); rows below 4x the last-level cache are labelled warm. gemm and prefill shapes are fixed.")
    String workingSet;

    @Option(names = "--grid-intensity", paramLabel = "G_PER_KWH", description = "Grid carbon intensity (g CO2e per kWh) for the decode and prefill suites' emissions per 1M tokens.")
    Double gridIntensity;

    @Option(names = "--without-kernel-rows", description = "With decode or prefill: do not also measure the kernel rows the estimator's prediction "
            + "reads (the qgemv, gemm and attention suites; prefill: the GEMM and dequantisation at the model's own shapes); faster, "
            + "but the prediction falls back to the read ceiling and nearby shapes.")
    boolean withoutKernelRows;

    @Option(names = "--forks", paramLabel = "N", defaultValue = "1", description = "JMH forks per case; 0 runs in this JVM (default: ${DEFAULT-VALUE}).")
    int forks;

    @Option(names = "--passes", paramLabel = "N", defaultValue = "1", description = "Measure the cases in N passes over the list, each case's "
            + "measurement iterations shared among them (rounded up), so that each row pools samples from N moments of the run: for a machine "
            + "whose speed drifts (a VM's neighbours), which otherwise meets a row and the step predicted from it in different phases. Each pass "
            + "forks, sets up and warms up again; rows are written in the last pass, from every pass (default: ${DEFAULT-VALUE}).")
    int passes;

    @Option(names = "--case-timeout", paramLabel = "SECONDS", defaultValue = "600", description = "The watchdog: a case's fork that ends no "
            + "iteration for this long (or 20 times its slowest iteration, if longer) is killed, the case recorded as timed out, and the run goes on "
            + "with the next (default: ${DEFAULT-VALUE}).")
    double caseTimeout;

    @Option(names = "--resume", paramLabel = "DIR", description = "Completes the run in DIR that stopped before its last case (a signal, "
            + "a crash, failed cases): measures only the cases it lacks, into DIR, on the same device and build. Give the options DIR was run "
            + "with (a different one is refused, named).")
    Path resume;

    @Override
    public Integer call() throws Exception {
        // validate every input before anything is measured
        List<Suite> asked = Suites.parse(suites);
        List<Suite> chosen = RunPlan.suites(asked, !withoutKernelRows);
        ModelSpec modelSpec = ModelPresets.resolve(model);
        Profile profile = profileChoice != null && profileChoice.full ? Profile.FULL : Profile.QUICK;
        price.check();
        checkRanges();
        long override = workingSet == null ? 0 : ByteSize.parse("--working-set", workingSet);
        Backend backend = backendOptions.resolve();
        PrintWriter stdout = spec.commandLine().getOut();
        TablePrinter table = new TablePrinter(stdout);

        DeviceProperties device;
        double nominalClock;
        Map<String, CheckResult> checks = new HashMap<>();
        try (Session session = backend.open(backendOptions.device)) {
            device = session.device();
            nominalClock = session.nominalClockMhz();
            String image = device.details().getOrDefault(DeviceProperties.KERNEL_IMAGE, "");
            stdout.println("tokencost " + RunIdentity.currentHarnessVersion() + " on " + backend.id() + ":" + device.index() + " (" + device.name() + ")"
                    + (image.isEmpty() ? "" : ", kernels: " + image));
            if (chosen.size() > asked.size()) {
                stdout.println("also measuring " + chosen.stream().filter(x -> !asked.contains(x)).map(Suite::id).collect(Collectors.joining(", "))
                        + ": the estimator's prediction of the model's steps reads their rows (--without-kernel-rows skips them)");
            }
            stdout.println("verifying kernels on fresh random inputs...");
            for (CheckResult r : VerifyCommand.verifyAll(session)) {
                checks.put(r.key(), r);
                if (!r.passed()) {
                    stdout.printf(Locale.ROOT, "  %s/%s FAILED verification (%s): it will not be measured%n", r.family(), r.kernel(),
                            r.failure() != null ? r.failure() : String.format(Locale.ROOT, "max rel error %.3g", r.maxRelError()));
                }
            }
        }
        // the upper bound needs the device's memory
        if (workingSet != null && (override < 4096 || (device.memoryBytes() > 0 && override > device.memoryBytes() / 2))) {
            throw new IllegalArgumentException("--working-set must be between 4KiB and half the device memory (" + (device.memoryBytes() >> 20) + " MiB), got " + workingSet);
        }
        RunPlan plan = RunPlan.of(asked, !withoutKernelRows, profile, device, modelSpec, model, override);
        plan.notes().forEach(stdout::println);

        Map<String, String> options = options(profile, backend.id());
        StoredRun earlier = resumable(plan, options, device);
        RunIdentity identity = earlier == null ? RunIdentity.create(device) : RunIdentity.continuing(earlier.identity(), device);
        Path dir = earlier != null ? resume : out != null ? out : Path.of("results", "runs", identity.directoryName());
        RunPlan measured = earlier == null ? plan : plan.only(earlier.missingCases());
        int failures;
        try (RunLock lock = RunLock.acquire(device, Path.of(System.getProperty("java.io.tmpdir")), stdout);
             RunOutput output = earlier == null ? new RunOutput(dir, identity) : RunOutput.resume(earlier);
             RunStop stop = RunStop.onSignals(Main.EXIT_STOPPED)) {
            output.planned(plan.labels(), options);
            JmhCaseRunner jmh = new JmhCaseRunner(plan.timing(), forks, passes, dir.resolve("jmh.log"), CpuInfo.physicalMemory(), caseTimeout);
            stdout.println((earlier == null ? "measuring " + plan.cases().size() + " cases ("
                    : "resuming " + dir + ": measuring the " + measured.cases().size() + " of " + plan.cases().size() + " cases it lacks (")
                    + plan.timing().name().toLowerCase(Locale.ROOT)
                    + (passes > 1 ? ", in " + passes + " passes; rows print in the last" : "") + "), JMH log: " + dir.resolve("jmh.log"));
            Printer printer = new Printer(stdout, spec.commandLine().getErr(), table, passes, Printer.stderrIsATerminal());
            RunExecutor.Result result = RunExecutor.execute(measured, checks, passes, (c, min) -> jmh.run(c, backend.id(), device.index(), min), identity,
                    nominalClock, output.earlierRows(), sink(output), printer, stop);
            printer.done();
            failures = result.failures();
            List<ResultRow> rows = new ArrayList<>(output.earlierRows());
            rows.addAll(result.rows());
            if (result.stoppedBy() != null) {
                return stopped(result.stoppedBy(), plan, rows, output, stdout);
            }
            summarise(plan, modelSpec, rows, result, earlier != null, output, table, identity, backend.id());
            output.finish();
        }
        stdout.println();
        stdout.println("results: " + dir.resolve(RunOutput.CSV) + " and " + dir.resolve(RunOutput.JSON));
        stdout.flush();
        return failures == 0 ? 0 : Main.EXIT_FAILED;
    }

    /** The numeric options within their ranges, before anything is measured. */
    private void checkRanges() {
        if (gridIntensity != null && !(gridIntensity >= 0 && gridIntensity < 5000)) {
            throw new IllegalArgumentException("--grid-intensity takes g CO2e per kWh in 0..5000, got " + gridIntensity);
        }
        if (forks < 0 || forks > 10) {
            throw new IllegalArgumentException("--forks must be 0..10, got " + forks);
        }
        if (passes < 1 || passes > 10) {
            throw new IllegalArgumentException("--passes must be 1..10, got " + passes);
        }
        if (!(caseTimeout >= 1 && caseTimeout <= 86_400)) {
            throw new IllegalArgumentException("--case-timeout takes seconds in 1..86400, got " + caseTimeout);
        }
    }

    /** The run folder {@code --resume} names, when it may be taken up by this run (else a one-line refusal); null without --resume. */
    private StoredRun resumable(RunPlan plan, Map<String, String> options, DeviceProperties device) {
        if (resume == null) {
            return null;
        }
        if (out != null) {
            throw new IllegalArgumentException("--resume writes into the run's own folder: leave out --out");
        }
        StoredRun earlier = StoredRun.readToResume(resume);
        Optional<String> refusal = earlier.whyNotResumable(RunIdentity.continuing(earlier.identity(), device), options, plan.labels());
        if (refusal.isPresent()) {
            throw new IllegalArgumentException("cannot resume: " + refusal.get());
        }
        return earlier;
    }

    /** After the sweep: the cost table (or the decode ceiling), and the model steps against their prediction. */
    private void summarise(RunPlan plan, ModelSpec modelSpec, List<ResultRow> rows, RunExecutor.Result result, boolean resumed, RunOutput output,
                           TablePrinter table, RunIdentity identity, String backendId) {
        DeviceProperties device = identity.device();
        if (plan.costsTheModel()) {
            costTable(modelSpec, rows, output, table, device);
        } else {
            costSummary(identity, modelSpec, rows, output, table, device);
        }
        // each pass alone only for a run measured in one part: a resumed part's passes lack the earlier part's rows
        modelSummary(modelSpec, rows, resumed ? List.of() : result.passRows(), result.raws(), output, table, backendId, device);
    }

    /** The run's files as the sweep's sink: rows with their samples, and each case without a row with why. */
    private static RunExecutor.RowSink sink(RunOutput output) {
        return new RunExecutor.RowSink() {
            @Override
            public void append(ResultRow row, Map<String, Object> rawSamples) {
                output.append(row, rawSamples);
            }

            @Override
            public void failed(String caseLabel, String reason) {
                output.failed(caseLabel, reason);
            }
        };
    }

    /** The options that choose the cases and how they are timed: recorded with the run, and what a resumed part must repeat. */
    private Map<String, String> options(Profile profile, String backendId) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("backend", backendId);
        options.put("device", Integer.toString(backendOptions.device));
        options.put("suite", suites);
        options.put("profile", profile == Profile.FULL ? "full" : "quick");
        options.put("model", model);
        options.put("working-set", workingSet == null ? "" : workingSet);
        options.put("without-kernel-rows", withoutKernelRows ? "yes" : "");
        options.put("forks", Integer.toString(forks));
        options.put("passes", Integer.toString(passes));
        return options;
    }

    /** A stopped sweep: the finished rows written, the run marked incomplete with the cases it lacks, and how to finish it. */
    private static int stopped(String signal, RunPlan plan, List<ResultRow> rows, RunOutput output, PrintWriter stdout) {
        Set<String> measured = rows.stream().map(r -> CaseKey.of(r).label()).collect(Collectors.toSet());
        List<String> missing = plan.labels().stream().filter(l -> !measured.contains(l)).toList();
        String reason = "stopped by " + signal + " after " + (plan.cases().size() - missing.size()) + " of " + plan.cases().size() + " cases";
        output.finishIncomplete(signal, reason, missing);
        stdout.println();
        stdout.println(reason + ": " + output.dir() + " holds the finished ones (" + RunOutput.CSV + ", " + RunOutput.JSON + ", marked incomplete)");
        stdout.println("to measure the other " + missing.size() + ": tokencost run --resume " + output.dir() + " with the same options");
        stdout.flush();
        return Main.EXIT_STOPPED;
    }

    /**
     * Prints the run's progress: rows as they finish (in the last pass), a pass's samples before it,
     * failures on stdout; before each case, on stderr, which case of how many, the time elapsed and
     * the time left: one line that updates itself on a terminal, a line per case elsewhere (CI,
     * Slurm logs), so that stdout stays the table.
     */
    private static final class Printer implements RunExecutor.Progress {

        /** Erases the terminal's current line (ANSI: carriage return, erase to the end of the line). */
        private static final String ERASE = "\r\033[K";
        /** The updating line stays within a narrow terminal's width, so that it never wraps. */
        private static final int TERMINAL_WIDTH = 79;

        private final PrintWriter out;
        private final PrintWriter err;
        private final TablePrinter table;
        private final int passes;
        private final boolean terminal;
        private boolean lineShown;

        Printer(PrintWriter out, PrintWriter err, TablePrinter table, int passes, boolean terminal) {
            this.out = out;
            this.err = err;
            this.table = table;
            this.passes = passes;
            this.terminal = terminal;
        }

        /** As the launcher found stderr ({@code [ -t 2 ]}); the bare jar: whether this JVM has a console (stdin and stdout are terminals). */
        static boolean stderrIsATerminal() {
            String launcher = System.getenv("TOKENCOST_STDERR_TERMINAL");
            return launcher != null ? launcher.equals("1") : System.console() != null;
        }

        /** {@code [3/52] qgemv/qgemv fp16 n=4096 k=4096 batch=1 · 1m 20s elapsed · about 3m 10s left}. */
        static String progressLine(BenchCase c, int pass, int passes, int step, SweepClock clock) {
            return "[" + step + "/" + clock.steps() + "] " + c.label() + (passes > 1 ? " (pass " + pass + ")" : "") + " · "
                    + SweepClock.duration(clock.elapsedSeconds()) + " elapsed"
                    + (clock.remainingSeconds().isPresent() ? " · about " + SweepClock.duration(clock.remainingSeconds().getAsDouble()) + " left" : "");
        }

        @Override
        public void starting(BenchCase c, int pass, int step, SweepClock clock) {
            String line = progressLine(c, pass, passes, step, clock);
            if (terminal) {
                err.print(ERASE + (line.length() > TERMINAL_WIDTH ? line.substring(0, TERMINAL_WIDTH - 1) + "…" : line));
                lineShown = true;
            } else {
                err.println(line);
            }
            err.flush();
        }

        /** The progress line goes before anything else is printed on the terminal. */
        private void erase() {
            if (lineShown) {
                err.print(ERASE);
                err.flush();
                lineShown = false;
            }
        }

        @Override
        public void notVerified(BenchCase c) {
            erase();
            out.println(c.label() + ": not measured, the kernel did not pass verification");
        }

        @Override
        public void passStarted(int pass, int of) {
            erase();
            if (of > 1) {
                out.println("pass " + pass + " of " + of);
            }
            if (pass == of) {
                table.measuredHeader();
            }
        }

        @Override
        public void sampled(BenchCase c, int samples, int pass) {
            erase();
            out.println(c.label() + ": " + samples + " samples in pass " + pass);
            out.flush();
        }

        @Override
        public void measured(ResultRow row) {
            erase();
            table.measured(row);
            out.flush();
        }

        @Override
        public void failed(BenchCase c, int pass, String reason) {
            erase();
            out.println(c.label() + ": FAILED" + (passes > 1 ? " in pass " + pass : "") + ": " + reason);
            out.flush();
        }

        /** The sweep has ended: no progress line left behind. */
        void done() {
            erase();
        }
    }

    /** The cost suite's answer: the estimator's table on this run's rows, printed and kept in samples.json. */
    private void costTable(ModelSpec modelSpec, List<ResultRow> rows, RunOutput output, TablePrinter table, DeviceProperties device) {
        if (Double.isNaN(Rows.coldReadBytesPerS(rows))) {
            table.note("no cost table: it needs a cold (>= 4x last-level cache) memory/read row from this run");
            return;
        }
        Hardware hardware = hardware(device);
        Optional<Price> devicePrice = price.resolve(hardware);
        Estimator estimator = new Estimator(MeasuredRates.of(rows), device.name(), device.memoryBytes(), devicePrice);
        String where = device.name() + " (" + device.backend() + (hardware.host() ? ", " + hardware.threads() + " threads" : ":" + device.index()) + ")";
        CostTable cost = CostTable.of(estimator, modelSpec, List.of(QGemv.FORMATS), CostSuite.PROMPT, CostSuite.OUTPUT, where, PriceOption.missing(hardware));
        PrintWriter out = spec.commandLine().getOut();
        out.println();
        cost.print(out);
        output.put("cost_estimate", cost.asJson());
    }

    /** A host is priced per vCPU at the threads the CPU backend runs on; a GPU per device. */
    static Hardware hardware(DeviceProperties device) {
        boolean host = device.isHost();
        return new Hardware(device.name(), host, host ? device.computeUnits() : 0);
    }

    private void costSummary(RunIdentity identity, ModelSpec modelSpec, List<ResultRow> rows, RunOutput output,
                             TablePrinter table, DeviceProperties device) {
        // the decode ceiling streams weights from DRAM: judge it by the measured cold read bandwidth
        double readBw = Rows.coldReadBytesPerS(rows);
        if (Double.isNaN(readBw)) {
            table.note("no cost summary: it needs a cold (>= 4x last-level cache) memory/read row from this run");
            return;
        }
        Optional<Price> devicePrice = price.resolve(hardware(device));
        List<ResultRow> ceiling = DecodeCeilingSummary.rows(identity.cells(), modelSpec, readBw, devicePrice);
        for (ResultRow r : ceiling) {
            output.append(r, Map.of());
        }
        String hint = devicePrice.map(p -> "at " + p.perHour() + " (" + p.source() + ")")
                .orElse(PriceOption.missing(hardware(device)));
        table.ceiling(String.format(Locale.ROOT, "Decode ceiling for %s at batch 1 (weights streamed at the measured read bandwidth %.1f GB/s;"
                + " a ceiling, not an estimate: KV cache, compute and overhead not included)", modelSpec.name(), readBw / 1e9), ceiling, hint);
    }

    /**
     * The decode and prefill suites' steps beside the estimator's prediction for the same scenario
     * (TPOT of a decode step at its batch and context; TTFT of a prompt), from this run's kernel rows
     * (the estimator's notes say what it had to assume), and the energy per token this device lets
     * us measure (per output token for decode, per input token for prefill).
     */
    private void modelSummary(ModelSpec modelSpec, List<ResultRow> rows, List<List<ResultRow>> passRows, Map<ResultRow, KernelSamples.Raw> raws, RunOutput output,
                              TablePrinter table, String backendId, DeviceProperties device) {
        List<ResultRow> steps = rows.stream().filter(r -> r.get(Column.SUITE).equals("decode") || r.get(Column.SUITE).equals("prefill")).toList();
        if (steps.isEmpty() || Rows.of(rows, "memory", "read").isEmpty()) {
            return;
        }
        MeasuredRates rates = MeasuredRates.of(rows);
        Estimator estimator = new Estimator(rates, device.name(), device.memoryBytes(), Optional.empty());
        List<Map<String, Object>> predictions = new ArrayList<>();
        table.note(String.format(Locale.ROOT, "Whole %s, measured and predicted (the estimator on this run's kernel rows):", modelSpec.name()));
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "  %-8s %-10s %6s %8s %12s %12s %7s %10s %12s %8s%s%n", "step", "weights", "batch", "tokens", "measured", "(median)", "noise",
                "tokens/s", "predicted", "error", passRows.isEmpty() ? "" : "   each pass alone");
        for (ResultRow r : steps) {
            StepPrediction p = StepPrediction.of(r, modelSpec, estimator);
            List<Double> perPass = StepPrediction.errorsPerPass(r, modelSpec, passRows, device.name(), device.memoryBytes());
            out.printf(Locale.ROOT, "  %-8s %-10s %6d %8d %12s %12s %6.1f%% %10.2f %12s %+7.1f%%%s%n", p.step(), p.weights().id(), p.batch(), p.tokens(),
                    TablePrinter.seconds(p.measuredS()), "(" + TablePrinter.seconds(p.medianS()) + ")", 100 * p.noiseRel(), p.tokensPerS(),
                    TablePrinter.seconds(p.predictedS()), p.errorPercent(),
                    perPass.stream().map(e -> String.format(Locale.ROOT, "%+.1f%%", e)).collect(Collectors.joining(" ", perPass.isEmpty() ? "" : "   ", "")));
            // in the printed table's order
            Map<String, Object> prediction = new java.util.LinkedHashMap<>();
            prediction.put("step", p.step());
            prediction.put("weight_format", p.weights().id());
            prediction.put("batch", p.batch());
            prediction.put(p.step().equals("prefill") ? "prompt" : "context", p.tokens());
            prediction.put("measured_s", p.measuredS());
            prediction.put("measured_median_s", p.medianS());
            prediction.put("measured_noise_rel", p.noiseRel());
            prediction.put("predicted_s", p.predictedS());
            prediction.put("error_pct", p.errorPercent());
            if (!perPass.isEmpty()) {
                prediction.put("error_pct_per_pass", perPass);
            }
            predictions.add(prediction);
        }
        out.println("  (measured: the mean step, as the prediction adds mean launches; noise: the steps' standard deviation over their mean;"
                + " tokens: the decode step's context, the prefill's prompt; tokens/s over the mean step: output tokens for decode, input tokens for prefill)");
        if (!passRows.isEmpty()) {
            out.println("  (each pass alone: that pass's steps against the estimator on that pass's rows; their spread is how far this machine's"
                    + " drift lets one comparison be trusted, the pooled error above averages it over the passes)");
        }
        rates.notes().forEach(n -> out.println("  estimator: " + n));
        out.println("  energy (" + EnergyMeters.describe(backendId, device.index()) + "):");
        OptionalDouble grid = gridIntensity == null ? OptionalDouble.empty() : OptionalDouble.of(gridIntensity);
        for (ResultRow r : steps) {
            boolean prefill = r.get(Column.SUITE).equals("prefill");
            // the row's j_per_token: per output token for decode, per input token for prefill (CaseRows)
            String line;
            if (r.has(Column.J_PER_TOKEN)) {
                line = new EnergyPerToken(r.number(Column.J_PER_TOKEN), grid).describe() + (prefill ? " (per input token)" : " (per output token)");
            } else {
                KernelSamples.Raw raw = raws.get(r);
                line = raw == null ? "not measured" : "not measured (" + (raw.energyMeter().isEmpty() ? "no meter" : raw.energyMeter()) + ")";
            }
            out.printf(Locale.ROOT, "    %s %s %s: %s%n", prefill ? "prefill" : "decode", r.get(Column.WEIGHT_FORMAT),
                    prefill ? "prompt " + r.get(Column.SEQ_LEN) : "batch " + r.get(Column.BATCH) + " context " + r.get(Column.CONTEXT), line);
        }
        output.put("model_predictions", predictions);
    }

}
