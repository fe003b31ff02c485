package io.tokencost.export.aiconfigurator;

import io.tokencost.export.ExportFiles;
import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;
import io.tokencost.results.Rows;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AIConfigurator's three staging tables from measured rows, one row per key the loader looks up
 * (it keeps a key's first row): a bf16 row before an fp16 one standing in for it (the format's
 * 16-bit GEMM and KV-cache entries are bfloat16 only), then the faster (two kernels can run one
 * shape: qgemv and the GEMM). Rows are laid out as the headers order them; latencies in ms.
 *
 * @param standIns how many written rows are fp16 measurements under a bfloat16 key
 * @param noisy    how many written rows are marked noisy (their samples spread past 10 %)
 * @param leftOut  what was measured but has no place in the format, with why
 */
record AiConfiguratorTables(List<List<String>> gemm, List<List<String>> context, List<List<String>> generation, int standIns, int noisy,
                            List<String> leftOut) {

    static final List<String> GEMM_HEADER = List.of("framework", "version", "device", "op_name", "kernel_source", "gemm_dtype", "m", "n", "k", "latency");
    static final List<String> ATTENTION_HEADER = List.of("framework", "version", "device", "op_name", "kernel_source", "batch_size", "isl", "num_heads",
            "num_key_value_heads", "head_dim", "window_size", "beam_width", "attn_dtype", "kv_cache_dtype", "step", "latency");

    /** One measured row under one key: its cells, whether fp16 stands in for bfloat16, its latency. */
    private record Candidate(List<String> cells, boolean standIn, double ms, boolean noisy) {
    }

    private static final Comparator<Candidate> PREFERRED = Comparator.comparing(Candidate::standIn).thenComparingDouble(Candidate::ms);

    static AiConfiguratorTables of(List<ResultRow> rows, String device, String version) {
        Map<String, Candidate> gemm = new LinkedHashMap<>();
        Map<String, Candidate> context = new LinkedHashMap<>();
        Map<String, Candidate> generation = new LinkedHashMap<>();
        List<String> leftOut = new ArrayList<>();
        for (ResultRow r : rows) {
            if (Rows.is(r, "gemm", "gemm")) {
                String dtype = r.get(Column.DTYPE);
                if (dtype.equals("fp32")) {
                    leftOut.add("gemm fp32: the format's GEMM table has no fp32 entry");
                    continue;
                }
                put(gemm, r, dtype.equals("fp16"), List.of("tokencost", version, device, "gemm", "tokencost gemm " + dtype),
                        List.of("bfloat16", cell(r, Column.M), cell(r, Column.N), cell(r, Column.K)));
            } else if (Rows.is(r, "qgemv", "qgemv")) {
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
                put(gemm, r, format.equals("fp16"), List.of("tokencost", version, device, "gemm", "tokencost qgemv " + format),
                        List.of(quant, cell(r, Column.BATCH), cell(r, Column.N), cell(r, Column.K)));
            } else if (Rows.is(r, "attention", "prefill")) {
                // attn_dtype bfloat16: what the backends query for a bf16 model (the format has float16 attention, but no float16 KV)
                String dtype = r.get(Column.DTYPE);
                put(context, r, dtype.equals("fp16"), List.of("tokencost", version, device, "context_attention", "tokencost attention_prefill " + dtype),
                        List.of(cell(r, Column.BATCH), cell(r, Column.SEQ_LEN), cell(r, Column.HEADS), cell(r, Column.KV_HEADS), cell(r, Column.HEAD_DIM),
                                "0", "1", "bfloat16", "bfloat16", "0"));
            } else if (Rows.is(r, "attention", "decode")) {
                String kv = r.get(Column.WEIGHT_FORMAT);
                String kvDtype = kv.equals("fp16") ? "bfloat16" : kv.equals("int8") ? "int8" : null;
                if (kvDtype == null) {
                    leftOut.add("decode attention with a " + kv + " KV cache: no KVCacheQuantMode for it");
                    continue;
                }
                // isl 1 and step = the tokens cached before it: the loader keys the row by isl + step, the context attended;
                // attn_dtype is the queries' fp16 (the generation loader does not read it)
                long step = ExportFiles.shape(r, Column.CONTEXT) - 1;
                put(generation, r, kv.equals("fp16"), List.of("tokencost", version, device, "generation_attention", "tokencost attention_decode kv " + kv),
                        List.of(cell(r, Column.BATCH), "1", cell(r, Column.HEADS), cell(r, Column.KV_HEADS), cell(r, Column.HEAD_DIM), "0", "1", "float16",
                                kvDtype, Long.toString(step)));
            }
        }
        List<Candidate> chosen = new ArrayList<>(gemm.values());
        chosen.addAll(context.values());
        chosen.addAll(generation.values());
        return new AiConfiguratorTables(cells(gemm), cells(context), cells(generation), (int) chosen.stream().filter(Candidate::standIn).count(),
                (int) chosen.stream().filter(Candidate::noisy).count(), leftOut.stream().distinct().toList());
    }

    /** The row as source columns, key columns, latency; under its key the preferred of the candidates so far. */
    private static void put(Map<String, Candidate> table, ResultRow r, boolean standIn, List<String> source, List<String> key) {
        double ms = ExportFiles.medianMs(r);
        List<String> cells = new ArrayList<>(source);
        cells.addAll(key);
        cells.add(ExportFiles.number(ms));
        Candidate c = new Candidate(cells, standIn, ms, ExportFiles.noisy(r));
        table.merge(String.join(",", key), c, (a, b) -> PREFERRED.compare(a, b) <= 0 ? a : b);
    }

    private static List<List<String>> cells(Map<String, Candidate> table) {
        return table.values().stream().map(Candidate::cells).toList();
    }

    private static String cell(ResultRow r, Column c) {
        return Long.toString(ExportFiles.shape(r, c));
    }
}
