package io.tokencost.measure;

import java.util.Arrays;

/**
 * Summary of timing samples (seconds): median, min, mean and relative noise (sample standard
 * deviation over mean, as nvbench reports it).
 */
public record SampleStats(int count, double median, double min, double mean, double noiseRel) {

    public static SampleStats of(double[] samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        double sum = 0;
        for (double s : sorted) {
            sum += s;
        }
        double mean = sum / n;
        double sq = 0;
        for (double s : sorted) {
            sq += (s - mean) * (s - mean);
        }
        double noise = n > 1 && mean > 0 ? Math.sqrt(sq / (n - 1)) / mean : 0;
        return new SampleStats(n, median, sorted[0], mean, noise);
    }
}
