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

    /** The same distribution filled in parallel, for working sets of gigabytes. */
    public static float[] uniformParallel(int n, long seed) {
        float[] a = new float[n];
        int chunk = 1 << 20;
        int chunks = (n + chunk - 1) / chunk;
        IntStream.range(0, chunks).parallel().forEach(c -> {
            SplittableRandom r = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (c + 1)));
            int end = Math.min(n, (c + 1) * chunk);
            for (int i = c * chunk; i < end; i++) {
                a[i] = 0.5f + (float) r.nextDouble();
            }
        });
        return a;
    }
}
