package io.tokencost.export.aiconfigurator;

import io.tokencost.estimate.Interconnect;
import io.tokencost.estimate.MeasuredRates;
import io.tokencost.export.ExportFiles;
import io.tokencost.export.ExportOptions;
import io.tokencost.export.SimulatorFormat;
import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * NVIDIA AIConfigurator 0.9.0's database for one device: the system file
 * ({@code systems/<system>.yaml}: the measured read bandwidth, the best measured 16-bit GEMM rate,
 * the device memory, the compute capability; node links from the interconnect catalog, said to be
 * assumed) and its collectors' staging tables ({@code *_perf.txt}, read by column name) in the
 * family layout {@code systems/data/<system>/<family>/<framework>/<version>/}: gemm_perf.txt from
 * the gemm and qgemv rows, context_attention_perf.txt from prefill attention, and
 * generation_attention_perf.txt from decode attention. Latencies in ms; every row a measured one.
 * The format's 16-bit entries are bfloat16 only (GEMM, KV cache): an fp16 row stands in where no
 * bf16 row has its shape, its {@code kernel_source} naming the kernel measured.
 */
public final class AiConfiguratorFormat090 implements SimulatorFormat {

    static final List<String> GEMM_HEADER = List.of("framework", "version", "device", "op_name", "kernel_source", "gemm_dtype", "m", "n", "k", "latency");
    static final List<String> ATTENTION_HEADER = List.of("framework", "version", "device", "op_name", "kernel_source", "batch_size", "isl", "num_heads",
            "num_key_value_heads", "head_dim", "window_size", "beam_width", "attn_dtype", "kv_cache_dtype", "step", "latency");
    static final Set<String> FRAMEWORKS = Set.of("vllm", "sglang", "trtllm");

    @Override
    public String id() {
        return "aiconfigurator";
    }

    @Override
    public String target() {
        return "AIConfigurator 0.9.0";
    }

