package io.tokencost.estimate;

import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.attentiondecode.AttentionDecode;
import io.tokencost.kernels.qgemv.QGemv;
import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * The kernel times of one device's runs, looked up at the shapes a model needs. The rules, one per
 * kernel family (each documented in docs/estimator.md):
 * <ul>
 * <li><b>Decode linear layers</b> (qgemv rows of the weight format; the shape's own rows where it was
 * measured): at every measured batch, the row whose n·k is nearest (in log) gives bytes/s, and time =
 * the needed shape's bytes (QGemv's workload) over it; between measured batches the time is linear in
 * the batch, below the smallest it is the smallest's.</li>
 * <li><b>Prefill linear layers</b> on the path the prefill takes: int8 / int4 below
 * {@link QGemv#DEQUANTIZE_FROM_TOKENS} tokens, and every expert's product, by the qgemv rule (past
 * the largest measured batch: that batch's time per token, as the rows run in chunks); else gemm
 * rows: the row nearest in (log m, log n·k) gives FLOP/s, time = 2·m·n·k over it (int8 / int4: plus
 * dequantising the weights to fp16, at the bytes/s of the qgemv/dequantize row nearest in n·k, else
 * the read ceiling).</li>
 * <li><b>Decode batches past the largest qgemv batch</b> (of the product's own rows where it has them):
 * the gemm rule, never less than the largest qgemv batch's time (the weights still stream once) and
 * never more per token than that batch's (the tokens could run in chunks of it).</li>
 * <li><b>Decode attention</b> (attention/decode rows of the KV format, same head layout preferred):
 * bytes/s linear in log(context) between measured contexts and in log(batch) between measured
 * batches, held at the ends; time = the needed cache's bytes over it.</li>
 * <li><b>Prefill attention</b> (attention/prefill rows): FLOP/s linear in log(seq_len), held at the ends;
 * time = the kept (query, key) pairs' FLOPs over it.</li>
 * <li><b>A layer's small ops</b> (ops rows of the step's kind at the model's widths): time linear in
 * tokens between measured counts ({@link #layerOpsSeconds}).</li>
 * </ul>
 * Every rate and time is taken over the row's mean launch ({@link #sustained}). A family with no
 * rows falls back to the memory/read ceiling (bandwidth) or the gemm rate (FLOPs); every fallback,
 * extrapolation and reused shape is collected as a note for the user.
 */
public final class MeasuredRates {

    /** Shapes further apart than this factor (in n·k, or context, or seq_len) get a note. */
    private static final double FAR = 4;

    private final List<ResultRow> rows;
    private final double readBytesPerS;
    private final Set<String> notes = new LinkedHashSet<>();
    /** The rows a lookup has read (by identity), so a case list can be checked against what the estimator needs. */
    private final Set<ResultRow> used = Collections.newSetFromMap(new IdentityHashMap<>());

    private MeasuredRates(List<ResultRow> rows, double readBytesPerS) {
        this.rows = rows;
        this.readBytesPerS = readBytesPerS;
    }

    /**
     * Rows of one device; the memory/read row (every run measures it) is required: it is the fallback ceiling. The best cold
     * row where there is one: a small working set's warm read (a --working-set run beside it) is the cache's rate, not memory's.
     */
    public static MeasuredRates of(List<ResultRow> rows) {
        List<ResultRow> reads = rows.stream().filter(r -> is(r, "memory", "read") && r.number(Column.BYTES_PER_S) > 0).toList();
        List<ResultRow> cold = reads.stream().filter(r -> r.get(Column.L2).equals("cold")).toList();
        ResultRow read = (cold.isEmpty() ? reads : cold).stream().max(Comparator.comparingDouble(r -> r.number(Column.BYTES_PER_S)))
                .orElseThrow(() -> new IllegalArgumentException("the results hold no memory/read row (every tokencost run measures one): not a run's results.csv?"));
        MeasuredRates rates = new MeasuredRates(List.copyOf(rows), read.number(Column.BYTES_PER_S));
        rates.used.add(read);
        if (cold.isEmpty() && !read.get(Column.L2).isEmpty()) {
            rates.notes.add(String.format(Locale.ROOT, "no cold memory/read row: the read ceiling (%.1f GB/s) is a %s one, which caches may flatter",
                    rates.readBytesPerS / 1e9, read.get(Column.L2)));
        }
        return rates;
    }

    /** The rows the lookups so far have read a rate or a time from (the read ceiling's among them). */
    public Set<ResultRow> usedRows() {
        return Collections.unmodifiableSet(used);
    }

    /** The measured cold read bandwidth: the ceiling for streaming, and the fallback rate. */
    public double readBytesPerS() {
        return readBytesPerS;
    }

    /** What the lookups had to assume: fallbacks, extrapolations, shapes reused from far away. */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    private static boolean is(ResultRow r, String suite, String kernel) {
        return r.get(Column.SUITE).equals(suite) && r.get(Column.KERNEL).equals(kernel) && r.number(Column.TIME_MEDIAN_S) > 0;
    }

    private List<ResultRow> select(Predicate<ResultRow> p) {
        return rows.stream().filter(p).toList();
    }

    /** The largest batch measured for a weight format's qgemv rows (0 when none). */
    public int largestQgemvBatch(WeightFormat f) {
        return qgemvRows(f).stream().mapToInt(r -> (int) r.number(Column.BATCH)).max().orElse(0);
    }

    private List<ResultRow> qgemvRows(WeightFormat f) {
        // bf16 weights stream exactly like fp16 ones
        String id = f == WeightFormat.BF16 ? WeightFormat.FP16.id() : f.id();
        return select(r -> is(r, "qgemv", "qgemv") && r.get(Column.WEIGHT_FORMAT).equals(id));
    }

    /** A product's own qgemv rows (its rows x cols measured), else every row of the format. */
    private List<ResultRow> qgemvRows(WeightFormat f, int rows, int cols) {
        List<ResultRow> all = qgemvRows(f);
        List<ResultRow> own = all.stream().filter(r -> r.number(Column.N) == rows && r.number(Column.K) == cols).toList();
        return own.isEmpty() ? all : own;
    }

    /** The largest batch of {@link #qgemvRows(WeightFormat, int, int)} (0 when none). */
    private int largestQgemvBatch(WeightFormat f, int rows, int cols) {
        return qgemvRows(f, rows, cols).stream().mapToInt(r -> (int) r.number(Column.BATCH)).max().orElse(0);
    }

    /**
     * Seconds of a rows x cols linear layer in {@code f} over {@code tokens} tokens of a prefill (or
     * of one sequence's last token), on the path the prefill takes ({@link QGemv#prefillRunsQgemv}):
     * qgemv ({@link #qgemvPathSeconds}'s rule), or the GEMM rule. NaN, with a note, when the run
     * measured no compute rate and no qgemv.
     */
    public double linearSeconds(WeightFormat f, double tokens, int rows, int cols) {
        if (tokens <= 1 || QGemv.prefillRunsQgemv(f, tokens)) {
            return qgemvPathSeconds(f, tokens, rows, cols);
        }
        double gemm = gemmSeconds(f, tokens, rows, cols);
        return Double.isNaN(gemm) && largestQgemvBatch(f, rows, cols) > 0 ? qgemvPathSeconds(f, tokens, rows, cols) : gemm;
    }

    /**
     * Seconds of a product on qgemv (or the experts kernel, whose chunks are qgemv's) over {@code tokens}
     * rows (fractional: an expert's share): the qgemv rule up to the largest measured batch, past it
     * that batch's time per row (the rows run in chunks of it). Without qgemv rows of the format, the
     * rule's read-ceiling fallback at every row count.
     */
    public double qgemvPathSeconds(WeightFormat f, double tokens, int rows, int cols) {
        int largest = largestQgemvBatch(f, rows, cols);
        if (largest == 0 || tokens <= largest) {
            return qgemvSeconds(f, tokens, rows, cols);
        }
        return qgemvSeconds(f, largest, rows, cols) * tokens / largest;
    }

    /**
     * Seconds of a linear layer in a decode step of {@code tokens} tokens (fractional for an MoE
     * expert's share of a batch); noted when the batch is past the measured qgemv batches. Without
     * any compute rate, the weights' bytes at the read ceiling (a lower bound, noted).
     */
    public double decodeLinearSeconds(WeightFormat f, double tokens, int rows, int cols) {
        int largest = largestQgemvBatch(f, rows, cols);
        if (tokens <= Math.max(largest, 1)) {
            return qgemvSeconds(f, tokens, rows, cols);
        }
        double gemm = gemmSeconds(f, tokens, rows, cols);
        if (largest == 0) {
            return Double.isNaN(gemm) ? qgemvSeconds(f, tokens, rows, cols) : gemm;
        }
        notes.add(String.format(Locale.ROOT, "qgemv %s: decode batches past the largest measured (%d) take the larger of its time and the gemm rule",
                f.id(), largest));
        // the weights stream at least once (the largest batch's time); and the tokens could always run
        // in chunks of the largest batch, so never more than that per token
        double chunk = qgemvSeconds(f, largest, rows, cols);
        return Double.isNaN(gemm) ? chunk * tokens / largest : Math.max(chunk, Math.min(gemm, chunk * tokens / largest));
    }

    private double qgemvSeconds(WeightFormat f, double tokens, int rows, int cols) {
        // the shape's own rows where it was measured: another shape measured at a batch it lacks is no nearer than its own batches
        List<ResultRow> candidates = qgemvRows(f, rows, cols);
        if (candidates.isEmpty()) {
            notes.add(String.format(Locale.ROOT, "no qgemv rows for %s weights: they stream at the memory/read ceiling (%.1f GB/s)", f.id(), readBytesPerS / 1e9));
            return bytes(f, rows, cols, tokens) / readBytesPerS;
        }
        // batch -> the row of the nearest shape at that batch, and the needed shape's time at its rate
        TreeMap<Integer, ResultRow> nearestRows = new TreeMap<>();
        TreeMap<Integer, Double> times = new TreeMap<>();
        for (int b : candidates.stream().mapToInt(r -> (int) r.number(Column.BATCH)).distinct().toArray()) {
            ResultRow best = nearest(candidates.stream().filter(c -> c.number(Column.BATCH) == b).toList(),
                    c -> Math.abs(Math.log(c.number(Column.N) * c.number(Column.K) / ((double) rows * cols))));
            nearestRows.put(b, best);
            times.put(b, QGemv.workload(f, rows, cols, b).bytesMoved() / sustained(best, Column.BYTES_PER_S));
        }
        // a note only for the batches the interpolation reads
        var floor = nearestRows.floorEntry((int) Math.floor(tokens));
        var ceiling = nearestRows.ceilingEntry((int) Math.ceil(tokens));
        for (var read : new LinkedHashSet<>(Arrays.asList(floor, ceiling))) {
            if (read == null) {
                continue;
            }
            used.add(read.getValue());
            double rowNk = read.getValue().number(Column.N) * read.getValue().number(Column.K);
            if (Math.max(rowNk, (double) rows * cols) / Math.min(rowNk, (double) rows * cols) > FAR) {
                notes.add(String.format(Locale.ROOT, "qgemv %s: %dx%d timed from the %sx%s row's bytes/s", f.id(), rows, cols,
                        read.getValue().get(Column.N), read.getValue().get(Column.K)));
            }
        }
        return interpolateInBatch(times, tokens);
    }

    /** Marks the rows {@link #interpolateInBatch} reads at {@code tokens}: the measured counts around it. */
    private void markAround(TreeMap<Integer, ResultRow> byCount, double tokens) {
        var floor = byCount.floorEntry((int) Math.floor(tokens));
        var ceiling = byCount.ceilingEntry((int) Math.ceil(tokens));
        if (floor != null) {
            used.add(floor.getValue());
        }
        if (ceiling != null) {
            used.add(ceiling.getValue());
        }
    }

    /** Time at {@code tokens} from times at measured batches: linear between, held at the ends. */
    private static double interpolateInBatch(TreeMap<Integer, Double> times, double tokens) {
        var floor = times.floorEntry((int) Math.floor(tokens));
        var ceiling = times.ceilingEntry((int) Math.ceil(tokens));
        if (floor == null || ceiling == null) {
            return (floor == null ? ceiling : floor).getValue();
        }
        if (floor.getKey().equals(ceiling.getKey())) {
            return floor.getValue();
        }
        double w = (tokens - floor.getKey()) / (ceiling.getKey() - floor.getKey());
        return floor.getValue() + w * (ceiling.getValue() - floor.getValue());
    }

    /** The needed shape's qgemv bytes at a fractional batch: weights once, x and y per token. */
    private static double bytes(WeightFormat f, int rows, int cols, double tokens) {
        long w0 = QGemv.workload(f, rows, cols, 0).bytesMoved();
        long w1 = QGemv.workload(f, rows, cols, 1).bytesMoved();
        return w0 + tokens * (w1 - w0);
    }

    /**
     * Prefill linear layers: the 16-bit GEMM's rate, after int8 / int4 weights are dequantised to
     * fp16 ({@link #dequantizeSeconds}), as the synthetic model's prefill and engines on long prompts do.
     */
    private double gemmSeconds(WeightFormat f, double tokens, int rows, int cols) {
        double flops = 2 * tokens * rows * cols;
        double dequantize = f.quantized() ? dequantizeSeconds(f, rows, cols) : 0;
        return flops / gemmFlopsPerS(f == WeightFormat.BF16 ? "bf16" : "fp16", tokens, (double) rows * cols) + dequantize;
    }

    /**
     * Seconds to dequantise a rows x cols matrix to fp16: the qgemv/dequantize row of the format
     * nearest in n·k gives bytes/s ({@link QGemv#dequantizeWorkload}'s bytes over it); without one,
     * those bytes at the read ceiling (noted).
     */
    double dequantizeSeconds(WeightFormat f, int rows, int cols) {
        double bytes = QGemv.dequantizeWorkload(f, rows, cols).bytesMoved();
        List<ResultRow> measured = select(r -> is(r, "qgemv", "dequantize") && r.get(Column.WEIGHT_FORMAT).equals(f.id()) && r.number(Column.BYTES_PER_S) > 0);
        if (measured.isEmpty()) {
            notes.add("no qgemv/dequantize rows for " + f.id() + ": the prefill's dequantisation streams at the read ceiling");
            return bytes / readBytesPerS;
        }
        ResultRow best = nearest(measured, r -> Math.abs(Math.log(r.number(Column.N) * r.number(Column.K) / ((double) rows * cols))));
        used.add(best);
        return bytes / sustained(best, Column.BYTES_PER_S);
    }

    /** FLOP/s of the gemm row nearest the shape (same dtype preferred). */
    double gemmFlopsPerS(String dtype, double m, double nk) {
        List<ResultRow> gemm = select(r -> is(r, "gemm", "gemm") && r.number(Column.FLOPS_PER_S) > 0);
        List<ResultRow> same = gemm.stream().filter(r -> r.get(Column.DTYPE).equals(dtype)).toList();
        if (gemm.isEmpty()) {
            double fallback = rows.stream().filter(r -> is(r, "qgemv", "qgemv")).mapToDouble(r -> sustained(r, Column.FLOPS_PER_S)).max().orElse(0);
            if (fallback > 0) {
                notes.add(String.format(Locale.ROOT, "no gemm rows: prefill matrix products at the best qgemv FLOP rate (%.1f GFLOP/s), a lower bound", fallback / 1e9));
                return fallback;
            }
            notes.add("no gemm or qgemv rows: no compute rate, so no prefill (TTFT, input $) and no batched products (run --suite qgemv,gemm,attention)");
            return Double.NaN;
        }
        if (same.isEmpty()) {
            notes.add("no " + dtype + " gemm rows: prefill uses the other 16-bit type's rate");
            same = gemm;
        }
        ResultRow best = nearest(same, r -> Math.abs(Math.log(r.number(Column.M) / m))
                + Math.abs(Math.log(r.number(Column.N) * r.number(Column.K) / nk)));
        if (Math.max(best.number(Column.M), m) / Math.min(best.number(Column.M), m) > FAR) {
            notes.add(String.format(Locale.ROOT, "gemm: %s tokens timed at the rate of the m=%s row", trim(m), best.get(Column.M)));
        }
        used.add(best);
        return sustained(best, Column.FLOPS_PER_S);
    }

    /**
     * Seconds of one layer's small ops (norms, rotary, SwiGLU, conversions) over {@code tokens} rows:
     * the ops rows of the step's kind at this model's widths (n = hidden, k = ffn, same heads),
     * linear in tokens between measured counts, the smallest count's time below it (launch-bound),
     * per token beyond the largest. Empty without such rows.
     */
    public OptionalDouble layerOpsSeconds(boolean prefill, double tokens, ModelSpec m) {
        String kernel = prefill ? "prefill_layer_ops" : "decode_layer_ops";
        Column count = prefill ? Column.SEQ_LEN : Column.BATCH;
        List<ResultRow> measured = select(r -> is(r, "ops", kernel) && r.number(Column.N) == m.hidden() && r.number(Column.K) == m.ffn()
                && r.number(Column.HEADS) == m.heads() && r.number(Column.KV_HEADS) == m.kvHeads() && r.number(Column.HEAD_DIM) == m.headDim());
        if (measured.isEmpty()) {
            notes.add("no ops/" + kernel + " rows at this model's widths: its norms, rotary and SwiGLU stream at the read ceiling");
            return OptionalDouble.empty();
        }
        TreeMap<Integer, Double> times = new TreeMap<>();
        TreeMap<Integer, ResultRow> byCount = new TreeMap<>();
        measured.forEach(r -> {
            times.put((int) r.number(count), meanSeconds(r));
            byCount.put((int) r.number(count), r);
        });
        var largest = times.lastEntry();
        if (tokens > largest.getKey()) {
            notes.add(String.format(Locale.ROOT, "ops/%s: %s tokens timed per token from the largest measured (%d)", kernel, trim(tokens), largest.getKey()));
            used.add(byCount.lastEntry().getValue());
            return OptionalDouble.of(largest.getValue() * tokens / largest.getKey());
        }
        markAround(byCount, tokens);
        return OptionalDouble.of(interpolateInBatch(times, tokens));
    }

    /** Seconds of one layer's decode attention: batch sequences, each reading its context's K and V. */
    public double decodeAttentionSeconds(AttentionDecode.KvFormat kv, int batch, long context, int heads, int kvHeads, int headDim) {
        double bytes = decodeAttentionBytes(kv, batch, context, heads, kvHeads, headDim);
        List<ResultRow> all = select(r -> is(r, "attention", "decode") && r.get(Column.WEIGHT_FORMAT).equals(kv.id()));
        if (all.isEmpty()) {
            notes.add(String.format(Locale.ROOT, "no attention/decode rows for %s KV: the cache streams at the memory/read ceiling", kv.id()));
            return bytes / readBytesPerS;
        }
        List<ResultRow> sameHeads = all.stream().filter(r -> r.number(Column.HEAD_DIM) == headDim
                && r.number(Column.HEADS) / r.number(Column.KV_HEADS) == (double) heads / kvHeads).toList();
        if (sameHeads.isEmpty()) {
            notes.add(String.format(Locale.ROOT, "attention/decode: no rows with %d q per kv head x %d dims; bytes/s taken from other layouts", heads / kvHeads, headDim));
            sameHeads = all;
        }
        // bytes/s at the context on the curves of the measured batches around the batch, then linear in log(batch) between them
        TreeSet<Double> batches = new TreeSet<>(sameHeads.stream().map(r -> r.number(Column.BATCH)).toList());
        Double below = batches.floor((double) batch);
        Double above = batches.ceiling((double) batch);
        List<ResultRow> pool = sameHeads;
        ToDoubleFunction<Double> bwAt = b -> interpolateInLog(pool.stream().filter(r -> r.number(Column.BATCH) == b).toList(), Column.CONTEXT,
                r -> sustained(r, Column.BYTES_PER_S), context, "attention/decode " + kv.id() + " context");
        double bw;
        if (below == null || above == null || below.equals(above)) {
            bw = bwAt.applyAsDouble(below == null ? above : below);
        } else {
            double w = Math.log(batch / below) / Math.log(above / below);
            double low = bwAt.applyAsDouble(below);
            bw = low + w * (bwAt.applyAsDouble(above) - low);
        }
        return bytes / bw;
    }

    /** Bytes of one layer's decode attention: {@link AttentionDecode#workload}'s count. */
    static double decodeAttentionBytes(AttentionDecode.KvFormat kv, int batch, long context, int heads, int kvHeads, int headDim) {
        return AttentionDecode.workload(kv, batch, heads, kvHeads, headDim, context).bytesMoved();
    }

    /**
     * Seconds of one layer's prefill attention for one sequence whose {@code newTokens} last tokens
     * (of {@code seq}) attend causally to everything before them; FLOPs 4·heads·D per kept pair.
     */
    public double prefillAttentionSeconds(String dtype, long seq, long newTokens, int heads, int headDim) {
        long cached = seq - newTokens;
        double pairs = seq * (seq + 1.0) / 2 - cached * (cached + 1.0) / 2;
        double flops = 4.0 * heads * headDim * pairs;
        List<ResultRow> all = select(r -> is(r, "attention", "prefill") && r.number(Column.FLOPS_PER_S) > 0);
        if (all.isEmpty()) {
            notes.add("no attention/prefill rows: prefill attention at the gemm rate");
            return flops / gemmFlopsPerS(dtype, seq, (double) heads * headDim * headDim);
        }
        List<ResultRow> same = all.stream().filter(r -> r.get(Column.DTYPE).equals(dtype)).toList();
        List<ResultRow> pool = same.isEmpty() ? all : same;
        ResultRow nearestBatch = nearest(pool, r -> Math.abs(Math.log(r.number(Column.BATCH))));
        List<ResultRow> curve = pool.stream().filter(r -> r.number(Column.BATCH) == nearestBatch.number(Column.BATCH)).toList();
        return flops / interpolateInLog(curve, Column.SEQ_LEN, r -> sustained(r, Column.FLOPS_PER_S), seq, "attention/prefill seq_len");
    }

    /** y at x, linear in log(x) between the rows' (x, y) points (several rows at one x: their mean), held at the ends. */
    private double interpolateInLog(List<ResultRow> curve, Column xColumn, ToDoubleFunction<ResultRow> y, double x, String what) {
        TreeMap<Double, List<ResultRow>> points = new TreeMap<>();
        for (ResultRow r : curve) {
            points.computeIfAbsent(r.number(xColumn), k -> new ArrayList<>()).add(r);
        }
        var floor = points.floorEntry(x);
        var ceiling = points.ceilingEntry(x);
        if (floor == null || ceiling == null) {
            var end = floor == null ? ceiling : floor;
            if (Math.max(end.getKey(), x) / Math.min(end.getKey(), x) > FAR / 2) {
                notes.add(String.format(Locale.ROOT, "%s %s outside the measured %s..%s: the nearest end's rate", what, trim(x),
                        trim(points.firstKey()), trim(points.lastKey())));
            }
            return mean(end.getValue(), y);
        }
        if (floor.getKey().equals(ceiling.getKey())) {
            return mean(floor.getValue(), y);
        }
        double w = Math.log(x / floor.getKey()) / Math.log(ceiling.getKey() / floor.getKey());
        double low = mean(floor.getValue(), y);
        return low + w * (mean(ceiling.getValue(), y) - low);
    }

    /**
     * A row's rate over its mean launch rather than its median (the rows' headline: what one launch
     * typically takes). A step is a sum of launches, and a sum's expectation is the sum of the means:
     * on a host the launches have a tail (a worker thread preempted, the JIT or the GC taking a core),
     * so the medians add up short (OLMoE's int4 2048x2048 row on the dev VM: median 0.235 ms, mean
     * 0.331 ms). The rows' rarest stalls (20-45 ms) did not show in the steps' samples, so on the dev
     * VM the sum of means ran 2-4 % over the OLMoE decode step. On GPUs the two are close. Rows
     * without a mean: the headline.
     */
    static double sustained(ResultRow r, Column rate) {
        double median = r.number(Column.TIME_MEDIAN_S);
        double mean = r.number(Column.TIME_MEAN_S);
        return mean > 0 && median > 0 ? r.number(rate) * median / mean : r.number(rate);
    }

    /** A row's mean launch time (its median where it has no mean): see {@link #sustained}. */
    static double meanSeconds(ResultRow r) {
        double mean = r.number(Column.TIME_MEAN_S);
        return mean > 0 ? mean : r.number(Column.TIME_MEDIAN_S);
    }

    /** The mean of {@code y} over rows the lookup reads (and so marks used). */
    private double mean(List<ResultRow> read, ToDoubleFunction<ResultRow> y) {
        used.addAll(read);
        return read.stream().mapToDouble(y).average().orElseThrow();
    }

    private static ResultRow nearest(List<ResultRow> candidates, ToDoubleFunction<ResultRow> distance) {
        return candidates.stream().min(Comparator.comparingDouble(distance)).orElseThrow();
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
