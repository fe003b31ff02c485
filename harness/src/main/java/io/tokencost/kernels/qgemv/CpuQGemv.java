package io.tokencost.kernels.qgemv;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.cpu.CpuBuffer;
import io.tokencost.backend.cpu.CpuParallel;
import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.CpuScratch;
import io.tokencost.kernels.CpuVectors;
import io.tokencost.kernels.Half;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast CPU twin of kernels/qgemv.cu, in {@link QGemv}'s layouts: rows split over the cores,
 * each row's weights streamed once, dequantised in registers a vector at a time (16 lanes on
 * AVX-512, 8 on AVX2) and
 * multiplied into fp32 accumulators. Batch 1 fuses dequantisation and the dot product; larger
 * batches dequantise a row once into a scratch row and take one dot product per batch row.
 * The fp16 conversion flushes subnormal weights (|w| < 6.1e-5) to zero: the only inexact step.
 */
final class CpuQGemv implements QGemvKernels {

    private static final VectorSpecies<Float> F = CpuVectors.F;
    private static final VectorSpecies<Integer> I = CpuVectors.I;
    private static final VectorSpecies<Byte> B = CpuVectors.B;
    private static final int L = CpuVectors.L;
    private static final float FP16_X_SCALE = CpuVectors.FP16_X_SCALE;
    /** Words of one int4 group (128 weights): a multiple of L. */
    private static final int GROUP_WORDS = QGemv.GROUP / 8;
    /** Where the data of the x-side arrays (x as floats, scaled, in planes; a dequantised row) starts: on a line. */
    private static final int S = CpuScratch.START;
    /** Batch rows that meet a dequantised weight row together; see {@link #rows}. */
    static final int BATCH_BLOCK = 16;
    /** Weight rows that meet one batch block before the next block starts. */
    static final int ROW_TILE = 16;

    private final CpuParallel parallel;
    /** x as floats; fp16's x scaled (batch 1); int4's x in plane order: the calling thread's, reused per launch, data from {@link #S}. */
    private final CpuScratch xFloats = new CpuScratch(1);
    private final CpuScratch xScaled = new CpuScratch(1);
    private final CpuScratch xPlanes = new CpuScratch(1);
    /** Each worker's dequantised row (batches past 1), from {@link #S}. */
    private final CpuScratch rowScratch;

    CpuQGemv(CpuParallel parallel) {
        this.parallel = parallel;
        this.rowScratch = new CpuScratch(parallel.threads());
    }

    /** Batches past {@link QGemv#MAX_BATCH}: chunks of it, each a pass over the weights, as the CUDA kernels run them. */
    @Override
    public void gemv(WeightFormat format, Buffer y, Buffer x, Buffer weights, Buffer scales, int n, int k, int batch) {
        QGemv.checkBuffers(format, y, x, weights, scales, n, k, batch);
        float[] out = CpuBuffer.floats(y);
        short[] xs = CpuBuffer.halves(x);
        QGemv.forEachPass(batch, (first, rows) ->
                product(format, out, first * n, toFloats(xs, first * k, rows * k, xFloats.floats(rows * k)), weights, scales, 0, n, k, rows));
    }

    /** Expert by expert, its rows as one batch (the host reads the routing: no device to wait for). */
    @Override
    public void expertsGemv(WeightFormat format, Buffer y, Buffer x, Buffer weights, Buffer scales, Buffer expertIds, Buffer starts, int experts,
                            int n, int k, int rows, int maxRowsPerExpert) {
        QGemv.checkExperts(format, y, x, weights, scales, expertIds, starts, experts, n, k, rows, maxRowsPerExpert);
        int[] ids = CpuBuffer.ints(expertIds);
        int[] first = CpuBuffer.ints(starts);
        float[] out = CpuBuffer.floats(y);
        short[] xs = CpuBuffer.halves(x);
        for (int i = 0; i < Math.min(experts, rows); i++) {
            int count = first[i + 1] - first[i];
            if (count < 0 || count > maxRowsPerExpert || ids[i] < 0 || ids[i] >= experts || first[i + 1] > rows) {
                throw new IllegalArgumentException("qgemv experts: listed expert " + i + " (expert " + ids[i] + ", rows " + first[i] + ".."
                        + first[i + 1] + ") is outside " + experts + " experts, " + rows + " rows, " + maxRowsPerExpert + " per expert");
            }
            if (count > 0) {
                product(format, out, first[i] * n, toFloats(xs, first[i] * k, count * k, xFloats.floats(count * k)), weights, scales, ids[i] * n, n, k, count);
            }
        }
    }

