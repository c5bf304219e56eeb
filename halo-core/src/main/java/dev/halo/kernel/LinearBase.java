package dev.halo.kernel;

import dev.halo.nn.LinearSolve;
import java.util.Arrays;

/**
 * A ridge-regularised linear model of a kernel's log efficiency, one per key (a kernel group), beneath the trees: the
 * trees fit what it leaves. Trees are piecewise constant, so a kernel outside every training family's range gets the
 * efficiency of the nearest leaf; a linear term continues the trend instead (session 14 candidate, docs/results/kernels.md).
 * Features are standardised per key; a standardised value is clipped to ±{@value #Z_CLIP} and the prediction to one
 * unit of log efficiency beyond what the key's training rows showed, so the extrapolation stays bounded.
 *
 * @param mean per key and feature, the weighted mean (null for a key without a fit)
 * @param sd per key and feature, the weighted standard deviation (0: the feature is constant there and not used)
 * @param coef per key: the intercept then one coefficient per feature
 * @param low per key, the lowest prediction allowed
 * @param high per key, the highest
 */
public record LinearBase(double[][] mean, double[][] sd, double[][] coef, double[] low, double[] high) {
    static final double Z_CLIP = 5;
    static final int MIN_ROWS = 50;
    /** Ridge penalty per coefficient as a fraction of the rows' total (normalised) weight. */
    static final double RIDGE = 0.1;

    /** Fits one linear model per key over the rows with that key; a key with fewer than {@value #MIN_ROWS} rows predicts 0. */
    public static LinearBase fit(double[][] x, double[] y, double[] w, int[] key, int keys) {
        int d = x[0].length;
        double[][] mean = new double[keys][], sd = new double[keys][], coef = new double[keys][];
        double[] low = new double[keys], high = new double[keys];
        for (int g = 0; g < keys; g++) {
            int n = 0;
            double sw = 0;
            for (int i = 0; i < x.length; i++)
                if (key[i] == g) {
                    n++;
                    sw += w[i];
                }
            if (n < MIN_ROWS || !(sw > 0)) continue;
            double[] m = new double[d], s = new double[d];
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < x.length; i++) {
                if (key[i] != g) continue;
                for (int f = 0; f < d; f++) m[f] += w[i] * x[i][f] / sw;
                lo = Math.min(lo, y[i]);
                hi = Math.max(hi, y[i]);
            }
            for (int i = 0; i < x.length; i++) {
                if (key[i] != g) continue;
                for (int f = 0; f < d; f++) s[f] += w[i] * (x[i][f] - m[f]) * (x[i][f] - m[f]) / sw;
            }
            for (int f = 0; f < d; f++) s[f] = s[f] > 1e-18 ? Math.sqrt(s[f]) : 0;
            // weights normalised to mean 1, so the penalty is a fraction of the data's own weight
            double[][] a = new double[d + 1][d + 1];
            double[] b = new double[d + 1];
            double[] z = new double[d + 1];
            for (int i = 0; i < x.length; i++) {
                if (key[i] != g) continue;
                double wi = w[i] * n / sw;
                standardise(x[i], m, s, z);
                for (int p = 0; p <= d; p++) {
                    b[p] += wi * z[p] * y[i];
                    for (int q = 0; q <= d; q++) a[p][q] += wi * z[p] * z[q];
                }
            }
            for (int f = 1; f <= d; f++) {
                if (s[f - 1] == 0) {
                    Arrays.fill(a[f], 0);
                    for (int p = 0; p <= d; p++) a[p][f] = 0;
                    a[f][f] = 1;
                    b[f] = 0;
                } else a[f][f] += RIDGE * n;
            }
            a[0][0] *= 1 + 1e-12;
            mean[g] = m;
            sd[g] = s;
            coef[g] = LinearSolve.solve(a, b);
            low[g] = lo - 1;
            high[g] = hi + 1;
        }
        return new LinearBase(mean, sd, coef, low, high);
    }

    /** Row {@code x}'s linear log efficiency under key {@code g} (0 for a key without a fit). */
    public double predict(double[] x, int g) {
        if (g < 0 || g >= coef.length || coef[g] == null) return 0;
        double[] c = coef[g];
        double v = c[0];
        for (int f = 0; f < x.length; f++)
            if (sd[g][f] > 0) v += c[f + 1] * Math.max(-Z_CLIP, Math.min(Z_CLIP, (x[f] - mean[g][f]) / sd[g][f]));
        return Math.max(low[g], Math.min(high[g], v));
    }

    private static void standardise(double[] x, double[] m, double[] s, double[] z) {
        z[0] = 1;
        for (int f = 0; f < x.length; f++) z[f + 1] = s[f] > 0 ? (x[f] - m[f]) / s[f] : 0;
    }
}
