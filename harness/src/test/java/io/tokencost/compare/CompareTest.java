package io.tokencost.compare;

import io.tokencost.cli.Main;
import io.tokencost.results.Column;
import io.tokencost.results.CsvResultWriter;
import io.tokencost.results.ResultRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompareTest {

    @TempDir
    Path dir;

    static ResultRow row(String device, String kernel, int n, double seconds, double noise) {
        return new ResultRow().set(Column.SCHEMA_VERSION, Column.SCHEMA_VERSION_CURRENT).set(Column.BACKEND, "cpu").set(Column.HOST, "h")
                .set(Column.DEVICE_NAME, device).set(Column.DEVICE_INDEX, 0).set(Column.SUITE, "qgemv").set(Column.KERNEL, kernel)
                .set(Column.WEIGHT_FORMAT, "int8").set(Column.N, n).set(Column.K, 4096).set(Column.BATCH, 1)
                .set(Column.TIME_MEDIAN_S, seconds).set(Column.NOISE_REL, noise);
    }

    Path file(String name, ResultRow... rows) {
        Path f = dir.resolve(name + ".csv");
        try (CsvResultWriter w = new CsvResultWriter(f)) {
            for (ResultRow r : rows) {
                w.append(r);
            }
        }
        return f;
    }

    @Test
    void verdictsFollowTheNoiseOfBothRuns() {
        ResultRow base = row("A", "qgemv", 4096, 1.0, 0.01);
        assertEquals(Verdict.SAME, Verdict.of(base, row("A", "qgemv", 4096, 1.0, 0.01)), "identical");
        assertEquals(Verdict.SLOWER, Verdict.of(base, row("A", "qgemv", 4096, 1.1, 0.01)), "10 % slower, 1 % noise");
        assertEquals(Verdict.FASTER, Verdict.of(base, row("A", "qgemv", 4096, 0.9, 0.01)));
        ResultRow noisyBase = row("A", "qgemv", 4096, 1.0, 0.2);
        assertEquals(Verdict.SAME, Verdict.of(noisyBase, row("A", "qgemv", 4096, 1.1, 0.15)), "10 % slower inside 15-20 % noise");
        assertEquals(Verdict.SLOWER, Verdict.of(noisyBase, row("A", "qgemv", 4096, 1.1, 0.05)), "the quieter run's noise decides");
        assertEquals(0.1, Verdict.difference(base, row("A", "qgemv", 4096, 1.1, 0)), 1e-12);
        // with bytes/s on both sides the comparison is per byte: half the time for half the bytes is SAME
        ResultRow big = row("A", "read", 4096, 2.0, 0.001).set(Column.BYTES_PER_S, 5e9);
        ResultRow small = row("B", "read", 2048, 1.0, 0.001).set(Column.BYTES_PER_S, 5e9);
        assertEquals(Verdict.SAME, Verdict.of(big, small));
    }

    /** A run whose GPU kernels the driver JIT-compiled from PTX is told apart from one on nvcc's SASS. */
    @Test
    void runsWhoseKernelsCameFromDifferentImagesAreToldApart() {
        String sassImage = "fatbin: SASS for sm_90";
        String jitImage = "compatibility PTX compute_80 (ISA 7.0) JIT-compiled by the driver";
        Path sass = file("sass", row("H100", "qgemv", 4096, 1.0, 0.01).set(Column.BACKEND, "cuda").set(Column.KERNEL_IMAGE, sassImage));
        Path sassAgain = file("sass-again", row("H100", "qgemv", 4096, 1.0, 0.01).set(Column.BACKEND, "cuda").set(Column.KERNEL_IMAGE, sassImage));
        Path jit = file("jit", row("H100", "qgemv", 4096, 1.02, 0.01).set(Column.BACKEND, "cuda").set(Column.KERNEL_IMAGE, jitImage));
        Outcome across = run("compare", sass.toString(), jit.toString());
        assertEquals(0, across.code, across.err);
        assertTrue(across.out.contains("H100 (cuda), kernels: " + sassImage) && across.out.contains("H100 (cuda), kernels: " + jitImage), across.out);
        assertTrue(across.out.contains("the kernels were loaded from different images"), across.out);
        Outcome same = run("compare", sass.toString(), sassAgain.toString());
        assertTrue(!same.out.contains("different images"), same.out);
        assertTrue(Comparison.of(List.of(sass, jit)).acrossKernelImages());
        assertTrue(!Comparison.of(List.of(sass, sassAgain)).acrossKernelImages());
        // a file from before kernel_image (v2) says nothing of its image: no difference is claimed
        Path unknown = file("v2", row("H100", "qgemv", 4096, 1.0, 0.01).set(Column.BACKEND, "cuda"));
        assertTrue(!Comparison.of(List.of(unknown, jit)).acrossKernelImages());
    }

    @Test
    void casesJoinAcrossFilesAndCasesInOneFileAreListed() {
        Path a = file("a", row("A", "qgemv", 4096, 1.0, 0.01), row("A", "qgemv", 8192, 2.0, 0.01));
        Path b = file("b", row("A", "qgemv", 4096, 1.1, 0.01), row("A", "qgemv", 1024, 0.3, 0.01));
        Comparison c = Comparison.of(List.of(a, b));
        assertEquals(3, c.cases().size());
        assertEquals(Verdict.SLOWER, c.cases().get(0).verdict(1));
        assertNull(c.cases().get(1).verdict(1), "n=8192 only in the baseline");
        assertEquals(List.of("qgemv/qgemv int8 n=8192 k=4096 batch=1: only in base", "qgemv/qgemv int8 n=1024 k=4096 batch=1: only in run 1"),
                ComparisonFormats.partial(c));
        assertEquals(1, c.regressions(5).size());
        assertEquals(0, c.regressions(15).size());
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class, () -> Comparison.of(List.of(a)));
        assertTrue(one.getMessage().contains("two or more"), one.getMessage());
    }

    @Test
    void theCliWritesMarkdownAndCsvAndFailsOnRegressionOnlyBeyondThresholdAndNoise() throws Exception {
        Path a = file("a", row("@SUM(1)", "qgemv", 4096, 1.0, 0.01));
        Path slower = file("b", row("@SUM(1)", "qgemv", 4096, 1.1, 0.01));
        Path noisyBase = file("c0", row("@SUM(1)", "qgemv", 4096, 1.0, 0.2));
        Path noisy = file("c1", row("@SUM(1)", "qgemv", 4096, 1.1, 0.3));
        Path md = dir.resolve("out.md");
        Path csv = dir.resolve("out.csv");
        assertEquals(Main.EXIT_FAILED, run("compare", a.toString(), slower.toString(), "--fail-on-regression", "5", "--markdown", md.toString(),
                "--csv", csv.toString()).code);
        assertEquals(0, run("compare", a.toString(), slower.toString(), "--fail-on-regression", "15").code, "below the threshold");
        assertEquals(0, run("compare", noisyBase.toString(), noisy.toString(), "--fail-on-regression", "5").code, "inside both runs' noise");
        assertEquals(0, run("compare", a.toString(), slower.toString()).code, "no threshold, no failure (unlike nvbench, only when asked)");
        String markdown = Files.readString(md);
        assertTrue(markdown.contains("| case | shape | base | run 1 | ratio | verdict |") && markdown.contains("| 1.100 | SLOWER |"), markdown);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("case,shape,run,file,device,time_median_s,noise_rel,ratio_to_base,verdict,bytes_per_s,pct_of_measured_bw", lines.get(0));
        assertTrue(lines.get(1).contains(",'@SUM(1) (cpu),"), "a formula cell is neutralised: " + lines.get(1));
        assertTrue(lines.get(2).contains(",1.1,SLOWER,"), lines.get(2));
    }

    /** A run folder whose run stopped holds only results.csv.partial: compare reads its rows and says the run is incomplete. */
    @Test
    void aStoppedRunsRowsAreComparedAndMarkedIncomplete() throws Exception {
        Path base = file("base", row("A", "qgemv", 4096, 1.0, 0.01), row("A", "qgemv", 8192, 2.0, 0.01));
        Path stopped = Files.createDirectories(dir.resolve("runs").resolve("20261207T000000Z-h-A"));
        Files.move(file("stopped", row("A", "qgemv", 4096, 1.0, 0.01)), stopped.resolve("results.csv.partial"));
        for (Path given : List.of(stopped, dir.resolve("runs"))) {
            Outcome o = run("compare", base.toString(), given.toString());
            assertEquals(0, o.code, o.err);
            assertTrue(o.out.contains("results.csv.partial") && o.out.contains("(incomplete: the run did not finish)"), o.out);
        }
    }

    /** A row flagged noisy (its samples spread past 10 % of their mean) marks its verdict, and the footer says what that means. */
    @Test
    void aNoisyRowsVerdictSaysSo() throws Exception {
        Path base = file("quiet", row("A", "qgemv", 4096, 1.0, 0.01).set(Column.NOISY, "no"), row("A", "qgemv", 8192, 2.0, 0.01).set(Column.NOISY, "no"));
        Path noisy = file("noisy", row("A", "qgemv", 4096, 1.0, 0.6).set(Column.NOISY, "yes"), row("A", "qgemv", 8192, 2.0, 0.01).set(Column.NOISY, "no"));
        Outcome o = run("compare", base.toString(), noisy.toString());
        assertEquals(0, o.code, o.err);
        List<String> lines = o.out.lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.contains("n=4096") && l.endsWith("SAME (noisy)")), o.out);
        assertTrue(lines.stream().anyMatch(l -> l.contains("n=8192") && l.endsWith("SAME")), o.out);
        assertTrue(o.out.contains("(noisy): a run's samples of the case spread more than 10 % of their mean"), o.out);
    }

    @Test
    void badInputsNameTheFileAndExitWith2() throws Exception {
        Path a = file("a", row("A", "qgemv", 4096, 1.0, 0.01));
        String whole = Files.readString(a);
        Path broken = Files.writeString(dir.resolve("broken.csv"), whole.substring(0, whole.length() - 40));   // a truncated row
        Path text = Files.writeString(dir.resolve("text.csv"), Files.readString(a).replace(",4096,", ",wide,"));
        Path empty = Files.writeString(dir.resolve("empty.csv"), "");
        Path noColumn = Files.writeString(dir.resolve("nocolumn.csv"), whole.replace(",noise_rel,", ",").replace(",0.01,", ","));
        Path version6 = Files.writeString(dir.resolve("v6.csv"), whole.replace("\n5,", "\n6,"));
        for (String[] c : new String[][] {
                {a.toString(), broken.toString(), "broken.csv:2: "},
                {a.toString(), text.toString(), "text.csv:2: column 'n': 'wide' is not a number"},
                {a.toString(), empty.toString(), "empty.csv: empty file"},
                {a.toString(), noColumn.toString(), "nocolumn.csv:1: missing column 'noise_rel'"},
                {a.toString(), version6.toString(), "v6.csv:2: schema version '6' is not supported"},
                {a.toString(), dir.resolve("none.csv").toString(), "none.csv: no such results file or folder"},
                {a.toString(), "--fail-on-regression", "-3", "--fail-on-regression takes a percentage"},
        }) {
            Outcome o = run(java.util.stream.Stream.concat(java.util.stream.Stream.of("compare"), java.util.Arrays.stream(c, 0, c.length - 1)).toArray(String[]::new));
            assertEquals(Main.EXIT_BAD_INPUT, o.code, o.err);
            assertTrue(o.err.strip().startsWith("tokencost: ") && o.err.contains(c[c.length - 1]) && !o.err.strip().contains("\n"), o.err);
        }
    }

    record Outcome(int code, String out, String err) {
    }

    static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Outcome(code, out.toString(), err.toString());
    }
}