    /** out[outOffset + b·n + row] = x[b] · W[firstRow + row] for rows 0..n-1 of the stored matrix from firstRow; xf's data from {@link #S}. */
    private void product(WeightFormat format, float[] out, int outOffset, float[] xf, Buffer weights, Buffer scales, int firstRow, int n, int k,
                         int batch) {
        switch (format) {
            case FP16 -> {
                short[] w = CpuBuffer.halves(weights);
                float[] xs = batch == 1 ? scaledForFp16(xf, k, xScaled.floats(k)) : null;
                rows(n, k, batch, out, outOffset, xf, (row, scratch) -> batch == 1
                        ? dotFp16(w, (long) (firstRow + row) * k, xs, k)
                        : dequantFp16(w, (long) (firstRow + row) * k, scratch, k));
            }
            case INT8 -> {
                byte[] q = CpuBuffer.bytes(weights);
                short[] s = CpuBuffer.halves(scales);
                rows(n, k, batch, out, outOffset, xf, (row, scratch) -> batch == 1
                        ? Half.toFloat(s[firstRow + row]) * dotInt8(q, (long) (firstRow + row) * k, xf, k)
                        : dequantInt8(q, (long) (firstRow + row) * k, Half.toFloat(s[firstRow + row]), scratch, k));
            }
            case INT4_G128 -> {
                int[] q = CpuBuffer.ints(weights);
                short[] s = CpuBuffer.halves(scales);
                float[] planes = int4Planes(xf, k, batch, xPlanes.floats(batch * k));
                // batch > 1: rows dequantised in plane order meet x in plane order
                rows(n, k, batch, out, outOffset, planes, (row, scratch) -> batch == 1
                        ? dotInt4(q, firstRow + row, s, planes, k)
                        : dequantInt4(q, firstRow + row, s, scratch, k));
            }
            default -> throw new IllegalArgumentException("qgemv does not implement " + format);
        }
    }

    /**
     * Per row (int8) or per 128-group (int4) a table of the fp16 value of every code, built with the
     * reference's rounding, then one lookup per weight: bit-identical to {@link QGemv#dequantizeReference}.
     */
    @Override
    public void dequantize(WeightFormat format, Buffer out, Buffer weights, Buffer scales, int n, int k) {
        QGemv.checkDequantize(format, out, weights, scales, n, k);
        short[] o = CpuBuffer.halves(out);
        short[] s = CpuBuffer.halves(scales);
        boolean int8 = format == WeightFormat.INT8;
        byte[] q8 = int8 ? CpuBuffer.bytes(weights) : null;
        int[] q4 = int8 ? null : CpuBuffer.ints(weights);
        parallel.forRange(n, 1, (worker, from, to) -> {
            short[] table = new short[int8 ? 256 : 16];
            for (int row = from; row < to; row++) {
                long base = (long) row * k;
                if (int8) {
                    fillTable(table, -128, Half.toFloat(s[row]));
                    for (int c = 0; c < k; c++) {
                        o[(int) (base + c)] = table[q8[(int) (base + c)] + 128];
                    }
                    continue;
                }
                for (int g = 0; g < k / QGemv.GROUP; g++) {
                    fillTable(table, -8, Half.toFloat(s[row * (k / QGemv.GROUP) + g]));
                    for (int w = 0; w < GROUP_WORDS; w++) {
                        int word = q4[row * (k / 8) + g * GROUP_WORDS + w];
                        int at = (int) base + g * QGemv.GROUP + 8 * w;
                        for (int i = 0; i < 8; i++) {
                            o[at + i] = table[(word >>> (4 * i)) & 0xf];
                        }
                    }
                }
            }
        });
    }

    /** table[i] = fp16((i + lowest) * scale): the product is exact in float, so one rounding. */
    private static void fillTable(short[] table, int lowest, float scale) {
        for (int i = 0; i < table.length; i++) {
            table[i] = Half.fromFloat((i + lowest) * scale);
        }
    }