    @Override
    public Written write(List<ResultRow> all, ExportOptions options, Path dir) throws IOException {
        if (!FRAMEWORKS.contains(options.framework())) {
            throw new IllegalArgumentException("--framework must be vllm, sglang or trtllm (AIConfigurator's backend folders), got '" + options.framework() + "'");
        }
        List<ResultRow> rows = ExportFiles.measured(all);
        String device = ExportFiles.deviceName(rows);
        String system = options.system() != null ? options.system() : ExportFiles.slug(device, '_');
        if (!system.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("--system must be letters, digits, '_', '.' or '-' (it names a file), got '" + system + "'");
        }
        String version = "tokencost-" + rows.get(0).get(Column.HARNESS_VERSION);
        Tables t = tables(rows, device, version);
        if (t.gemm().isEmpty()) {
            throw new IllegalArgumentException("the results hold no bf16/fp16 gemm or qgemv rows for AIConfigurator's GEMM table (run --suite gemm,qgemv)");
        }
        if (t.context().isEmpty() && t.generation().isEmpty()) {
            throw new IllegalArgumentException("the results hold no attention rows for AIConfigurator's attention tables (run --suite attention)");
        }
        double bestGemm = rows.stream().filter(r -> r.get(Column.SUITE).equals("gemm") && !r.get(Column.DTYPE).equals("fp32"))
                .mapToDouble(r -> r.number(Column.FLOPS_PER_S)).max().orElse(0);
        if (!(bestGemm > 0)) {
            throw new IllegalArgumentException("the results hold no 16-bit gemm row for the system's bfloat16_tc_flops (run --suite gemm)");
        }

        Path systems = ExportFiles.folder(dir.resolve("systems"));
        Path data = systems.resolve("data").resolve(system);
        List<Path> files = new ArrayList<>();
        files.add(writeSystem(systems.resolve(system + ".yaml"), system, rows, device, bestGemm));
        files.add(ExportFiles.writeCsv(data.resolve("gemm").resolve(options.framework()).resolve(version).resolve("gemm_perf.txt"), GEMM_HEADER,
                t.gemm()));
        Path attention = data.resolve("attention").resolve(options.framework()).resolve(version);
        if (!t.context().isEmpty()) {
            files.add(ExportFiles.writeCsv(attention.resolve("context_attention_perf.txt"), ATTENTION_HEADER, t.context()));
        }
        if (!t.generation().isEmpty()) {
            files.add(ExportFiles.writeCsv(attention.resolve("generation_attention_perf.txt"), ATTENTION_HEADER, t.generation()));
        }
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, readme(system, options, version, t, device));
        files.add(readme);
        return new Written(files, List.of(String.format(Locale.ROOT, "wrote AIConfigurator system '%s' to %s: %d GEMM, %d context and %d generation "
                + "attention rows (%s)", system, systems, t.gemm().size(), t.context().size(), t.generation().size(), target()), "how to use it: " + readme));
    }

    /** The three tables' rows and what was left out of them, with why. */
    record Tables(List<List<String>> gemm, List<List<String>> context, List<List<String>> generation, int standIns, List<String> leftOut) {
    }

    static Tables tables(List<ResultRow> rows, String device, String version) {
        Map<String, List<String>> gemm = new LinkedHashMap<>();
        Map<String, List<String>> context = new LinkedHashMap<>();
        Map<String, List<String>> generation = new LinkedHashMap<>();
        List<String> leftOut = new ArrayList<>();
        int[] standIns = {0};
        // bf16 rows first: an fp16 row only fills a shape no bf16 row has (the loader keeps a key's first row)
        List<ResultRow> ordered = new ArrayList<>(rows.stream().filter(r -> r.get(Column.DTYPE).equals("bf16")).toList());
        ordered.addAll(rows.stream().filter(r -> !r.get(Column.DTYPE).equals("bf16")).toList());
        for (ResultRow r : ordered) {
            String suite = r.get(Column.SUITE);
            String kernel = r.get(Column.KERNEL);
            String latency = ExportFiles.number(ExportFiles.medianMs(r));
            if (suite.equals("gemm") && kernel.equals("gemm")) {
                String dtype = r.get(Column.DTYPE);
                if (dtype.equals("fp32")) {
                    continue;
                }
                put(gemm, standIns, dtype.equals("fp16"), List.of("bfloat16", cell(r, Column.M), cell(r, Column.N), cell(r, Column.K)),
                        List.of("tokencost", version, device, "gemm", "tokencost gemm " + dtype), List.of(latency));
            } else if (suite.equals("qgemv") && kernel.equals("qgemv")) {
                String format = r.get(Column.WEIGHT_FORMAT);
                String quant = switch (format) {
                    case "fp16" -> "bfloat16";
                    case "int8" -> "int8_wo";
                    case "int4_g128" -> "int4_wo";
                    default -> null;
                };
                if (quant == null) {
                    leftOut.add("qgemv " + format + ": no GEMMQuantMode for it");
                    continue;
                }
                put(gemm, standIns, format.equals("fp16"), List.of(quant, cell(r, Column.BATCH), cell(r, Column.N), cell(r, Column.K)),
                        List.of("tokencost", version, device, "gemm", "tokencost qgemv " + format), List.of(latency));
            } else if (suite.equals("attention") && kernel.equals("prefill")) {
                String dtype = r.get(Column.DTYPE);
                put(context, standIns, dtype.equals("fp16"), List.of(cell(r, Column.BATCH), cell(r, Column.SEQ_LEN), cell(r, Column.HEADS),
                                cell(r, Column.KV_HEADS), cell(r, Column.HEAD_DIM), "0", "1", "bfloat16", "bfloat16", "0"),
                        List.of("tokencost", version, device, "context_attention", "tokencost attention_prefill " + dtype), List.of(latency));
            } else if (suite.equals("attention") && kernel.equals("decode")) {
                String kv = r.get(Column.WEIGHT_FORMAT);
                String kvDtype = kv.equals("fp16") ? "bfloat16" : kv.equals("int8") ? "int8" : null;
                if (kvDtype == null) {
                    leftOut.add("decode attention with a " + kv + " KV cache: no KVCacheQuantMode for it");
                    continue;
                }
                // isl 1 and step = the tokens cached before it: the loader keys the row by isl + step, the context attended
                long step = (long) r.number(Column.CONTEXT) - 1;
                put(generation, standIns, kv.equals("fp16"), List.of(cell(r, Column.BATCH), "1", cell(r, Column.HEADS), cell(r, Column.KV_HEADS),
                                cell(r, Column.HEAD_DIM), "0", "1", "float16", kvDtype, Long.toString(step)),
                        List.of("tokencost", version, device, "generation_attention", "tokencost attention_decode kv " + kv), List.of(latency));
            }
        }
        return new Tables(new ArrayList<>(gemm.values()), new ArrayList<>(context.values()), new ArrayList<>(generation.values()), standIns[0],
                leftOut.stream().distinct().toList());
    }

    /**
     * A row as the header orders it (source columns, the key's, latency); a key's first row is kept, a later one (another pass,
     * or an fp16 stand-in for a bf16 row) dropped.
     */
    private static void put(Map<String, List<String>> table, int[] standIns, boolean standIn, List<String> key, List<String> source, List<String> latency) {
        List<String> row = new ArrayList<>(source);
        row.addAll(key);
        row.addAll(latency);
        if (table.putIfAbsent(String.join(",", key), row) == null && standIn) {
            standIns[0]++;
        }
    }

    private static String cell(ResultRow r, Column c) {
        return Long.toString((long) r.number(c));
    }

    private static String writeSystemText(String system, List<ResultRow> rows, String device, double bestGemm) {
        ResultRow first = rows.get(0);
        double read = MeasuredRates.of(rows).readBytesPerS();
        Interconnect link = Interconnect.lookupOrDefault(device);
        boolean catalogued = Interconnect.lookup(device).isPresent();
        String cc = first.get(Column.COMPUTE_CAPABILITY);
        StringBuilder y = new StringBuilder();
        y.append("# ").append(system).append(": ").append(device).append(", measured by tokencost ").append(first.get(Column.HARNESS_VERSION))
                .append(" (run ").append(first.get(Column.RUN_ID)).append("); written for AIConfigurator 0.9.0\n");
        y.append("data_dir: data/").append(system).append(" # relative to this folder\n");
        y.append("gpu:\n");
        y.append("  mem_bw: ").append(Math.round(read)).append(" # measured: memory/read, cold (bytes/s)\n");
        y.append("  mem_bw_empirical_scaling_factor: 1.0 # mem_bw is the measured rate, not a datasheet's: nothing to scale\n");
        y.append("  mem_empirical_constant_latency: 0.0 # not measured\n");
        y.append("  mem_capacity: ").append(Math.round(first.number(Column.MEMORY_BYTES))).append(" # the device's memory (bytes)\n");
        y.append("  bfloat16_tc_flops: ").append(Math.round(bestGemm)).append(" # measured: the best 16-bit gemm row (FLOP/s)\n");
        if (cc != null && cc.matches("\\d+\\.\\d+")) {
            String[] parts = cc.split("\\.");
            y.append("  sm_version: ").append(Integer.parseInt(parts[0]) * 10 + Integer.parseInt(parts[1])).append(" # compute capability ").append(cc)
                    .append("\n");
        }
        y.append("node: # ASSUMED, not measured: ").append(link.source()).append("\n");
        y.append("  num_gpus_per_node: ").append(catalogued ? 8 : 1).append(catalogued ? " # the vendor's reference system\n" : " # one device measured\n");
        y.append("  inter_node_bw: ").append(Math.round(link.interNodeBytesPerSPerDirection())).append(" # bytes/s per GPU, one direction\n");
        y.append("  intra_node_bw: ").append(Math.round(link.bytesPerSPerDirection())).append(" # bytes/s per GPU, one direction: ").append(link.link())
                .append("\n");
        y.append("  p2p_latency: ").append(ExportFiles.number(link.latencyS())).append(" # seconds\n");
        y.append("misc:\n");
        y.append("  nccl_version: 'none' # no NCCL tables measured: tensor parallel queries have no data here\n");
        return y.toString();
    }

    private static Path writeSystem(Path file, String system, List<ResultRow> rows, String device, double bestGemm) throws IOException {
        Files.writeString(file, writeSystemText(system, rows, device, bestGemm));
        return file;
    }

    private String readme(String system, ExportOptions options, String version, Tables t, String device) {
        StringBuilder b = new StringBuilder();
        b.append("# AIConfigurator database for ").append(device).append("\n\n");
        b.append("Written by tokencost (`").append(getClass().getSimpleName()).append("`) for ").append(target())
                .append(" from ").append(options.sources()).append(".\n\n");
        b.append("- `systems/").append(system).append(".yaml`: the system file.\n");
        b.append("- `systems/data/").append(system).append("/gemm/").append(options.framework()).append('/').append(version)
                .append("/gemm_perf.txt`: ").append(t.gemm().size()).append(" rows.\n");
        b.append("- `systems/data/").append(system).append("/attention/").append(options.framework()).append('/').append(version)
                .append("/`: context_attention_perf.txt ").append(t.context().size()).append(" rows, generation_attention_perf.txt ")
                .append(t.generation().size()).append(" rows.\n\n");
        b.append("## Use it\n\n");
        b.append("```\n");
        b.append("# optional (0.9.0 reads the .txt tables too): to parquet, from an AIConfigurator checkout\n");
        b.append("find systems/data/").append(system).append(" -name '*_perf.txt' -exec python3 -c ")
                .append("'import sys; from collector.helper import convert_perf_csv_to_parquet as c; [c(f) for f in sys.argv[1:]]' {} +\n");
        b.append("aiconfigurator cli estimate --systems-paths default,$PWD/systems --system ").append(system).append(" --backend ")
                .append(options.framework()).append(" --backend-version ").append(version).append(" \\\n");
        b.append("    --database-mode SILICON --model-path meta-llama/Llama-3.1-8B --estimate-mode agg --tp-size 1 --batch-size 8 --isl 1024 --osl 128\n");
        b.append("```\n\n");
        b.append("`--systems-paths` takes this folder beside the systems AIConfigurator ships; `--database-mode SILICON` answers from these "
                + "tables only, and says so where a query has no data.\n\n");
        b.append("## What each figure is\n\n");
        b.append("- Latencies: each row's median, in ms, of a kernel that passed verification; nothing interpolated.\n");
        b.append("- `gemm_perf.txt`: `bfloat16` from the gemm rows (m = tokens) and from qgemv fp16 (m = batch); `int8_wo` and `int4_wo` "
                + "from qgemv int8 and int4_g128 (weight-only, fp16 activations; int4 in groups of 128).\n");
        b.append("- `context_attention_perf.txt`: causal prefill attention, `isl` = the prompt, `step` 0, full attention (`window_size` 0).\n");
        b.append("- `generation_attention_perf.txt`: one decode step, `isl` 1 and `step` = the tokens cached before it (the loader keys it by "
                + "`isl + step`, the context attended); `kv_cache_dtype` `bfloat16` or `int8`.\n");
        b.append("- Heads are the model's (tensor parallel 1).\n");
        if (t.standIns() > 0) {
            b.append("- **fp16 stands in for bfloat16** in ").append(t.standIns()).append(" rows: the format has no float16 GEMM or KV-cache entries; "
                    + "fp16 and bf16 run at one tensor-core rate and move the same bytes. `kernel_source` names the kernel measured; "
                    + "a bf16 row of the same shape, where there is one, was written instead.\n");
        }
        b.append("\n## Not measured\n\n");
        b.append("- `node.*`: from tokencost's interconnect catalog (datasheet figures), not measured; no NCCL, all-reduce, MoE, MLA or "
                + "fp8 tables: queries that need them (tensor or expert parallel, fp8) have no data here.\n");
        b.append("- `fp8_tc_flops`, `int8_tc_flops` and `power` are left out: tokencost measures no fp8 or int8 tensor-core GEMM.\n");
        b.append("- `mem_empirical_constant_latency` is 0 and the scaling factor 1.0: `mem_bw` is the measured rate.\n");
        for (String l : t.leftOut()) {
            b.append("- Left out: ").append(l).append(".\n");
        }
        return b.toString();
    }
}
