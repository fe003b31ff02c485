package io.tokencost.bench;

import io.tokencost.cli.Main;
import io.tokencost.results.Column;
import io.tokencost.results.CsvResultReader;
import io.tokencost.results.ResultRow;
import io.tokencost.results.RunOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole path in-process: CLI -> verify -> JMH (forks 0) -> CSV + JSON -> cost summary. */
class RunMemorySuiteTest {

    @TempDir
    Path dir;

    @Test
    void quickMemorySuiteWritesMeasuredRowsWithPositiveBandwidth() throws Exception {
        Path out = dir.resolve("run");
        int code = Main.execute("run", "--backend", "cpu", "--suite", "memory", "--quick", "--working-set", "4MiB",
                "--forks", "0", "--price-per-hour", "0.50", "--out", out.toString());
        assertEquals(0, code);
        assertFalse(Files.exists(out.resolve(RunOutput.CSV + ".partial")), "partial file left behind");
        List<ResultRow> rows = CsvResultReader.read(out.resolve(RunOutput.CSV));
        List<ResultRow> measured = rows.stream().filter(r -> r.get(Column.SUITE).equals("memory")).toList();
        assertEquals(Set.of("copy", "read", "write", "triad"), measured.stream().map(r -> r.get(Column.KERNEL)).collect(Collectors.toSet()));
        for (ResultRow r : measured) {
            assertTrue(r.number(Column.BYTES_PER_S) > 0, r.toString());
            assertTrue(r.number(Column.SAMPLES) >= 5, r.toString());
            assertTrue(r.number(Column.TIME_MIN_S) <= r.number(Column.TIME_MEDIAN_S));
            assertEquals("true", r.get(Column.VERIFIED));
            assertEquals("warm", r.get(Column.L2), "4 MiB is below 4x any LLC: must not be labelled cold");
            assertEquals("cpu", r.get(Column.BACKEND));
            // bytes are counted from the shape: n floats x arrays x 4 bytes
            long n = Long.parseLong(r.get(Column.N));
            int arrays = switch (r.get(Column.KERNEL)) { case "copy" -> 2; case "triad" -> 3; default -> 1; };
            assertEquals(n * arrays * 4, Long.parseLong(r.get(Column.BYTES_MOVED)));
            assertEquals(r.number(Column.BYTES_MOVED) / r.number(Column.TIME_MEDIAN_S), r.number(Column.BYTES_PER_S),
                    r.number(Column.BYTES_PER_S) * 1e-5);
        }
        // warm rows give no cost ceiling: it needs a cold read
        assertTrue(rows.stream().noneMatch(r -> r.get(Column.SUITE).equals("ceiling")));
        String json = Files.readString(out.resolve(RunOutput.JSON));
        assertTrue(json.contains("\"kernel_s\""), "raw samples missing from the JSON");
    }

