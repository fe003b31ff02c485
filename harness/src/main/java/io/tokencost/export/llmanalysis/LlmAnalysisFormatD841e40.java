package io.tokencost.export.llmanalysis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tokencost.cost.WeightFormat;
import io.tokencost.estimate.Interconnect;
import io.tokencost.estimate.MeasuredRates;
import io.tokencost.export.ExportFiles;
import io.tokencost.export.ExportOptions;
import io.tokencost.export.SimulatorFormat;
import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;
import io.tokencost.results.Rows;
import io.tokencost.results.RunOutput;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A device's measured figures as llm-analysis (github.com/cli99/llm-analysis) takes them: its
 * GPU-config JSON (exactly its fields: the file is read as keyword arguments, so nothing else may be
 * in it) and the efficiency flags that go with it. The config holds measured ceilings: the cold read
 * bandwidth as {@code hbm_bandwidth_in_GB_per_sec}, the best measured GEMM rate as
 * {@code peak_fp16_TFLOPS} (and for int8/int4, whose weight-only kernels compute in 16 bits); the
 * flags say how close the model's kernels come to them: {@code hbm_memory_efficiency} = the
 * batch-1 qgemv's bytes/s in the weight format over the read ceiling, {@code flops_efficiency} =
 * the gemm rows' median FLOP/s over the best. Written for llm-analysis at commit d841e40 (its
 * {@code GPUConfig} fields there).
 */
public final class LlmAnalysisFormatD841e40 implements SimulatorFormat {

    @Override
    public String id() {
        return "llm-analysis";
    }

    @Override
    public String target() {
        return "llm-analysis d841e40";
    }

    /** {@code <name>.json} and {@code <name>.provenance.txt}: the config and where each figure came from. */
    @Override
    public Written write(List<ResultRow> rows, ExportOptions options, Path dir) throws IOException {
        Export export = of(ExportFiles.measured(rows), options.weights());
        RunOutput.writableFolder(dir);
        Path config = dir.resolve(export.name() + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(config.toFile(), export.gpuConfig());
        // not .json: llm-analysis reads every .json in its gpu_configs folder as a GPU config
        Path provenance = dir.resolve(export.name() + ".provenance.txt");
        List<String> lines = new ArrayList<>(List.of("written for " + target() + " by " + getClass().getSimpleName()));
        lines.addAll(export.provenance());
        lines.add("from: " + options.sources());
        lines.add("flags: " + export.flags());
        Files.write(provenance, lines);
        return new Written(List.of(config, provenance), List.of("wrote " + config + " (copy it into llm_analysis/gpu_configs/) and " + provenance,
                "llm-analysis flags: " + export.flags()));
    }

    /** The config and the flags, with what each figure came from. */
    public record Export(Map<String, Object> gpuConfig, double hbmMemoryEfficiency, double flopsEfficiency, List<String> provenance) {

        public String name() {
            return (String) gpuConfig.get("name");
        }

        /** The command-line flags for llm-analysis's {@code infer}. */
        public String flags() {
            return String.format(Locale.ROOT, "--gpu_name %s --hbm_memory_efficiency %.3f --flops_efficiency %.3f", name(), hbmMemoryEfficiency,
                    flopsEfficiency);
        }
    }

    public static Export of(List<ResultRow> rows, WeightFormat weights) {
        String device = ExportFiles.deviceName(rows);
        MeasuredRates rates = MeasuredRates.of(rows);
        ResultRow first = rows.get(0);
        List<Double> gemm = ExportFiles.gemm16BitFlops(rows);
        if (gemm.isEmpty()) {
            throw new IllegalArgumentException("the results hold no 16-bit gemm rows: llm-analysis needs a FLOP rate (run --suite gemm)");
        }
        String format = weights == WeightFormat.BF16 ? WeightFormat.FP16.id() : weights.id();
        Optional<ResultRow> gemv = rows.stream().filter(r -> Rows.is(r, "qgemv", "qgemv") && r.number(Column.BATCH) == 1
                && r.get(Column.WEIGHT_FORMAT).equals(format) && r.number(Column.BYTES_PER_S) > 0).findFirst();
        if (gemv.isEmpty()) {
            throw new IllegalArgumentException("the results hold no batch-1 qgemv row for " + format + " weights: llm-analysis's memory efficiency "
                    + "comes from it (run --suite qgemv)");
        }
        double best = gemm.get(gemm.size() - 1);
        double median = gemm.get(gemm.size() / 2);
        double read = rates.readBytesPerS();
        Interconnect link = Interconnect.lookupOrDefault(device);

        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", ExportFiles.slug("tokencost-" + device, '-'));
        config.put("mem_per_GPU_in_GB", round(first.number(Column.MEMORY_BYTES) / (1L << 30)));
        config.put("hbm_bandwidth_in_GB_per_sec", round(read / 1e9));
        config.put("intra_node_bandwidth_in_GB_per_sec", round(link.bytesPerSPerDirection() / 1e9));
        config.put("intra_node_min_message_latency", link.latencyS());
        config.put("peak_fp16_TFLOPS", round(best / 1e12));
        config.put("peak_i8_TFLOPS", round(best / 1e12));
        config.put("peak_i4_TFLOPS", round(best / 1e12));
        config.put("inter_node_bandwidth_in_GB_per_sec", round(link.interNodeBytesPerSPerDirection() / 1e9));

        ResultRow g = gemv.get();
        List<String> provenance = List.of(
                String.format(Locale.ROOT, "hbm_bandwidth_in_GB_per_sec: memory/read measured on %s (%s), cold", device, first.get(Column.RUN_ID)),
                String.format(Locale.ROOT, "peak_*_TFLOPS: the best of %d 16-bit gemm rows (%.3g TFLOP/s); int8/int4 weight-only kernels compute in 16 bits",
                        gemm.size(), best / 1e12),
                String.format(Locale.ROOT, "hbm_memory_efficiency: qgemv %s batch 1 %sx%s, %.1f GB/s over the read ceiling %.1f GB/s", format,
                        g.get(Column.N), g.get(Column.K), g.number(Column.BYTES_PER_S) / 1e9, read / 1e9),
                String.format(Locale.ROOT, "flops_efficiency: the median 16-bit gemm row (%.3g TFLOP/s) over the best", median / 1e12),
                "intra_node_*: ASSUMED (the interconnect catalog, not measured), " + link.assumption(),
                String.format(Locale.ROOT, "inter_node_bandwidth_in_GB_per_sec: ASSUMED (the interconnect catalog, not measured), %.1f GB/s per direction: %s",
                        link.interNodeBytesPerSPerDirection() / 1e9, link.source()));
        // a warm or lucky row can pass the cold read ceiling; llm-analysis takes efficiencies up to 1
        return new Export(config, Math.min(1, g.number(Column.BYTES_PER_S) / read), median / best, provenance);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
