package dev.halo.stats;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Accuracy measures for latency predictions. All take the prediction first and the measurement second;
 * arrays must have equal length. Rank measures return NaN when either side is constant (no ranking exists),
 * as scipy does.
 */
public final class Metrics {
    private Metrics() {}

    /** 1-based ranks; tied values share the mean of the ranks they span (scipy's {@code rankdata(method='average')}). */
    public static double[] averageRanks(double[] values) {
        Integer[] order = sortedOrder(values);
        double[] ranks = new double[values.length];
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && values[order[j + 1]] == values[order[i]]) j++;
            double mean = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) ranks[order[k]] = mean;
            i = j + 1;
        }
        return ranks;
    }

    /** Spearman's rho: Pearson correlation of the average ranks. */
    public static double spearman(double[] predicted, double[] actual) {
        requireSameLength(predicted, actual);
        return pearson(averageRanks(predicted), averageRanks(actual));
    }

    /**
     * A two-sided confidence interval for a Spearman correlation {@code rho} measured on {@code n} pairs: Fisher's z
     * with Fieller, Hartley and Pearson's variance 1.06 / (n − 3) for rank correlations. Onboarding reports it beside its
     * validation Spearman, so that 30 validation architectures (±.03 around .95) are not read as a precise number.
     */
    public static double[] spearmanInterval(double rho, int n, double level) {
        if (n < 4) throw new IllegalArgumentException("a Spearman interval needs at least 4 pairs, got " + n);
        if (!(level > 0 && level < 1)) throw new IllegalArgumentException("level must be in (0, 1), got " + level);
        double clipped = Math.max(-0.999999, Math.min(0.999999, rho));
        double z = 0.5 * Math.log((1 + clipped) / (1 - clipped));
        double half = dev.halo.stats.StudentT.normalQuantile(0.5 + level / 2) * Math.sqrt(1.06 / (n - 3));
        return new double[] {Math.tanh(z - half), Math.tanh(z + half)};
    }

    /** Pearson's product-moment correlation. */
    public static double pearson(double[] x, double[] y) {
        requireSameLength(x, y);
        int n = x.length;
        if (n < 2) return Double.NaN;
        double mx = mean(x), my = mean(y);
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++) {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        if (sxx == 0 || syy == 0) return Double.NaN;
        return sxy / Math.sqrt(sxx * syy);
    }

    /**
     * Kendall's tau-b, which corrects for ties on either side (scipy's default). Knight's O(n log n) algorithm:
     * sort pairs by (x, y), then count the discordant pairs as the inversions of y met while merge-sorting it.
     */
    public static double kendallTauB(double[] predicted, double[] actual) {
        requireSameLength(predicted, actual);
        int n = predicted.length;
        if (n < 2) return Double.NaN;
        Integer[] byXY = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(byXY, Comparator.<Integer>comparingDouble(i -> predicted[i]).thenComparingDouble(i -> actual[i]));
        long xTies = 0, jointTies = 0;
        for (int i = 0, j; i < n; i = j) {
            j = i + 1;
            while (j < n && predicted[byXY[j]] == predicted[byXY[i]]) j++;
            xTies += pairs(j - i);
            for (int a = i, b; a < j; a = b) {
                b = a + 1;
                while (b < j && actual[byXY[b]] == actual[byXY[a]]) b++;
                jointTies += pairs(b - a);
            }
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) y[i] = actual[byXY[i]];
        long discordant = countInversions(y, new double[n], 0, n);
        long yTies = 0;
        for (int i = 0, j; i < n; i = j) { // y is now sorted
            j = i + 1;
            while (j < n && y[j] == y[i]) j++;
            yTies += pairs(j - i);
        }
        long total = pairs(n);
        double denominator = Math.sqrt((double) (total - xTies) * (total - yTies));
        if (denominator == 0) return Double.NaN;
        return (total - xTies - yTies + jointTies - 2.0 * discordant) / denominator;
    }

    /** Linear-interpolation quantile of sorted data (NumPy's {@code method='linear'}); {@code q} in [0, 1]. */
    public static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    /** Mean absolute percentage error, in percent: mean of |p - a| / |a| * 100. */
    public static double mape(double[] predicted, double[] actual) {
        requireSameLength(predicted, actual);
        if (predicted.length == 0) return Double.NaN;
        double sum = 0;
        for (int i = 0; i < predicted.length; i++) sum += Math.abs(predicted[i] - actual[i]) / Math.abs(actual[i]);
        return 100 * sum / predicted.length;
    }

    /** Share (0..1) of predictions whose relative error |p - a| / |a| is at most {@code tolerance} (0.10 for ±10 %). */
    public static double withinTolerance(double[] predicted, double[] actual, double tolerance) {
        requireSameLength(predicted, actual);
        if (predicted.length == 0) return Double.NaN;
        int hits = 0;
        for (int i = 0; i < predicted.length; i++)
            if (Math.abs(predicted[i] - actual[i]) <= tolerance * Math.abs(actual[i])) hits++;
        return (double) hits / predicted.length;
    }

    /**
     * Top-k recall for latency: of the {@code k} truly fastest architectures, the share (0..1) that are also
     * among the {@code k} predicted fastest. Ties at the k-th place are broken by position, on both sides.
     */
    public static double topKRecall(double[] predicted, double[] actual, int k) {
        requireSameLength(predicted, actual);
        if (k < 1 || k > predicted.length)
            throw new IllegalArgumentException("k must be in 1.." + predicted.length + ", got " + k);
        Integer[] byPrediction = sortedOrder(predicted);
        Integer[] byActual = sortedOrder(actual);
        boolean[] predictedTop = new boolean[predicted.length];
        for (int i = 0; i < k; i++) predictedTop[byPrediction[i]] = true;
        int hits = 0;
        for (int i = 0; i < k; i++) if (predictedTop[byActual[i]]) hits++;
        return (double) hits / k;
    }

    /** Share (0..1) of measurements that fall inside their interval {@code [lower, upper]} (bounds included). */
    public static double intervalCoverage(double[] lower, double[] upper, double[] actual) {
        requireSameLength(lower, actual);
        requireSameLength(upper, actual);
        if (actual.length == 0) return Double.NaN;
        int inside = 0;
        for (int i = 0; i < actual.length; i++) if (lower[i] <= actual[i] && actual[i] <= upper[i]) inside++;
        return (double) inside / actual.length;
    }

    public static double mean(double[] values) {
        double sum = 0;
        for (double v : values) sum += v;
        return sum / values.length;
    }

    private static long pairs(long count) {
        return count * (count - 1) / 2;
    }

    /** Stable ascending order of indices. */
    private static Integer[] sortedOrder(double[] values) {
        Integer[] order = IntStream.range(0, values.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        return order;
    }

    /** Merge-sorts {@code a[from, to)} ascending and returns the number of strictly inverted pairs. */
    private static long countInversions(double[] a, double[] scratch, int from, int to) {
        if (to - from < 2) return 0;
        int mid = (from + to) >>> 1;
        long inversions = countInversions(a, scratch, from, mid) + countInversions(a, scratch, mid, to);
        int left = from, right = mid, out = from;
        while (left < mid && right < to) {
            if (a[right] < a[left]) {
                inversions += mid - left;
                scratch[out++] = a[right++];
            } else {
                scratch[out++] = a[left++];
            }
        }
        while (left < mid) scratch[out++] = a[left++];
        while (right < to) scratch[out++] = a[right++];
        System.arraycopy(scratch, from, a, from, to - from);
        return inversions;
    }

    private static void requireSameLength(double[] a, double[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("length mismatch: " + a.length + " vs " + b.length);
    }
}