    /**
     * For batch 1 returns the row's dot product; for larger batches fills {@code scratch} with the
     * dequantised row from {@link #S}. {@code scratch} (k floats per thread) is the kernel's to use either way.
     */
    @FunctionalInterface
    private interface RowKernel {
        float apply(int row, float[] scratch);
    }

    /**
     * Batches past {@value #BATCH_BLOCK} run in blocks of it over tiles of {@value #ROW_TILE} rows: a
     * block's x (16 x 14336 floats: 0.9 MiB) stays in a core's L2 while the tile's rows meet it, and the
     * tile's weights are re-read from L2 for the next block. Unblocked, batch 64 at 4096 x 14336 int4
     * took 206 ms against 23 ms at batch 16 (x streamed from L3 for every row).
     */
    private void rows(int n, int k, int batch, float[] y, int yOffset, float[] xf, RowKernel kernel) {
        parallel.forRange(n, 1, (worker, from, to) -> {
            float[] scratch = rowScratch.floats(worker, k);
            if (batch == 1) {
                for (int row = from; row < to; row++) {
                    y[yOffset + row] = kernel.apply(row, scratch);
                }
                return;
            }
            for (int tile = from; tile < to; tile += ROW_TILE) {
                int tileEnd = Math.min(to, tile + ROW_TILE);
                for (int first = 0; first < batch; first += BATCH_BLOCK) {
                    int end = Math.min(batch, first + BATCH_BLOCK);
                    for (int row = tile; row < tileEnd; row++) {
                        kernel.apply(row, scratch);
                        int b = first;
                        for (; b + 4 <= end; b += 4) {
                            dot4(scratch, S, xf, S + b * k, k, y, yOffset + b * n + row, n);
                        }
                        for (; b < end; b++) {
                            y[yOffset + b * n + row] = dot(scratch, S, xf, S + b * k, k);
                        }
                    }
                }
            }
        });
    }

    /** {@code count} halves from {@code from} as floats into {@code out} from {@link #S}; returns {@code out}. */
    static float[] toFloats(short[] halves, int from, int count, float[] out) {
        for (int i = 0; i < count; i++) {
            out[S + i] = Half.toFloat(halves[from + i]);
        }
        return out;
    }

    // ------------------------------------------------------------------ fp16

    /** The first {@code k} of x scaled by 2^112 (|x| <= 65504 stays finite) into {@code out}, for {@link #dotFp16}; both from {@link #S}. */
    private static float[] scaledForFp16(float[] x, int k, float[] out) {
        for (int i = S; i < S + k; i++) {
            out[i] = x[i] * FP16_X_SCALE;
        }
        return out;
    }

    private static float dotFp16(short[] w, long rowStart, float[] xScaled, int k) {
        int base = Math.toIntExact(rowStart);
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int i = 0;
        for (; i <= k - 2 * L; i += 2 * L) {
            acc0 = CpuVectors.halvesToScaledFloats(w, base + i).fma(FloatVector.fromArray(F, xScaled, S + i), acc0);
            acc1 = CpuVectors.halvesToScaledFloats(w, base + i + L).fma(FloatVector.fromArray(F, xScaled, S + i + L), acc1);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < k; i++) {
            sum += Half.toFloat(w[base + i]) * (xScaled[S + i] / FP16_X_SCALE);
        }
        return sum;
    }

    private static float dequantFp16(short[] w, long rowStart, float[] out, int k) {
        CpuVectors.halvesToFloats(w, Math.toIntExact(rowStart), k, out, S);
        return 0;
    }

    // ------------------------------------------------------------------ int8 (per-row scale)

    private static float dotInt8(byte[] q, long rowStart, float[] x, int k) {
        int base = Math.toIntExact(rowStart);
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int i = 0;
        for (; i <= k - 2 * L; i += 2 * L) {
            FloatVector w0 = (FloatVector) ByteVector.fromArray(B, q, base + i).castShape(F, 0);
            FloatVector w1 = (FloatVector) ByteVector.fromArray(B, q, base + i + L).castShape(F, 0);
            acc0 = w0.fma(FloatVector.fromArray(F, x, S + i), acc0);
            acc1 = w1.fma(FloatVector.fromArray(F, x, S + i + L), acc1);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < k; i++) {
            sum += q[base + i] * x[S + i];
        }
        return sum;
    }

