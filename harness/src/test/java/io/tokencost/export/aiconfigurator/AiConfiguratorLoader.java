package io.tokencost.export.aiconfigurator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * AIConfigurator 0.9.0's loading rules, restated in Java so a test can hold an export to them:
 * the system file's keys (what its PerfDatabase, memory queries and memory estimate read), the
 * data folder relative to the systems folder, tables found as {@code <data_dir>/<family>/<backend>/<version>/<name>_perf.txt}
 * under a known backend, columns read by name with strict enums, a key's first row kept, and the
 * generation table keyed by {@code isl + step}.
 */
final class AiConfiguratorLoader {

    static final Set<String> GEMM_QUANT_MODES = Set.of("bfloat16", "int8_wo", "int4_wo", "fp8", "fp8_static", "sq", "fp8_block", "fp8_ootb", "nvfp4");
    static final Set<String> FMHA_QUANT_MODES = Set.of("bfloat16", "float16", "fp8", "fp8_block");
    static final Set<String> KV_CACHE_QUANT_MODES = Set.of("bfloat16", "int8", "fp8");
    static final Set<String> BACKENDS = Set.of("trtllm", "sglang", "vllm");

    /** latency (ms) by gemm_dtype, m, n, k. */
    final Map<String, Map<Long, Map<Long, Map<Long, Double>>>> gemm = new TreeMap<>();
    /** latency by attn_dtype, kv_cache_dtype, kv heads (0: as many as q heads), head_dim, window, heads, isl, batch. */
    final Map<List<Object>, Double> context = new LinkedHashMap<>();
    /** latency by kv_cache_dtype, kv heads (0: MHA), head_dim, window, heads, batch, isl + step. */
    final Map<List<Object>, Double> generation = new LinkedHashMap<>();
    final JsonNode system;

    AiConfiguratorLoader(Path systemsRoot, String systemName, String backend, String version) throws IOException {
        Path yaml = systemsRoot.resolve(systemName + ".yaml");
        system = new ObjectMapper(new YAMLFactory()).readTree(yaml.toFile());
        for (String key : List.of("gpu.mem_bw", "gpu.mem_bw_empirical_scaling_factor", "gpu.mem_empirical_constant_latency", "gpu.mem_capacity",
                "gpu.bfloat16_tc_flops", "node.num_gpus_per_node", "node.inter_node_bw", "node.intra_node_bw", "node.p2p_latency")) {
            JsonNode n = system.at("/" + key.replace('.', '/'));
            if (!n.isNumber() || n.asDouble() < 0 || (!key.endsWith("constant_latency") && n.asDouble() <= 0)) {
                throw new IllegalStateException(yaml + ": " + key + " must be a positive number, is " + n);
            }
        }
        if (!system.at("/misc/nccl_version").isTextual() || !system.at("/data_dir").isTextual()) {
            throw new IllegalStateException(yaml + ": data_dir and misc.nccl_version are required strings");
        }
        // the memory estimate reads misc.nccl_mem[tp] and misc.other_mem
        if (!system.at("/misc/nccl_mem/1").isNumber() || !system.at("/misc/other_mem").isNumber()) {
            throw new IllegalStateException(yaml + ": misc.nccl_mem[1] and misc.other_mem are required numbers");
        }
        if (!BACKENDS.contains(backend)) {
            throw new IllegalStateException("unknown backend " + backend);
        }
        Path data = systemsRoot.resolve(system.get("data_dir").asText());
        for (CSVRecord r : table(data, backend, version, "gemm_perf.txt")) {
            String quant = strictEnum(r.get("gemm_dtype"), GEMM_QUANT_MODES, "GEMMQuantMode");
            gemm.computeIfAbsent(quant, q -> new TreeMap<>()).computeIfAbsent(Long.parseLong(r.get("m")), m -> new TreeMap<>())
                    .computeIfAbsent(Long.parseLong(r.get("n")), n -> new TreeMap<>()).putIfAbsent(Long.parseLong(r.get("k")), Double.parseDouble(r.get("latency")));
        }
        for (CSVRecord r : table(data, backend, version, "context_attention_perf.txt")) {
            long n = Long.parseLong(r.get("num_heads"));
            long kvN = Long.parseLong(r.get("num_key_value_heads"));
            context.putIfAbsent(List.of(strictEnum(r.get("attn_dtype"), FMHA_QUANT_MODES, "FMHAQuantMode"),
                    strictEnum(r.get("kv_cache_dtype"), KV_CACHE_QUANT_MODES, "KVCacheQuantMode"), n == kvN ? 0L : kvN, Long.parseLong(r.get("head_dim")),
                    Long.parseLong(r.get("window_size")), n, Long.parseLong(r.get("isl")), Long.parseLong(r.get("batch_size"))), Double.parseDouble(r.get("latency")));
        }
        for (CSVRecord r : table(data, backend, version, "generation_attention_perf.txt")) {
            r.get("attn_dtype");   // required, value unused
            long n = Long.parseLong(r.get("num_heads"));
            long kvN = Long.parseLong(r.get("num_key_value_heads"));
            generation.putIfAbsent(List.of(strictEnum(r.get("kv_cache_dtype"), KV_CACHE_QUANT_MODES, "KVCacheQuantMode"), n == kvN ? 0L : kvN,
                    Long.parseLong(r.get("head_dim")), Long.parseLong(r.get("window_size")), n, Long.parseLong(r.get("batch_size")),
                    Long.parseLong(r.get("isl")) + Long.parseLong(r.get("step"))), Double.parseDouble(r.get("latency")));
        }
    }

    /** The table's records, found in any family folder; none when no family holds it. */
    private static List<CSVRecord> table(Path data, String backend, String version, String name) throws IOException {
        if (!Files.isDirectory(data)) {
            throw new IllegalStateException("data_dir " + data + " does not exist");
        }
        try (Stream<Path> families = Files.list(data)) {
            for (Path family : families.filter(Files::isDirectory).sorted().toList()) {
                Path file = family.resolve(backend).resolve(version).resolve(name);
                if (Files.isRegularFile(file)) {
                    try (Reader in = Files.newBufferedReader(file); CSVParser p = CSVFormat.DEFAULT.builder().setHeader().build().parse(in)) {
                        return p.getRecords();
                    }
                }
            }
        }
        return List.of();
    }

    private static String strictEnum(String value, Set<String> members, String enumName) {
        if (!members.contains(value)) {
            throw new IllegalStateException(enumName + "['" + value + "']: KeyError");
        }
        return value;
    }
}
