package dev.halo.measure;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * How well one measurement round reproduces another on the same architectures: the Spearman rank correlation of the
 * two rounds' per-architecture statistic (the median run by default, or the fastest run) and the median relative
 * difference. This is the ceiling any latency predictor can reach against measurements of that device.
 *
 * @param pairs architectures measured successfully in both rounds
 * @param spearman rank correlation of the statistic (average ranks for ties)
 * @param medianAbsDiffPercent median over architectures of {@code |a - b| / ((a + b) / 2)}, in percent
 */
public record Stability(int pairs, double spearman, double medianAbsDiffPercent) {

    /** Compares the rounds' medians of round {@code a} and round {@code b}; NaN statistics if fewer than 3 pairs. */
    public static Stability between(List<MeasurementStore.Row> rows, int a, int b) {
        return between(rows, Set.of(a), Set.of(b), LatencyStats::medianMs);
    }

    /**
     * Compares two groups of rounds (e.g. an earlier run with a repeat run) on {@code statistic}: each architecture's
     * value in a group is the median of its per-round values there.
     */
    public static Stability between(List<MeasurementStore.Row> rows, Set<Integer> a, Set<Integer> b,
            ToDoubleFunction<LatencyStats> statistic) {
        return compare(values(rows, a, statistic), values(rows, b, statistic));
    }

    private static Stability compare(Map<String, Double> first, Map<String, Double> second) {
        List<double[]> pairs = new ArrayList<>();
        for (var e : first.entrySet()) {
            Double other = second.get(e.getKey());
            if (other != null) pairs.add(new double[] {e.getValue(), other});
        }
        if (pairs.size() < 3) return new Stability(pairs.size(), Double.NaN, Double.NaN);
        double[] x = pairs.stream().mapToDouble(p -> p[0]).toArray();
        double[] y = pairs.stream().mapToDouble(p -> p[1]).toArray();
        double[] diffs = pairs.stream().mapToDouble(p -> Math.abs(p[0] - p[1]) / ((p[0] + p[1]) / 2) * 100).sorted().toArray();
        int n = diffs.length;
        double medianDiff = n % 2 == 1 ? diffs[n / 2] : 0.5 * (diffs[n / 2 - 1] + diffs[n / 2]);
        return new Stability(pairs.size(), spearman(x, y), medianDiff);
    }

    private static Map<String, Double> values(List<MeasurementStore.Row> rows, Set<Integer> rounds,
            ToDoubleFunction<LatencyStats> statistic) {
        Map<String, List<Double>> perArch = new HashMap<>();
        for (MeasurementStore.Row r : rows)
            if (rounds.contains(r.round()) && r.outcome() instanceof Outcome.Measured m)
                perArch.computeIfAbsent(r.canonical(), k -> new ArrayList<>()).add(statistic.applyAsDouble(m.stats()));
        Map<String, Double> out = new HashMap<>();
        perArch.forEach((arch, v) -> {
            double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            int n = s.length;
            out.put(arch, n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]));
        });
        return out;
    }

    /** Spearman's rho: Pearson correlation of average ranks. */
    public static double spearman(double[] x, double[] y) {
        return pearson(ranks(x), ranks(y));
    }

    static double[] ranks(double[] v) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) idx[i] = i;
        Arrays.sort(idx, (p, q) -> Double.compare(v[p], v[q]));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; ) {
            int j = i;
            while (j + 1 < v.length && v[idx[j + 1]] == v[idx[i]]) j++;
            double avg = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) r[idx[k]] = avg;
            i = j + 1;
        }
        return r;
    }

    static double pearson(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElse(0);
        double my = Arrays.stream(y).average().orElse(0);
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }
}
