package io.tokencost.fleet;

import io.tokencost.backend.DeviceProperties;
import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;
import io.tokencost.results.RunIdentity;
import io.tokencost.results.RunOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Five H100 tasks and one A100 task under one results root: the node whose HBM read is 8 % slower than
 * its peers is named with the numbers, a throttled node too, a stopped task is listed with why and
 * its finished rows still count, and each GPU model is its own table.
 */
class FleetCollectionTest {

    private static final DeviceProperties H100 = new DeviceProperties("cuda", 0, "NVIDIA H100 80GB HBM3", "580.65", "13.0", "9.0", 132, 80L << 30,
            3_350_000_000_000L, 50L << 20, Map.of());
    private static final DeviceProperties A100 = new DeviceProperties("cuda", 0, "NVIDIA A100-SXM4-80GB", "580.65", "13.0", "8.0", 108, 80L << 30,
            2_039_000_000_000L, 40L << 20, Map.of());

    @TempDir
    Path root;

    private void task(String node, DeviceProperties device, double readSeconds, double gemvSeconds, boolean throttled, boolean stopped) {
        RunIdentity id = new RunIdentity("run-" + node, Instant.parse("2026-12-07T10:00:00Z"), "0.1.0", "abc", node, device, "jvm");
        List<String> plan = List.of("memory/read fp32 n=1073741824", "qgemv/qgemv fp16 int4_g128 n=4096 k=4096 batch=1");
        try (RunOutput out = new RunOutput(root.resolve("tokencost-4000_" + node), id)) {
            out.planned(plan, Map.of());
            out.append(id.cells().set(Column.SUITE, "memory").set(Column.KERNEL, "read").set(Column.DTYPE, "fp32").set(Column.N, 1L << 30)
                    .set(Column.TIME_MEDIAN_S, readSeconds), Map.of());
            if (stopped) {
                out.failed(plan.get(1), "timed out: no iteration ended in 61 s");
                out.finishIncomplete("SIGTERM", "stopped by SIGTERM after 1 of 2 cases", plan.subList(1, 2));
                return;
            }
            out.append(id.cells().set(Column.SUITE, "qgemv").set(Column.KERNEL, "qgemv").set(Column.DTYPE, "fp16").set(Column.WEIGHT_FORMAT, "int4_g128")
                    .set(Column.N, 4096).set(Column.K, 4096).set(Column.BATCH, 1).set(Column.TIME_MEDIAN_S, gemvSeconds)
                    .set(Column.THROTTLED, Boolean.toString(throttled)).set(Column.CLOCK_MHZ_MIN, 1100).set(Column.CLOCK_MHZ_MAX, 1755), Map.of());
            out.finish();
        }
    }

    @Test
    void theSlowNodeIsNamedWithItsNumbers() throws Exception {
        task("gpu-a1", H100, 1.000e-3, 20e-6, false, false);
        task("gpu-a2", H100, 1.010e-3, 20e-6, true, false);
        task("gpu-a3", H100, 0.995e-3, 20e-6, false, false);
        task("gpu-a4", H100, 1.080e-3, 20e-6, false, false);
        task("gpu-a5", H100, 1.005e-3, 0, false, true);
        task("gpu-b1", A100, 1.600e-3, 30e-6, false, false);
        FleetCollection fleet = FleetCollection.of(root, FleetCollection.DEFAULT_THRESHOLD);
        assertEquals(List.of("NVIDIA H100 80GB HBM3 (cuda)", "NVIDIA A100-SXM4-80GB (cuda)"), fleet.models().stream().map(FleetCollection.Model::name).toList());
        FleetCollection.Model h100 = fleet.models().get(0);
        FleetCollection.Case read = h100.cases().get(0);
        assertEquals(List.of("gpu-a1", "gpu-a2", "gpu-a3", "gpu-a4", "gpu-a5"), h100.nodes());
        assertEquals(Map.of("gpu-a4", "+7.5 % against the median of 5 nodes (bound ±5.0 %)"), read.outliers(), "the stopped task's read counts");
        assertEquals((1.080 - 0.995) / 1.005, read.spread(), 1e-9);
        FleetCollection.Case gemv = h100.cases().get(1);
        assertEquals(Map.of("gpu-a2", "its SM clock throttled (1100–1755 MHz)"), gemv.outliers());
        assertTrue(Double.isNaN(gemv.seconds().get("gpu-a5")));

        StringWriter text = new StringWriter();
        FleetFormats.print(fleet, new PrintWriter(text));
        String out = text.toString();
        assertTrue(out.contains("NVIDIA H100 80GB HBM3 (cuda): 5 nodes, median time per case"), out);
        assertTrue(out.contains("gpu-a4: memory/read n=1073741824: +7.5 % against the median of 5 nodes (bound ±5.0 %)"), out);
        assertTrue(out.contains("gpu-a5 (" + root.resolve("tokencost-4000_gpu-a5") + "): incomplete: 1 of 2 cases (stopped by SIGTERM); failed: "
                + "qgemv/qgemv fp16 int4_g128 n=4096 k=4096 batch=1: timed out: no iteration ended in 61 s"), out);
        assertTrue(out.contains("NVIDIA A100-SXM4-80GB (cuda): 1 node"), out);

        Path csv = root.resolve("fleet.csv");
        FleetFormats.writeCsv(fleet, csv);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("model,case,shape,node,run,time_median_s,deviation_from_median,outlier", lines.get(0));
        assertEquals(1 + 5 + 4 + 2, lines.size(), "a line per case and node that measured it");
        assertTrue(lines.stream().anyMatch(l -> l.contains(",gpu-a4,") && l.contains(",0.0746,")), String.join("\n", lines));
        Path md = root.resolve("fleet.md");
        FleetFormats.writeMarkdown(fleet, md);
        assertTrue(Files.readString(md).contains("| case | shape | gpu-a1 | gpu-a2 | gpu-a3 | gpu-a4 | gpu-a5 | spread |"), Files.readString(md));
    }

    @Test
    void aRootWithoutRunsIsSaidInOneLine() {
        assertEquals(root + " holds no run folders (each task's folder holds results.csv and samples.json, finished or partial)",
                assertThrows(IllegalArgumentException.class, () -> FleetCollection.of(root, 0.05)).getMessage());
    }
}
