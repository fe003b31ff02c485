package io.tokencost.report;

import io.tokencost.cost.ModelPresets;
import io.tokencost.cost.Price;
import io.tokencost.cost.WeightFormat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report from this repository's reference runs: its charts exist, are drawn, and the page shows them in a browser. */
class ReportTest {

    static final Path REFERENCE = Path.of("..", "results", "reference");

    @TempDir
    Path dir;

    Path report() throws Exception {
        List<Path> runs = List.of(REFERENCE.resolve("cpu-dev-vm/gemm-qgemv-quick"), REFERENCE.resolve("cpu-dev-vm/attention-quick"),
                REFERENCE.resolve("h200/qgemv-quick"));
        return Report.write(runs, dir.resolve("report"), ModelPresets.byName("Llama-3.1-8B"), WeightFormat.INT4_G128,
                device -> device.name().contains("H200") ? Optional.of(new Price(1.74, "test")) : Optional.of(Price.userGiven(0.1)));
    }

    /** Distinct colours in an image: a blank or failed drawing has a handful. */
    static int colours(BufferedImage image) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                seen.add(image.getRGB(x, y));
            }
        }
        return seen.size();
    }

    @Test
    void everyChartIsDrawnAndThePageReferencesIt() throws Exception {
        Path page = report();
        String html = Files.readString(page);
        for (String chart : Report.CHARTS) {
            Path png = page.resolveSibling(chart);
            BufferedImage image = ImageIO.read(png.toFile());
            assertEquals(ReportCharts.WIDTH, image.getWidth(), chart);
            assertTrue(colours(image) > 30, chart + " looks blank: " + colours(image) + " colours");
            assertTrue(html.contains("<img src=\"" + chart + "\""), chart + " not on the page");
        }
        assertTrue(html.contains("NVIDIA H200 (cuda)") && html.contains("Intel(R) Xeon(R) Processor (cpu)"), "one line per device");
        assertTrue(html.contains("gemm-qgemv-quick/results.csv, ../results/reference/cpu-dev-vm/attention-quick/results.csv"),
                "a device's runs are merged: " + html);
        assertTrue(!html.contains("<script") && !html.contains("http"), "self-contained: no scripts, nothing fetched");
    }

    /** A fleet's root (one GPU model on two nodes): a series per node, named by its host. */
    @Test
    void aFleetsNodesAreSeriesOfTheirOwn() throws Exception {
        Path root = dir.resolve("fleet");
        for (String node : List.of("node-a", "node-b")) {
            Path run = java.nio.file.Files.createDirectories(root.resolve("tokencost-1_" + node));
            try (io.tokencost.results.CsvResultWriter w = new io.tokencost.results.CsvResultWriter(run.resolve("results.csv"))) {
                for (io.tokencost.results.ResultRow r : io.tokencost.results.CsvResultReader.read(REFERENCE.resolve("h200/qgemv-quick/results.csv"))) {
                    w.append(r.set(io.tokencost.results.Column.HOST, node));
                }
            }
        }
        Path page = Report.write(List.of(root.resolve("tokencost-1_node-a"), root.resolve("tokencost-1_node-b")), dir.resolve("fleet-report"), ModelPresets.byName("Llama-3.1-8B"), WeightFormat.INT4_G128,
                device -> Optional.of(new Price(4.59, "test")));
        String html = Files.readString(page);
        assertTrue(html.contains("NVIDIA H200 (cuda) on node-a") && html.contains("NVIDIA H200 (cuda) on node-b"), html);
    }

    /**
     * The page as a browser shows it: headless Chromium's screenshot is not blank. Needs Debian's
     * chromium package, which CI installs (.ci/run): there it must run; elsewhere it is skipped without.
     */
    @Test
    void headlessChromiumRendersThePage() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        if (System.getenv("CI") != null) {
            assertTrue(Files.isExecutable(chromium), "CI installs chromium (.ci/run), and it is not at " + chromium);
        }
        Assumptions.assumeTrue(Files.isExecutable(chromium), "chromium is not installed here (apt-get install chromium): screenshot check skipped");
        Path page = report();
        Path shot = dir.resolve("shot.png");
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + dir.resolve("profile"),
                "--window-size=1100,2400", "--screenshot=" + shot, page.toUri().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish in 2 minutes");
        assertTrue(Files.size(shot) > 10_000, "screenshot too small: " + Files.readString(dir.resolve("chromium.log")));
        BufferedImage image = ImageIO.read(shot.toFile());
        assertEquals(1100, image.getWidth());
        // the charts are on screen: pixels in the series' colours (a page of text and broken images has none)
        assertTrue(pixelsNear(image, ReportCharts.PALETTE[0]) > 500 && pixelsNear(image, ReportCharts.PALETTE[1]) > 500,
                "the charts are not on the rendered page");
    }

    /** Pixels (every second row and column) within a few levels of {@code c} in each channel. */
    static int pixelsNear(BufferedImage image, java.awt.Color c) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                int rgb = image.getRGB(x, y);
                if (Math.abs(((rgb >> 16) & 0xff) - c.getRed()) < 12 && Math.abs(((rgb >> 8) & 0xff) - c.getGreen()) < 12
                        && Math.abs((rgb & 0xff) - c.getBlue()) < 12) {
                    n++;
                }
            }
        }
        return n;
    }
}
