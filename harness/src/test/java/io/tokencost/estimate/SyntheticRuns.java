package io.tokencost.estimate;

import io.tokencost.cost.ModelSpec;
import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;

import java.util.ArrayList;
import java.util.List;

/**
 * Results rows with round rates, so an estimate can be computed by hand: read 100 GB/s; every
 * qgemv row 50 GB/s (batch 1 and 16, fp16 / int8 / int4_g128); gemm 1 TFLOP/s; prefill attention
 * 0.5 TFLOP/s; decode attention 20 GB/s (fp16) and 15 GB/s (int8) at contexts 1k and 8k.
 */
public final class SyntheticRuns {

    static final double READ = 1e11;
    static final double QGEMV = 5e10;
    static final double GEMM = 1e12;
    static final double PREFILL = 5e11;
    static final double DECODE_FP16 = 2e10;
    static final double DECODE_INT8 = 1.5e10;

    /** A dense model small enough to add up by hand: 2 layers, hidden 1024, 8 q / 2 kv heads of 128, ffn 2048, vocab 4096. */
    static final ModelSpec TINY = new ModelSpec("tiny", 1024, 2, 8, 2, 128, 2048, 4096, false, 0, 0, 0);

    private SyntheticRuns() {
    }

    public static List<ResultRow> rows(String device, long memoryBytes) {
        List<ResultRow> rows = new ArrayList<>();
        rows.add(row(device, memoryBytes, "memory", "read", "fp32", "").set(Column.BYTES_PER_S, READ));
        for (String f : List.of("fp16", "int8", "int4_g128")) {
            for (int batch : new int[] {1, 16}) {
                rows.add(row(device, memoryBytes, "qgemv", "qgemv", "fp16", f).set(Column.N, 4096).set(Column.K, 4096)
                        .set(Column.BATCH, batch).set(Column.BYTES_PER_S, QGEMV));
            }
        }
        rows.add(row(device, memoryBytes, "gemm", "gemm", "fp16", "fp16").set(Column.M, 512).set(Column.N, 4096).set(Column.K, 4096)
                .set(Column.FLOPS_PER_S, GEMM));
        for (int seq : new int[] {512, 2048}) {
            rows.add(row(device, memoryBytes, "attention", "prefill", "fp16", "fp16").set(Column.SEQ_LEN, seq).set(Column.BATCH, 1)
                    .set(Column.HEADS, 8).set(Column.KV_HEADS, 2).set(Column.HEAD_DIM, 128).set(Column.FLOPS_PER_S, PREFILL));
        }
        for (String kv : List.of("fp16", "int8")) {
            for (int context : new int[] {1024, 8192}) {
                rows.add(row(device, memoryBytes, "attention", "decode", "fp16", kv).set(Column.CONTEXT, context).set(Column.BATCH, 1)
                        .set(Column.HEADS, 8).set(Column.KV_HEADS, 2).set(Column.HEAD_DIM, 128)
                        .set(Column.BYTES_PER_S, kv.equals("fp16") ? DECODE_FP16 : DECODE_INT8));
            }
        }
        return rows;
    }

    /** A qgemv/dequantize row of a format at 4096 x 4096, at {@code bytesPerS}. */
    static ResultRow dequantizeRow(String device, long memoryBytes, String format, double bytesPerS) {
        return row(device, memoryBytes, "qgemv", "dequantize", "fp16", format).set(Column.N, 4096).set(Column.K, 4096).set(Column.BYTES_PER_S, bytesPerS);
    }

    /** An ops row of the tiny model: one layer's small ops over {@code tokens} rows of a decode step or a prefill, in {@code seconds}. */
    static ResultRow opsRow(String device, long memoryBytes, boolean prefill, int tokens, double seconds) {
        return row(device, memoryBytes, "ops", prefill ? "prefill_layer_ops" : "decode_layer_ops", "fp16", "")
                .set(prefill ? Column.SEQ_LEN : Column.BATCH, tokens).set(Column.N, TINY.hidden()).set(Column.K, TINY.ffn())
                .set(Column.HEADS, TINY.heads()).set(Column.KV_HEADS, TINY.kvHeads()).set(Column.HEAD_DIM, TINY.headDim())
                .set(Column.TIME_MEDIAN_S, seconds);
    }

    private static ResultRow row(String device, long memoryBytes, String suite, String kernel, String dtype, String format) {
        return new ResultRow().set(Column.SCHEMA_VERSION, Column.SCHEMA_VERSION_CURRENT).set(Column.BACKEND, "cuda").set(Column.HOST, "test")
                .set(Column.DEVICE_NAME, device).set(Column.DEVICE_INDEX, 0).set(Column.MEMORY_BYTES, memoryBytes)
                .set(Column.SUITE, suite).set(Column.KERNEL, kernel).set(Column.DTYPE, dtype).set(Column.WEIGHT_FORMAT, format)
                .set(Column.TIME_MEDIAN_S, 1e-3);
    }
}