    @Test
    void forkedJvmsMeasureTooAndEveryForkCounts() throws Exception {
        Path out = dir.resolve("forked");
        int code = Main.execute("run", "--backend", "cpu", "--suite", "memory", "--working-set", "1MiB", "--forks", "2", "--out", out.toString());
        assertEquals(0, code);
        List<ResultRow> rows = CsvResultReader.read(out.resolve(RunOutput.CSV));
        assertEquals(4, rows.size());
        assertTrue(rows.stream().allMatch(r -> r.number(Column.BYTES_PER_S) > 0));
        assertTrue(Files.readString(out.resolve("jmh.log")).contains("# Fork: 2 of 2"), "JMH did not fork twice");
        // the row's sample count is both forks' samples: what the JSON holds for it
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve(RunOutput.JSON).toFile());
        for (var c : json.get("cases")) {
            assertEquals(c.get("samples").asInt(), c.get("raw").get("kernel_s").size());
        }
    }

    /** Passes run the whole case list again and again; each row pools its case's samples from every pass. */
    @Test
    void passesInterleaveTheCasesAndEachRowPoolsEveryPass() throws Exception {
        Path out = dir.resolve("passes");
        java.io.StringWriter stdout = new java.io.StringWriter();
        int code = Main.execute(new java.io.PrintWriter(stdout, true), new java.io.PrintWriter(new java.io.StringWriter(), true), "run", "--backend",
                "cpu", "--suite", "memory", "--quick", "--working-set", "1MiB", "--forks", "0", "--passes", "3", "--out", out.toString());
        assertEquals(0, code, stdout.toString());
        assertTrue(stdout.toString().contains("pass 3 of 3"), stdout.toString());
        List<JmhLogSection> sections = JmhLogSection.read(out.resolve("jmh.log"));
        List<String> once = List.of("memory/copy", "memory/read", "memory/write", "memory/triad");
        List<String> thrice = new java.util.ArrayList<>();
        for (int pass = 0; pass < 3; pass++) {
            thrice.addAll(once);
        }
        assertEquals(thrice, sections.stream().map(JmhLogSection::kernel).toList(), "pass after pass over the whole list, not one case three times in a row");
        assertTrue(sections.stream().allMatch(x -> x.iterations() == 2), "the profile's 5 iterations over 3 passes, rounded up: " + sections);
        java.util.Map<String, Long> samples = sections.stream().collect(Collectors.groupingBy(JmhLogSection::kernel, Collectors.summingLong(JmhLogSection::samples)));
        List<ResultRow> rows = CsvResultReader.read(out.resolve(RunOutput.CSV));
        assertEquals(4, rows.size());
        for (ResultRow r : rows) {
            String kernel = r.get(Column.SUITE) + "/" + r.get(Column.KERNEL);
            assertEquals(samples.get(kernel), (long) r.number(Column.SAMPLES), kernel + ": its samples from the three passes");
        }
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve(RunOutput.JSON).toFile());
        java.util.Map<String, List<Long>> perPass = sections.stream().collect(Collectors.groupingBy(JmhLogSection::kernel,
                Collectors.mapping(JmhLogSection::samples, Collectors.toList())));
        for (var c : json.get("cases")) {
            assertEquals(c.get("samples").asInt(), c.get("raw").get("kernel_s").size());
            // how the pooled samples split into passes, in pass order: an offline reader needs no jmh.log
            List<Long> split = new java.util.ArrayList<>();
            c.get("raw").get("samples_per_pass").forEach(n -> split.add(n.asLong()));
            assertEquals(perPass.get(c.get("suite").asText() + "/" + c.get("kernel").asText()), split);
        }
    }

    @Test
    void quickQGemvSuiteWritesEveryFormatAtBatch1And16() throws Exception {
        Path out = dir.resolve("qgemv");
        int code = Main.execute("run", "--backend", "cpu", "--suite", "qgemv", "--quick", "--working-set", "1MiB",
                "--forks", "0", "--out", out.toString());
        assertEquals(0, code);
        List<ResultRow> all = CsvResultReader.read(out.resolve(RunOutput.CSV));
        // memory/read is measured first: the ceiling the other rows are judged against
        assertEquals("memory/read", all.get(0).get(Column.SUITE) + "/" + all.get(0).get(Column.KERNEL));
        List<ResultRow> rows = all.stream().filter(r -> r.get(Column.SUITE).equals("qgemv")).toList();
        assertEquals(6, rows.size());
        assertEquals(Set.of("fp16/1", "fp16/16", "int8/1", "int8/16", "int4_g128/1", "int4_g128/16"),
                rows.stream().map(r -> r.get(Column.WEIGHT_FORMAT) + "/" + r.get(Column.BATCH)).collect(Collectors.toSet()));
        for (ResultRow r : rows) {
            assertEquals("true", r.get(Column.VERIFIED));
            assertEquals("4096", r.get(Column.N));
            assertEquals("14336", r.get(Column.K));
            // FLOPs from the shape: 2 * batch * n * k
            assertEquals(2L * Long.parseLong(r.get(Column.BATCH)) * 4096 * 14336, Long.parseLong(r.get(Column.FLOPS)));
            assertTrue(r.number(Column.BYTES_PER_S) > 0 && r.number(Column.FLOPS_PER_S) > 0, r.toString());
            assertEquals("warm", r.get(Column.L2), "a 1 MiB weight set is cache-resident: never labelled cold");
        }
    }

    @Test
    void quickGemmSuiteWritesEveryDtypeWithRatesAgainstTheMeasuredCeiling() throws Exception {
        Path out = dir.resolve("gemm");
        int code = Main.execute("run", "--backend", "cpu", "--suite", "gemm", "--quick", "--forks", "0", "--out", out.toString());
        assertEquals(0, code);
        List<ResultRow> all = CsvResultReader.read(out.resolve(RunOutput.CSV));
        ResultRow read = all.get(0);
        assertEquals("memory/read/cold", read.get(Column.SUITE) + "/" + read.get(Column.KERNEL) + "/" + read.get(Column.L2));
        List<ResultRow> rows = all.stream().filter(r -> r.get(Column.SUITE).equals("gemm")).toList();
        assertEquals(Set.of("fp16 1024x1024x1024", "bf16 1024x1024x1024", "fp32 1024x1024x1024",
                        "fp16 512x4096x4096", "bf16 512x4096x4096", "fp32 512x4096x4096"),
                rows.stream().map(r -> r.get(Column.DTYPE) + " " + r.get(Column.M) + "x" + r.get(Column.N) + "x" + r.get(Column.K))
                        .collect(Collectors.toSet()));
        for (ResultRow r : rows) {
            assertEquals("true", r.get(Column.VERIFIED));
            long m = Long.parseLong(r.get(Column.M));
            long n = Long.parseLong(r.get(Column.N));
            long k = Long.parseLong(r.get(Column.K));
            long element = r.get(Column.DTYPE).equals("fp32") ? 4 : 2;
            assertEquals(2 * m * n * k, Long.parseLong(r.get(Column.FLOPS)));
            assertEquals(element * (m * k + n * k + m * n), Long.parseLong(r.get(Column.BYTES_MOVED)));
            assertEquals(r.number(Column.FLOPS) / r.number(Column.TIME_MEDIAN_S), r.number(Column.FLOPS_PER_S), r.number(Column.FLOPS_PER_S) * 1e-5);
            double pct = r.number(Column.PCT_OF_MEASURED_BW);
            assertEquals(100 * r.number(Column.BYTES_PER_S) / read.number(Column.BYTES_PER_S), pct, pct * 1e-3);
            assertTrue(Double.parseDouble(r.get(Column.MAX_REL_ERROR)) < 1e-2, r.toString());
        }
    }
}
