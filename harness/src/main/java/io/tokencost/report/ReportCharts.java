package io.tokencost.report;

import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;
import io.tokencost.results.Rows;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The report's charts, each from rows alone, drawn by JFreeChart and saved as PNG. */
final class ReportCharts {

    static final int WIDTH = 1000;
    static final int HEIGHT = 560;

    private ReportCharts() {
    }

    /** One device's rows, named for the legend. */
    record Series(String name, List<ResultRow> rows) {
    }

    /**
     * Roofline: achieved FLOP/s against arithmetic intensity (declared FLOPs / declared bytes) of
     * every row that computes, and each device's measured ceilings: read bandwidth × intensity up to
     * its best measured FLOP/s.
     */
    static JFreeChart roofline(List<Series> devices) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
        int s = 0;
        int colour = 0;
        for (Series d : devices) {
            Color paint = PALETTE[colour++ % PALETTE.length];
            XYSeries points = new XYSeries(d.name() + ": kernels", false, true);
            double read = 0;
            double best = 0;
            double minAi = Double.MAX_VALUE;
            double maxAi = 0;
            for (ResultRow r : d.rows()) {
                double flops = r.number(Column.FLOPS);
                double bytes = r.number(Column.BYTES_MOVED);
                double rate = r.number(Column.FLOPS_PER_S);
                if (Rows.is(r, "memory", "read")) {
                    read = Math.max(read, r.number(Column.BYTES_PER_S));
                }
                if (flops > 0 && bytes > 0 && rate > 0) {
                    double ai = flops / bytes;
                    points.add(ai, rate / 1e9);
                    best = Math.max(best, rate);
                    minAi = Math.min(minAi, ai);
                    maxAi = Math.max(maxAi, ai);
                }
            }
            if (points.isEmpty()) {
                continue;
            }
            data.addSeries(points);
            renderer.setSeriesLinesVisible(s, false);
            renderer.setSeriesShapesVisible(s, true);
            renderer.setSeriesPaint(s, paint);
            s++;
            if (read > 0) {
                XYSeries roof = new XYSeries(d.name() + ": measured ceilings", false, true);
                double knee = best / read;
                double lo = Math.min(minAi, knee) / 2;
                double hi = Math.max(maxAi, knee) * 2;
                roof.add(lo, read * lo / 1e9);
                roof.add(knee, best / 1e9);
                roof.add(hi, best / 1e9);
                data.addSeries(roof);
                renderer.setSeriesLinesVisible(s, true);
                renderer.setSeriesShapesVisible(s, false);
                renderer.setSeriesPaint(s, paint);
                renderer.setSeriesStroke(s, new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
                s++;
            }
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Roofline: achieved FLOP/s vs arithmetic intensity", "FLOPs per byte (declared)",
                "GFLOP/s", data);
        XYPlot plot = chart.getXYPlot();
        plot.setRenderer(renderer);
        plot.setDomainAxis(logAxis("FLOPs per byte (declared)"));
        plot.setRangeAxis(logAxis("GFLOP/s"));
        return style(chart);
    }

