package io.tokencost.export.vidur;

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
import java.util.TreeMap;

/**
 * Vidur's sklearn execution-time predictor's loading rules (commit 82f0840), restated in Java: the
 * files at {@code data/profiling/compute/{DEVICE}/{MODEL}/}; mlp rows kept where n_head, n_kv_head,
 * n_embd, n_expanded_embd, use_gated_mlp (pandas' True), vocab_size and the tensor parallel degree
 * equal the model config's; attention rows where n_embd, n_q_head, n_kv_head, block_size and the
 * degree do; each op's model trained on its {@code time_stats.<op>.median} (a missing required
 * column a KeyError, an empty cell a failed fit, fewer than 2 rows a failed cross-validation);
 * num_tokens = max(prefill_chunk_size, batch_size), decode where prefill_chunk_size is 0.
 */
final class VidurLoader {

    static final List<String> REQUIRED_MLP_OPS = List.of("attn_pre_proj", "attn_post_proj", "mlp_up_proj", "mlp_down_proj", "mlp_act", "attn_rope");
    static final List<String> ZERO_IF_ABSENT = List.of("input_layernorm", "post_attention_layernorm", "add");

    /** median ms by op and num_tokens. */
    final Map<String, Map<Long, Double>> mlp = new TreeMap<>();
    /** decode median ms by (batch_size, kv_cache_size). */
    final Map<List<Long>, Double> decode = new LinkedHashMap<>();
    /** prefill median ms by (kv_cache_size, prefill_chunk_size). */
    final Map<List<Long>, Double> prefill = new LinkedHashMap<>();

    VidurLoader(Path root, String device, String model, int heads, int kvHeads, int hidden, int ffn, int vocab, int tp) throws IOException {
        Path folder = root.resolve("data/profiling/compute").resolve(device).resolve(model);
        List<CSVRecord> mlpRows = read(folder.resolve("mlp.csv")).stream().filter(r -> r.get("n_head").equals(Integer.toString(heads))
                && r.get("n_kv_head").equals(Integer.toString(kvHeads)) && r.get("n_embd").equals(Integer.toString(hidden))
                && r.get("n_expanded_embd").equals(Integer.toString(ffn)) && r.get("use_gated_mlp").equals("True")
                && r.get("vocab_size").equals(Integer.toString(vocab)) && r.get("num_tensor_parallel_workers").equals(Integer.toString(tp))).toList();
        for (String op : REQUIRED_MLP_OPS) {
            mlp.put(op, train(mlpRows, "time_stats." + op + ".median", "num_tokens", true));
        }
        for (String op : ZERO_IF_ABSENT) {
            mlp.put(op, train(mlpRows, "time_stats." + op + ".median", "num_tokens", false));
        }
        List<CSVRecord> attention = read(folder.resolve("attention.csv")).stream().filter(r -> r.get("n_embd").equals(Integer.toString(hidden))
                && r.get("n_q_head").equals(Integer.toString(heads)) && r.get("n_kv_head").equals(Integer.toString(kvHeads))
                && r.get("block_size").equals("16") && r.get("num_tensor_parallel_workers").equals(Integer.toString(tp))).toList();
        for (CSVRecord r : attention) {
            long chunk = Long.parseLong(r.get("prefill_chunk_size"));
            long batch = Long.parseLong(r.get("batch_size"));
            long kv = Long.parseLong(r.get("kv_cache_size"));
            if (chunk == 0) {
                decode.put(List.of(batch, kv), median(r, "time_stats.attn_decode.median"));
            } else {
                prefill.put(List.of(kv, chunk), median(r, "time_stats.attn_prefill.median"));
            }
        }
        if (decode.size() < 2 || prefill.size() < 2) {
            throw new IllegalStateException("attention: " + decode.size() + " decode and " + prefill.size() + " prefill rows, cross-validation needs 2 each");
        }
    }

    private static Map<Long, Double> train(List<CSVRecord> rows, String column, String feature, boolean required) {
        Map<Long, Double> byFeature = new TreeMap<>();
        for (CSVRecord r : rows) {
            if (!r.isMapped(column)) {
                if (required) {
                    throw new IllegalStateException("KeyError: " + column);
                }
                byFeature.put(Long.parseLong(r.get(feature)), 0.0);
                continue;
            }
            byFeature.put(Long.parseLong(r.get(feature)), r.get(column).isEmpty() && !required ? 0.0 : median(r, column));
        }
        if (byFeature.size() < 2) {
            throw new IllegalStateException(column + ": " + byFeature.size() + " rows, cross-validation needs 2");
        }
        return byFeature;
    }

    private static double median(CSVRecord r, String column) {
        String v = r.get(column);
        if (v.isEmpty()) {
            throw new IllegalStateException(column + " is empty (NaN) in a row the model trains on");
        }
        return Double.parseDouble(v);
    }

    private static List<CSVRecord> read(Path file) throws IOException {
        try (Reader in = Files.newBufferedReader(file); CSVParser p = CSVFormat.DEFAULT.builder().setHeader().build().parse(in)) {
            return p.getRecords();
        }
    }
}
