package dev.halo.stats;

import java.util.function.BiFunction;
import java.util.function.ToDoubleFunction;

/** Jackknife over the rows of a small regression: what each known row gets from a model fitted without it. */
public final class LeaveOneOut {
    private LeaveOneOut() {}

    /** {@code out[i]} = the prediction for row {@code x[i]} of {@code fit} applied to every other row. */
    public static double[] predictions(double[][] x, double[] y, BiFunction<double[][], double[], ToDoubleFunction<double[]>> fit) {
        int n = x.length;
        double[] out = new double[n];
        for (int left = 0; left < n; left++) {
            double[][] xs = new double[n - 1][];
            double[] ys = new double[n - 1];
            for (int i = 0, k = 0; i < n; i++) {
                if (i == left) continue;
                xs[k] = x[i];
                ys[k++] = y[i];
            }
            out[left] = fit.apply(xs, ys).applyAsDouble(x[left]);
        }
        return out;
    }
}
