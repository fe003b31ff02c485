package io.tokencost.kernels;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

/**
 * Random, non-zero inputs: zeros and constants run faster (less switching, more clock headroom)
 * and would flatter every number. Values are uniform in [0.5, 1.5).
 */
public final class RandomData {

    private RandomData() {
    }

    public static float[] uniform(int n, RandomGenerator random) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = 0.5f + random.nextFloat();
        }
        return a;
    }

    /** Fills {@code [from, to)} of an array from {@code random}. */
    @FunctionalInterface
    public interface RangeFill {
        void fill(SplittableRandom random, int from, int to);
    }

    /**
     * Fills n elements in chunks of 1M, in parallel, each chunk from its own generator seeded from
     * {@code seed} and its index: the same values for the same seed however the chunks are scheduled.
     * A benchmark's setup fills gigabytes (a 128k-vocabulary LM head is 1 GiB of fp16) before it may time anything.
     */
    public static void fillParallel(int n, long seed, RangeFill fill) {
        int chunk = 1 << 20;
        int chunks = (n + chunk - 1) / chunk;
        IntStream.range(0, chunks).parallel().forEach(c ->
                fill.fill(new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (c + 1))), c * chunk, Math.min(n, (c + 1) * chunk)));
    }

    /** The same distribution filled in parallel, for working sets of gigabytes. */
    public static float[] uniformParallel(int n, long seed) {
        float[] a = new float[n];
        fillParallel(n, seed, (r, from, to) -> {
            for (int i = from; i < to; i++) {
                a[i] = 0.5f + (float) r.nextDouble();
            }
        });
        return a;
    }
}
