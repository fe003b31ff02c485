package io.tokencost.bench;

import io.tokencost.results.Column;
import io.tokencost.results.CsvResultReader;
import io.tokencost.results.ResultRow;
import io.tokencost.results.RunOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
 * The bundle as a GPU node without Java would use it: unpacked anywhere, started through a link in
 * another folder, with an environment that has no JDK, no Maven and no repository: it runs on its
 * own Java runtime, and measures.
 */
class BundleIT {

    @TempDir
    Path tmp;

    private record Result(int exit, String out) {
    }

    private Result bundled(Path launcher, Map<String, String> extra, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(tmp, "bundle", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.environment().put("HOME", tmp.toString());
        pb.environment().putAll(extra);
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "did not end: " + Files.readString(log));
        return new Result(p.exitValue(), Files.readString(log));
    }

    @Test
    void unpackedAnywhereItRunsOnItsOwnRuntimeAndMeasures() throws Exception {
        Path tarball = BuiltBundle.tarball();
        assertTrue(Files.size(tarball) < 64L << 20, "the bundle is " + (Files.size(tarball) >> 20) + " MiB");
        Path home = BuiltBundle.unpack(Files.createDirectories(tmp.resolve("node")));
        Path link = Files.createSymbolicLink(Files.createDirectories(tmp.resolve("bin")).resolve("tokencost"), home.resolve("bin/tokencost"));

        Result devices = bundled(link, Map.of("JDK_JAVA_OPTIONS", "-XshowSettings:properties"), "devices");
        assertEquals(0, devices.exit(), devices.out());
        assertTrue(devices.out().contains("java.home = " + home.resolve("runtime")), "its own runtime: " + devices.out());
        assertTrue(devices.out().contains("cpu:0"), devices.out());

        Path run = tmp.resolve("run");
        Result measured = bundled(link, Map.of(), "run", "--backend", "cpu", "--suite", "memory", "--working-set", "64KiB", "--out", run.toString());
        assertEquals(0, measured.exit(), measured.out());
        List<ResultRow> rows = CsvResultReader.read(run.resolve(RunOutput.CSV));
        assertTrue(rows.stream().anyMatch(r -> r.get(Column.KERNEL).equals("read")), measured.out());
        String sha = rows.get(0).get(Column.GIT_SHA);
        assertFalse(sha.isEmpty() || sha.equals("unknown"), "the build's git sha travels with the bundle: " + sha);
        assertFalse(Files.exists(tmp.resolve("results")), "results go where asked, nothing into the working folder");
    }
}
