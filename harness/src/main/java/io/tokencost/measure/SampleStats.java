package io.tokencost.measure;

import java.util.Arrays;

/**
 * Summary of timing samples (seconds): median, min, mean, relative noise (sample standard
 * deviation over mean, as nvbench reports it) and the median's own uncertainty: the half-width of
 * its distribution-free 95 % confidence interval (between the order statistics the binomial
 * distribution puts 1.96 standard deviations either side of the middle), relative to the median.
 */
public record SampleStats(int count, double median, double min, double mean, double noiseRel, double medianCiRel) {

    /** A row whose samples spread more than this (noise_rel) is flagged noisy: its mean and median tell different stories. */
    public static final double NOISY_ABOVE = 0.10;

    /** Whether the samples spread past {@link #NOISY_ABOVE}. */
    public boolean noisy() {
        return noiseRel > NOISY_ABOVE;
    }

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
        return new SampleStats(n, median, sorted[0], mean, noise, medianCiRel(sorted, median));
    }

    /** (x[k] − x[j]) / 2 / median, with j and k the 1-based ranks n/2 ∓ 1.96·√n/2 (clamped to the samples). */
    static double medianCiRel(double[] sorted, double median) {
        int n = sorted.length;
        double half = 1.96 * Math.sqrt(n) / 2;
        int j = Math.max(1, (int) Math.floor(n / 2.0 - half));
        int k = Math.min(n, (int) Math.ceil(n / 2.0 + half) + 1);
        return median > 0 ? (sorted[k - 1] - sorted[j - 1]) / 2 / median : 0;
    }
}