    /** Bandwidth each kernel reached, as % of its device's measured read ceiling. */
    static JFreeChart bandwidth(List<Series> devices) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Series d : devices) {
            for (ResultRow r : d.rows()) {
                double pct = r.number(Column.PCT_OF_MEASURED_BW);
                if (pct > 0 && !r.get(Column.SUITE).equals("memory")) {
                    data.addValue(pct, d.name(), label(r));
                }
            }
        }
        JFreeChart chart = ChartFactory.createBarChart("Bandwidth reached, % of the measured read ceiling", null, "% of ceiling", data,
                PlotOrientation.HORIZONTAL, devices.size() > 1, false, false);
        return style(chart);
    }

    /** Decode attention: time per layer against context, a line per device, KV format and batch. */
    static JFreeChart decodeContext(List<Series> devices) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Series d : devices) {
            Map<String, XYSeries> lines = new TreeMap<>();
            for (ResultRow r : d.rows()) {
                if (r.get(Column.SUITE).equals("attention") && r.get(Column.KERNEL).equals("decode")) {
                    String key = String.format("%s: %s KV, batch %s, %s/%s heads", d.name(), r.get(Column.WEIGHT_FORMAT), r.get(Column.BATCH),
                            r.get(Column.HEADS), r.get(Column.KV_HEADS));
                    lines.computeIfAbsent(key, k -> new XYSeries(k, true, true)).add(r.number(Column.CONTEXT), r.number(Column.TIME_MEDIAN_S) * 1e3);
                }
            }
            lines.values().forEach(data::addSeries);
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Decode attention: time per layer vs context", "context (tokens)", "ms per layer", data);
        XYPlot plot = chart.getXYPlot();
        plot.setDomainAxis(logAxis("context (tokens)"));
        plot.setRangeAxis(logAxis("ms per layer"));
        ((XYLineAndShapeRenderer) plot.getRenderer()).setDefaultShapesVisible(true);
        return style(chart);
    }

    /** A figure against a swept parameter, a line per device (the estimator's output). */
    static JFreeChart sweep(String title, String xLabel, String yLabel, Map<String, double[][]> lines, boolean logX) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, double[][]> e : lines.entrySet()) {
            XYSeries s = new XYSeries(e.getKey(), true, true);
            for (double[] p : e.getValue()) {
                if (!Double.isNaN(p[1])) {
                    s.add(p[0], p[1]);
                }
            }
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data);
        XYPlot plot = chart.getXYPlot();
        if (logX) {
            plot.setDomainAxis(logAxis(xLabel));
        }
        // devices differ by orders of magnitude: a log scale keeps each one's curve readable
        plot.setRangeAxis(logAxis(yLabel));
        ((XYLineAndShapeRenderer) plot.getRenderer()).setDefaultShapesVisible(true);
        return style(chart);
    }

    static void save(JFreeChart chart, Path file) throws IOException {
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }

    private static String label(ResultRow r) {
        StringBuilder sb = new StringBuilder(r.get(Column.KERNEL));
        for (Column c : List.of(Column.WEIGHT_FORMAT, Column.M, Column.N, Column.K, Column.BATCH, Column.SEQ_LEN, Column.CONTEXT)) {
            if (r.has(c)) {
                sb.append(' ').append(c == Column.WEIGHT_FORMAT ? "" : c.header() + "=").append(r.get(c));
            }
        }
        return sb.toString();
    }

    /** A base-10 axis with a tick per decade, labelled 0.1, 1, 10, 100…, so decades read at a glance. */
    private static LogAxis logAxis(String label) {
        LogAxis axis = new LogAxis(label);
        axis.setBase(10);
        axis.setSmallestValue(1e-9);
        axis.setTickUnit(new NumberTickUnit(1));
        axis.setNumberFormatOverride(new DecimalFormat("0.####", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        axis.setMinorTickMarksVisible(true);
        axis.setMinorTickCount(9);
        return axis;
    }

    /** Distinct, print-safe colours (JFreeChart's defaults include a yellow that vanishes on white). */
    static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd), new Color(0xff7f0e),
        new Color(0x17becf), new Color(0x8c564b), new Color(0x7f7f7f), new Color(0xe377c2), new Color(0xbcbd22)};

    private static JFreeChart style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getPlot().setBackgroundPaint(new Color(0xf7f7f7));
        if (chart.getPlot() instanceof XYPlot xy) {
            for (int i = 0; i < xy.getDataset().getSeriesCount(); i++) {
                if (xy.getRenderer().getSeriesPaint(i) == null) {
                    xy.getRenderer().setSeriesPaint(i, PALETTE[i % PALETTE.length]);
                }
            }
        } else if (chart.getPlot() instanceof CategoryPlot cat) {
            for (int i = 0; i < cat.getDataset().getRowCount(); i++) {
                cat.getRenderer().setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            }
        }
        return chart;
    }
}
