package io.tokencost.export.aiconfigurator;

import io.tokencost.estimate.MeasuredRates;
import io.tokencost.export.ExportFiles;
import io.tokencost.export.ExportOptions;
import io.tokencost.export.SimulatorFormat;
import io.tokencost.results.ResultRow;
import io.tokencost.results.RunOutput;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
        String version = "tokencost-" + ExportFiles.harnessVersion(rows);
        AiConfiguratorTables t = AiConfiguratorTables.of(rows, device, version);
        if (t.gemm().isEmpty()) {
            throw new IllegalArgumentException("the results hold no bf16/fp16 gemm or qgemv rows for AIConfigurator's GEMM table (run --suite gemm,qgemv)");
        }
        if (t.context().isEmpty() && t.generation().isEmpty()) {
            throw new IllegalArgumentException("the results hold no attention rows for AIConfigurator's attention tables (run --suite attention)");
        }
        double bestGemm = ExportFiles.best16BitGemmFlops(rows);
        if (!(bestGemm > 0)) {
            throw new IllegalArgumentException("the results hold no 16-bit gemm row for the system's bfloat16_tc_flops (run --suite gemm)");
        }
        double read = MeasuredRates.of(rows).readBytesPerS();

        Path systems = RunOutput.writableFolder(dir.resolve("systems"));
        Path data = systems.resolve("data").resolve(system);
        List<Path> files = new ArrayList<>();
        files.add(Files.writeString(systems.resolve(system + ".yaml"), AiConfiguratorSystemFile.text(system, rows, read, bestGemm)));
        files.add(ExportFiles.writeCsv(data.resolve("gemm").resolve(options.framework()).resolve(version).resolve("gemm_perf.txt"),
                AiConfiguratorTables.GEMM_HEADER, t.gemm()));
        Path attention = data.resolve("attention").resolve(options.framework()).resolve(version);
        if (!t.context().isEmpty()) {
            files.add(ExportFiles.writeCsv(attention.resolve("context_attention_perf.txt"), AiConfiguratorTables.ATTENTION_HEADER, t.context()));
        }
        if (!t.generation().isEmpty()) {
            files.add(ExportFiles.writeCsv(attention.resolve("generation_attention_perf.txt"), AiConfiguratorTables.ATTENTION_HEADER, t.generation()));
        }
        files.add(Files.writeString(dir.resolve("README.md"), readme(system, options, version, t, device)));
        return new Written(files, List.of(String.format(Locale.ROOT, "wrote AIConfigurator system '%s' to %s: %d GEMM, %d context and %d generation "
                + "attention rows (%s)", system, systems, t.gemm().size(), t.context().size(), t.generation().size(), target()),
                "how to use it: " + dir.resolve("README.md")));
    }

    private String readme(String system, ExportOptions options, String version, AiConfiguratorTables t, String device) {
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
        b.append("`--systems-paths` takes this folder beside the systems AIConfigurator ships. The tables hold measured rows only; "
                + "AIConfigurator fills the shapes between and past them itself when it loads them (its own interpolation and extrapolation, "
                + "which warns where a layer was measured at one size only).\n\n");
        b.append("## What each figure is\n\n");
        b.append("- Latencies: each row's median, in ms, of a kernel that passed verification; nothing interpolated.\n");
        b.append("- `gemm_perf.txt`: `bfloat16` from the gemm rows (m = tokens) and from qgemv fp16 (m = batch); `int8_wo` and `int4_wo` "
                + "from qgemv int8 and int4_g128 (weight-only, fp16 activations; int4 in groups of 128).\n");
        b.append("- `context_attention_perf.txt`: causal prefill attention, `isl` = the prompt, `step` 0, full attention (`window_size` 0); "
                + "`attn_dtype` and `kv_cache_dtype` `bfloat16`, what the backends look up for a bf16 model.\n");
        b.append("- `generation_attention_perf.txt`: one decode step, `isl` 1 and `step` = the tokens cached before it (the loader keys it by "
                + "`isl + step`, the context attended); `kv_cache_dtype` `bfloat16` or `int8`; `attn_dtype` `float16`, the queries' "
                + "(the loader does not read it).\n");
        b.append("- Heads are the model's (tensor parallel 1).\n");
        if (t.noisy() > 0) {
            b.append("- NOISY rows written: ").append(t.noisy()).append(" (samples spread past 10 % of their mean in their run): their "
                    + "medians are written as measured; results.csv gives each one's interval.\n");
        }
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
        b.append("- `misc.other_mem` (memory reserved besides weights, KV cache and NCCL) is the value AIConfigurator's own H100/H800 "
                + "systems carry; `nccl_mem` is 0 at tensor parallel 1.\n");
        for (String l : t.leftOut()) {
            b.append("- Left out: ").append(l).append(".\n");
        }
        return b.toString();
    }
}
