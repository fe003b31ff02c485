package io.tokencost.cli;

import io.tokencost.backend.Backend;
import io.tokencost.backend.KernelTimer;
import io.tokencost.backend.Session;
import io.tokencost.cost.ModelPresets;
import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.WeightFormat;
import io.tokencost.measure.SampleStats;
import io.tokencost.measure.StepWarmUp;
import io.tokencost.model.StepBreakdown;
import io.tokencost.model.SyntheticModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code tokencost breakdown}: a synthetic model step split kernel by kernel ({@link StepBreakdown}). */
@Command(name = "breakdown", mixinStandardHelpOptions = true,
        description = "Times one synthetic decode step (or, with --prompt, a prefill) of a model kernel by kernel: each launch timed alone, "
                + "summed per kernel and shape, beside the whole step's time. Compare its lines with the kernel rows of a run to see "
                + "which kernels run slower inside the step than alone.")
final class BreakdownCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    BackendOptions backendOptions = new BackendOptions();

    @Option(names = "--model", paramLabel = "MODEL", defaultValue = "Llama-3.1-8B", description = "A preset name or a config.json (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--weights", paramLabel = "FORMAT", defaultValue = "int4_g128", description = "fp16, int8 or int4_g128 (default: ${DEFAULT-VALUE}).")
    String weights;

    @Option(names = "--batch", defaultValue = "1", description = "Sequences in the decode step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--context", defaultValue = "1024", description = "Tokens of context per sequence (default: ${DEFAULT-VALUE}).")
    int context;

    @Option(names = "--prompt", paramLabel = "TOKENS", defaultValue = "0", description = "Break down a prefill of this many tokens instead of a decode step.")
    int prompt;

    @Option(names = "--steps", defaultValue = "5", description = "Steps timed whole, then steps timed kernel by kernel (default: ${DEFAULT-VALUE}).")
    int steps;

    @Override
    public Integer call() {
        if (steps < 1 || batch < 1 || context < 1 || prompt < 0) {
            throw new IllegalArgumentException("--steps, --batch and --context must be >= 1 and --prompt >= 0");
        }
        ModelSpec m = ModelPresets.resolve(model);
        WeightFormat f = WeightFormat.parse(weights);
        Backend backend = backendOptions.resolve();
        PrintWriter out = spec.commandLine().getOut();
        try (Session session = backend.open(backendOptions.device)) {
            checkHeap(session, m, f);
            StepBreakdown breakdown = new StepBreakdown();
            Session timed = breakdown.timing(session);
            try (SyntheticModel model = prompt > 0 ? SyntheticModel.forPrefill(timed, m, f, prompt, SyntheticModel.SUITE_SEED, false)
                    : new SyntheticModel(timed, m, f, batch, context, SyntheticModel.SUITE_SEED)) {
                Runnable step = prompt > 0 ? model::prefill : model::decodeStep;
                String what = prompt > 0 ? "prefill of " + prompt + " tokens" : "decode step at batch " + batch + ", context " + context;
                out.printf(Locale.ROOT, "%s, %s, %s on %s (%s)%n", m.name(), f.id(), what, backend.id(), session.device().name());
                out.flush();
                StepWarmUp.untilSteady(step, session, 3);
                // a decode step as the decode suite times it: one CUDA graph on a GPU
                double[] whole = timeWhole(session, prompt > 0 ? step : session.capture(step));
                List<StepBreakdown.Line> lines = breakdown.record(step, steps);
                boolean graph = prompt == 0 && session.device().isGpu();
                print(out, whole, graph ? ", one CUDA graph" : "", lines);
            }
        }
        out.flush();
        return 0;
    }

    /** On a host the model lives on the Java heap: refuse in one line rather than fail with an OutOfMemoryError midway. */
    private void checkHeap(Session session, ModelSpec m, WeightFormat f) {
        if (session.device().isGpu()) {
            return;
        }
        long need = prompt > 0 ? SyntheticModel.prefillDeviceBytes(m, f, prompt) : SyntheticModel.deviceBytes(m, f, batch, context);
        long heap = Runtime.getRuntime().maxMemory();
        if (need + (1L << 30) > heap) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s in %s needs %.1f GB of Java heap here, this JVM has %.1f GB: run with JAVA_TOOL_OPTIONS=-Xmx%dg",
                    m.name(), f.id(), need / 1e9, heap / 1e9, (need >> 30) + 2));
        }
    }

    private double[] timeWhole(Session session, Runnable step) {
        double[] t = new double[steps];
        try (KernelTimer timer = session.newTimer()) {
            for (int i = 0; i < steps; i++) {
                timer.start();
                step.run();
                t[i] = timer.stopSeconds();
            }
        }
        return t;
    }

    static void print(PrintWriter out, double[] whole, String how, List<StepBreakdown.Line> lines) {
        SampleStats s = SampleStats.of(whole);
        double sum = lines.stream().mapToDouble(StepBreakdown.Line::secondsPerStep).sum();
        out.printf(Locale.ROOT, "step: %.3f ms (median of %d, min %.3f%s); its kernels timed one by one: %.3f ms (%.1f %% of the step)%n",
                s.median() * 1e3, s.count(), s.min() * 1e3, how, sum * 1e3, 100 * sum / s.median());
        out.printf(Locale.ROOT, "  %-64s %9s %10s %7s %10s %10s%n", "kernel and shape (its launch arguments)", "calls", "ms/step", "share", "ms/call",
                "(median)");
        for (StepBreakdown.Line l : lines) {
            out.printf(Locale.ROOT, "  %-64s %9.1f %10.3f %6.1f%% %10.4f %10s%n", l.kernel(), l.callsPerStep(), l.secondsPerStep() * 1e3,
                    100 * l.secondsPerStep() / sum, l.secondsPerStep() / l.callsPerStep() * 1e3,
                    String.format(Locale.ROOT, "(%.4f)", l.medianSecondsPerCall() * 1e3));
        }
    }
}
