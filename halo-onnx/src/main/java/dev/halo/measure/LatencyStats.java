package dev.halo.measure;

import java.util.Arrays;

/**
 * Robust summary of repeated latency runs of one architecture, all in milliseconds.
 *
 * @param runs number of timed runs
 * @param minMs fastest run
 * @param medianMs median run
 * @param p90Ms 90th percentile (nearest rank)
 * @param meanMs arithmetic mean
 * @param cv coefficient of variation (sample standard deviation / mean); one stalled run inflates it
 * @param robustCv 1.4826 x median absolute deviation / median: the CV the bulk of the runs would have without
 *     outliers (equals the CV for normally distributed times)
 * @param medianRelCi half-width of the distribution-free 95 % confidence interval of the median, relative to it
 */
public record LatencyStats(int runs, double minMs, double medianMs, double p90Ms, double meanMs, double cv, double robustCv, double medianRelCi) {

    /** Summarises the given run times (ms); needs at least one. */
    public static LatencyStats of(double[] samplesMs) {
        if (samplesMs.length == 0) throw new IllegalArgumentException("no runs to summarise");
        double[] s = samplesMs.clone();
        Arrays.sort(s);
        int n = s.length;
        double mean = Arrays.stream(s).average().orElseThrow();
        double var = 0;
        for (double v : s) var += (v - mean) * (v - mean);
        double sd = n > 1 ? Math.sqrt(var / (n - 1)) : 0.0;
        double median = n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
        double p90 = s[Math.max(0, (int) Math.ceil(0.9 * n) - 1)];
        double[] deviations = new double[n];
        for (int i = 0; i < n; i++) deviations[i] = Math.abs(s[i] - median);
        Arrays.sort(deviations);
        double mad = n % 2 == 1 ? deviations[n / 2] : 0.5 * (deviations[n / 2 - 1] + deviations[n / 2]);
        return new LatencyStats(n, s[0], median, p90, mean, mean > 0 ? sd / mean : 0.0,
                median > 0 ? 1.4826 * mad / median : 0.0, medianRelativeCi(s, median));
    }

    /**
     * The order-statistic interval {@code [x(j), x(k)]} around the median with {@code j, k = n/2 -+ 1.96 sqrt(n)/2}
     * (normal approximation of the binomial): its half-width divided by the median. Infinite below 6 runs, where
     * the interval would reach past the sample.
     */
    static double medianRelativeCi(double[] sorted, double median) {
        int n = sorted.length;
        double half = 1.96 * Math.sqrt(n) / 2.0;
        int lo = (int) Math.floor(n / 2.0 - half);
        int hi = (int) Math.ceil(n / 2.0 + half) - 1;
        if (lo < 0 || hi >= n || median <= 0) return Double.POSITIVE_INFINITY;
        return (sorted[hi] - sorted[lo]) / (2.0 * median);
    }
}
