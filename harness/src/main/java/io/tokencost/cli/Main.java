package io.tokencost.cli;

import io.tokencost.backend.BackendUnavailableException;
import io.tokencost.backend.cuda.CudaBackend;
import io.tokencost.backend.emu.EmuBackend;
import io.tokencost.results.ResultFormatException;
import io.tokencost.results.RunIdentity;
import picocli.CommandLine;
import picocli.CommandLine.Command;


/**
 * {@code tokencost}: measure what an LLM token costs on this machine.
 * Exit codes: 0 ok, 1 a kernel failed verification or a case failed, 2 bad input, 3 the backend
 * named is not available here.
 */
@Command(name = "tokencost", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Measures what an LLM token costs on this machine.",
        subcommands = {DevicesCommand.class, RunCommand.class, VerifyCommand.class, ModelCommand.class, BreakdownCommand.class, EstimateCommand.class, ExportCommand.class, CompareCommand.class, ReportCommand.class, FleetCommand.class, JmhCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements java.util.concurrent.Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** What {@code tokencost} alone prints: where to start, in five lines. */
    static final String START_HERE = String.join(System.lineSeparator(),
            "tokencost: what an LLM token costs on this machine (tokencost --help lists every command)",
            "  tokencost run                          measure, then TTFT, TPOT and $ per 1M tokens for Llama-3.1-8B (--model M)",
            "  tokencost estimate --batch 1..64       the same estimator over other batches, contexts, prices and levers",
            "  tokencost compare RUN_A RUN_B          two runs (or machines) side by side, SAME / FASTER / SLOWER per case",
            "  tokencost report results/runs          one HTML page of charts over every run");

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(START_HERE);
        spec.commandLine().getOut().flush();
        return 0;
    }

    public static final int EXIT_FAILED = 1;
    public static final int EXIT_BAD_INPUT = 2;
    public static final int EXIT_UNAVAILABLE = 3;
    /** {@code run} stopped by SIGTERM or SIGINT: its folder holds every finished case, marked incomplete; {@code --resume} completes it. */
    public static final int EXIT_STOPPED = 4;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI in-process and returns the exit code (tests call this). */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** Runs the CLI in-process with its output and errors captured (tests of other packages call this). */
    public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    /** The system properties a command's options set for the backends and the forks: they end with the command. */
    private static final java.util.List<String> COMMAND_PROPERTIES = java.util.List.of(CudaBackend.KERNEL_IMAGE_PROPERTY, EmuBackend.RACECHECK_PROPERTY);

    private static int forThisCommand(java.util.function.IntSupplier command) {
        java.util.Map<String, String> saved = new java.util.HashMap<>();
        COMMAND_PROPERTIES.forEach(p -> saved.put(p, System.getProperty(p)));
        try {
            return command.getAsInt();
        } finally {
            saved.forEach((p, v) -> {
                if (v == null) {
                    System.clearProperty(p);
                } else {
                    System.setProperty(p, v);
                }
            });
        }
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionStrategy(parseResult -> forThisCommand(() -> new CommandLine.RunLast().execute(parseResult)));
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("tokencost: " + ex.getMessage() + " (see --help)");
            return EXIT_BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("tokencost: " + oneLine(ex));
            if (System.getenv("TOKENCOST_DEBUG") != null) {
                ex.printStackTrace(commandLine.getErr());
            }
            return exitCodeOf(ex);
        });
        return cl;
    }

    static int exitCodeOf(Throwable ex) {
        if (ex instanceof BackendUnavailableException) {
            return EXIT_UNAVAILABLE;
        }
        if (ex instanceof IllegalArgumentException || ex instanceof ResultFormatException) {
            return EXIT_BAD_INPUT;
        }
        return EXIT_FAILED;
    }

    static String oneLine(Throwable ex) {
        String m = ex.getMessage();
        if (m == null || m.isBlank()) {
            m = ex.getClass().getSimpleName();
        }
        return m.replaceAll("\\s*\\R\\s*", " ");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"tokencost " + RunIdentity.currentHarnessVersion(), "JVM " + System.getProperty("java.runtime.version")};
        }
    }
}
