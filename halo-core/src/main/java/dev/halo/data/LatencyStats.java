package dev.halo.data;

import dev.halo.stats.Metrics;
import java.util.Arrays;

/**
 * Summary of one device's latencies over all architectures of a dataset, in milliseconds.
 * Percentiles interpolate linearly between order statistics (NumPy's default), so they match
 * the summaries in the shared data's {@code devices.csv}.
 *
 * @param count number of architectures
 * @param distinct number of distinct values (small for integer-millisecond phone data: many ties)
 * @param integerValued whether every value is a whole number of milliseconds
 */
public record LatencyStats(int count, int distinct, boolean integerValued,
                           double min, double p10, double median, double p90, double max, double mean) {

    public static LatencyStats of(double[] values) {
        if (values.length == 0) throw new IllegalArgumentException("no values");
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int distinct = 1;
        for (int i = 1; i < sorted.length; i++) if (sorted[i] != sorted[i - 1]) distinct++;
        boolean integral = true;
        double sum = 0;
        for (double v : sorted) {
            sum += v;
            if (v != Math.rint(v)) integral = false;
        }
        return new LatencyStats(sorted.length, distinct, integral, sorted[0], Metrics.quantile(sorted, 0.1),
                Metrics.quantile(sorted, 0.5), Metrics.quantile(sorted, 0.9), sorted[sorted.length - 1], sum / sorted.length);
    }
}
