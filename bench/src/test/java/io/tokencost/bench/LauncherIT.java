package io.tokencost.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code tokencost} launcher as a user runs it, on the packaged jar (failsafe, after package):
 * alone it prints where to start; the commands that run no vector kernel start without the JVM's
 * incubator-module warning; those that do still load the Vector API; its JVM gets the timing
 * flags the JMH forks get, from the file the build wrote with {@code JvmFlags}.
 */
class LauncherIT {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final String WARNING = "Using incubator modules";

    private record Result(int exit, String out, String err) {
    }

    private static Result launch(String... args) throws IOException, InterruptedException {
        return launch(Map.of(), args);
    }

    private static Result launch(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("tokencost").toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("launcher", ".out");
        Path err = Files.createTempFile("launcher", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            // the jar this build just packaged, as it is: no rebuild from inside the build
            pb.environment().put("TOKENCOST_NO_BUILD", "1");
            pb.environment().putAll(environment);
            Process p = pb.start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "tokencost " + String.join(" ", args) + " did not finish");
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Test
    void aloneItPrintsWhereToStartInFiveLines() throws Exception {
        Result r = launch();
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(5, lines.size(), r.out());
        assertTrue(lines.get(1).trim().startsWith("tokencost run"), r.out());
        assertTrue(r.out().contains("tokencost estimate") && r.out().contains("tokencost compare") && r.out().contains("tokencost report"), r.out());
        assertFalse(r.err().contains(WARNING), r.err());
    }

    @Test
    void helpEstimateAndCompareStartWithoutTheIncubatorWarning() throws Exception {
        Path run = ROOT.resolve("results/reference/cpu-dev-vm/all-suites-quick");
        Path other = ROOT.resolve("results/reference/cpu-dev-vm/decode-prefill-quick");
        List<List<String>> commands = List.of(List.of("--help"), List.of("run", "--help"),
                List.of("estimate", "--results", run.toString()), List.of("compare", run.toString(), other.toString()));
        for (List<String> args : commands) {
            Result r = launch(args.toArray(new String[0]));
            assertEquals(0, r.exit(), args + ": " + r.err());
            assertFalse(r.out().isBlank(), args + " printed nothing");
            assertFalse(r.err().contains(WARNING) || r.out().contains(WARNING), args + ": " + r.err());
        }
    }

    /** The commands that run the CPU kernels keep the Vector API: devices lists the cpu backend as available. */
    @Test
    void devicesStillLoadsTheVectorApi() throws Exception {
        Result r = launch("devices");
        assertEquals(0, r.exit(), r.err());
        assertFalse(r.out().contains("the Vector API is not loaded"), r.out());
        assertTrue(r.err().contains(WARNING), "the JVM announces the module it loads: " + r.err());
    }

    /** The JVM's own account of its flags (PrintCommandLineFlags, through the java launcher's JDK_JAVA_OPTIONS). */
    @Test
    void itsJvmStartsWithTheForksTimingFlags() throws Exception {
        List<String> timing = io.tokencost.measure.JvmFlags.forTiming();
        assertEquals(String.join(" ", timing), Files.readString(ROOT.resolve("bench/target/jvm.flags")).trim());
        Result r = launch(Map.of("JDK_JAVA_OPTIONS", "-XX:+PrintCommandLineFlags"), "estimate", "--help");
        assertEquals(0, r.exit(), r.err());
        String jvmFlags = r.out().lines().findFirst().orElseThrow();
        for (String flag : timing) {
            assertTrue(jvmFlags.contains(flag), flag + " missing from " + jvmFlags);
        }
    }
}