    private static float dequantInt8(byte[] q, long rowStart, float scale, float[] out, int k) {
        int base = Math.toIntExact(rowStart);
        int i = 0;
        for (; i <= k - L; i += L) {
            ((FloatVector) ByteVector.fromArray(B, q, base + i).castShape(F, 0)).mul(scale).intoArray(out, S + i);
        }
        for (; i < k; i++) {
            out[S + i] = q[base + i] * scale;
        }
        return 0;
    }

    // ------------------------------------------------------------------ int4, group 128

    /**
     * x in the int4 layout's order: plane j (at j·K/8) holds x[8i + j], so nibble j of 16
     * consecutive words meets 16 consecutive floats. For batch b the planes start at b·K. Read from
     * x and written into {@code planes} (which it returns) from {@link #S}.
     */
    static float[] int4Planes(float[] x, int k, int batch, float[] planes) {
        int words = k / 8;
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < 8; j++) {
                for (int i = 0; i < words; i++) {
                    planes[S + b * k + j * words + i] = x[S + b * k + 8 * i + j];
                }
            }
        }
        return planes;
    }

    /**
     * Σ_g s_g · Σ (u − 8)·x over the row's groups: one group (16 words) per iteration. Each nibble
     * comes out as u − 8 directly (the word XOR 0x88888888 flips every nibble's top bit, and an
     * arithmetic shift then reads it as a signed 4-bit value), so no zero-point term is subtracted
     * at the end: Σ u·x − 8 Σx lost digits to cancellation (a single-row product 1e-4 to 7e-4 off the
     * float64 reference). A group's scale converts as a scalar: one per 128 weights, and no vector to
     * box when C2 compiles this loop on its own.
     */
    private static float dotInt4(int[] q, int row, short[] scales, float[] p, int k) {
        int words = k / 8;
        int groups = k / QGemv.GROUP;
        int base = row * words;
        FloatVector acc = FloatVector.zero(F);
        for (int g = 0; g < groups; g++) {
            FloatVector grp = FloatVector.zero(F);
            for (int sub = 0; sub < GROUP_WORDS; sub += L) {
                int at = g * GROUP_WORDS + sub;
                int pAt = S + at;
                IntVector w = IntVector.fromArray(I, q, base + at).lanewise(VectorOperators.XOR, 0x88888888);
                grp = signedNibble(w, 0).fma(FloatVector.fromArray(F, p, pAt), grp);
                grp = signedNibble(w, 1).fma(FloatVector.fromArray(F, p, words + pAt), grp);
                grp = signedNibble(w, 2).fma(FloatVector.fromArray(F, p, 2 * words + pAt), grp);
                grp = signedNibble(w, 3).fma(FloatVector.fromArray(F, p, 3 * words + pAt), grp);
                grp = signedNibble(w, 4).fma(FloatVector.fromArray(F, p, 4 * words + pAt), grp);
                grp = signedNibble(w, 5).fma(FloatVector.fromArray(F, p, 5 * words + pAt), grp);
                grp = signedNibble(w, 6).fma(FloatVector.fromArray(F, p, 6 * words + pAt), grp);
                grp = signedTopNibble(w).fma(FloatVector.fromArray(F, p, 7 * words + pAt), grp);
            }
            acc = grp.fma(FloatVector.broadcast(F, Half.toFloat(scales[row * groups + g])), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /**
     * Nibble j (0..6) of a vector of words as floats 0..15. convertShape names its target species:
     * JDK 17's convert(I2F, 0) looks the species up at run time, C2 cannot fold it to a constant, and
     * the conversion then runs out of line on boxed vectors (3-15 GB/s of garbage in a decode step,
     * some JVMs 2.5x slower than others).
     */
    private static FloatVector nibble(IntVector words, int j) {
        return (FloatVector) words.lanewise(VectorOperators.LSHR, 4 * j).and(0xf).convertShape(VectorOperators.I2F, F, 0);
    }

    /** Nibble 7: the shift alone isolates it. */
    private static FloatVector topNibble(IntVector words) {
        return (FloatVector) words.lanewise(VectorOperators.LSHR, 28).convertShape(VectorOperators.I2F, F, 0);
    }

    /** Nibble j (0..6) of words whose nibbles had their top bit flipped, as the signed floats u − 8. */
    private static FloatVector signedNibble(IntVector flipped, int j) {
        return (FloatVector) flipped.lanewise(VectorOperators.LSHL, 28 - 4 * j).lanewise(VectorOperators.ASHR, 28).convertShape(VectorOperators.I2F, F, 0);
    }

    /** Nibble 7: the arithmetic shift alone. */
    private static FloatVector signedTopNibble(IntVector flipped) {
        return (FloatVector) flipped.lanewise(VectorOperators.ASHR, 28).convertShape(VectorOperators.I2F, F, 0);
    }

    /** The row's weights (u − 8)·s in plane order from {@link #S}, matching {@link #int4Planes}. */
    private static float dequantInt4(int[] q, int row, short[] scales, float[] out, int k) {
        int words = k / 8;
        int groups = k / QGemv.GROUP;
        FloatVector eight = FloatVector.broadcast(F, 8f);
        for (int g = 0; g < groups; g++) {
            FloatVector s = FloatVector.broadcast(F, Half.toFloat(scales[row * groups + g]));
            for (int sub = 0; sub < GROUP_WORDS; sub += L) {
                int at = g * GROUP_WORDS + sub;
                IntVector w = IntVector.fromArray(I, q, row * words + at);
                for (int j = 0; j < 7; j++) {
                    nibble(w, j).sub(eight).mul(s).intoArray(out, S + j * words + at);
                }
                topNibble(w).sub(eight).mul(s).intoArray(out, S + 7 * words + at);
            }
        }
        return 0;
    }

    // ------------------------------------------------------------------ shared

    /**
     * Four dot products of {@code a} (from {@code aOffset}) with four consecutive rows of {@code x}
     * (from {@code xOffset}, k apart), each vector of {@code a} loaded once for all four; results go
     * to y[yAt + i·n].
     */
    private static void dot4(float[] a, int aOffset, float[] x, int xOffset, int k, float[] y, int yAt, int n) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        FloatVector acc2 = FloatVector.zero(F);
        FloatVector acc3 = FloatVector.zero(F);
        int i = 0;
        for (; i <= k - L; i += L) {
            FloatVector w = FloatVector.fromArray(F, a, aOffset + i);
            acc0 = w.fma(FloatVector.fromArray(F, x, xOffset + i), acc0);
            acc1 = w.fma(FloatVector.fromArray(F, x, xOffset + k + i), acc1);
            acc2 = w.fma(FloatVector.fromArray(F, x, xOffset + 2 * k + i), acc2);
            acc3 = w.fma(FloatVector.fromArray(F, x, xOffset + 3 * k + i), acc3);
        }
        float s0 = acc0.reduceLanes(VectorOperators.ADD);
        float s1 = acc1.reduceLanes(VectorOperators.ADD);
        float s2 = acc2.reduceLanes(VectorOperators.ADD);
        float s3 = acc3.reduceLanes(VectorOperators.ADD);
        for (; i < k; i++) {
            float ai = a[aOffset + i];
            s0 += ai * x[xOffset + i];
            s1 += ai * x[xOffset + k + i];
            s2 += ai * x[xOffset + 2 * k + i];
            s3 += ai * x[xOffset + 3 * k + i];
        }
        y[yAt] = s0;
        y[yAt + n] = s1;
        y[yAt + 2 * n] = s2;
        y[yAt + 3 * n] = s3;
    }

    private static float dot(float[] a, int aOffset, float[] b, int bOffset, int k) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int i = 0;
        for (; i <= k - 2 * L; i += 2 * L) {
            acc0 = FloatVector.fromArray(F, a, aOffset + i).fma(FloatVector.fromArray(F, b, bOffset + i), acc0);
            acc1 = FloatVector.fromArray(F, a, aOffset + i + L).fma(FloatVector.fromArray(F, b, bOffset + i + L), acc1);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < k; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }
}
