package dev.halo.nn;

import java.util.Arrays;

/**
 * min ‖A x − b‖² subject to x ≥ 0, by Lawson and Hanson's active-set method (Solving Least Squares Problems, 1974,
 * ch. 23): variables enter the passive (free) set one at a time by the largest positive gradient; each passive-set
 * least-squares solution that would go negative is pulled back along the segment to the feasible point, and the
 * variables that hit zero leave. Meant for a few dozen rows and a handful of columns.
 */
public final class NonNegativeLeastSquares {
    private static final double TOLERANCE = 1e-10;

    private NonNegativeLeastSquares() {}

    public static double[] solve(double[][] a, double[] b) {
        int m = b.length, n = a[0].length;
        if (a.length != m) throw new IllegalArgumentException(a.length + " rows for " + m + " targets");
        double[] x = new double[n];
        boolean[] passive = new boolean[n];
        double scale = 0;
        for (double[] row : a) for (double v : row) scale = Math.max(scale, Math.abs(v));
        double tol = TOLERANCE * Math.max(1, scale) * Math.max(1, Arrays.stream(b).map(Math::abs).max().orElse(1));
        for (int outer = 0; outer < 3 * n + 10; outer++) {
            double[] w = gradient(a, b, x);
            int enter = -1;
            for (int j = 0; j < n; j++) if (!passive[j] && w[j] > tol && (enter < 0 || w[j] > w[enter])) enter = j;
            if (enter < 0) break;
            passive[enter] = true;
            for (int inner = 0; inner <= n; inner++) {
                double[] z = passiveSolution(a, b, passive);
                boolean feasible = true;
                for (int j = 0; j < n; j++) if (passive[j] && z[j] <= 0) feasible = false;
                if (feasible) {
                    x = z;
                    break;
                }
                double alpha = 1;
                for (int j = 0; j < n; j++)
                    if (passive[j] && z[j] <= 0) alpha = Math.min(alpha, x[j] / (x[j] - z[j]));
                for (int j = 0; j < n; j++) {
                    x[j] += alpha * (z[j] - x[j]);
                    if (passive[j] && x[j] <= tol) {
                        passive[j] = false;
                        x[j] = 0;
                    }
                }
            }
        }
        return x;
    }

    /** Aᵀ(b − A x): the negative half-gradient of the squared residual. */
    private static double[] gradient(double[][] a, double[] b, double[] x) {
        int n = x.length;
        double[] w = new double[n];
        for (int i = 0; i < b.length; i++) {
            double r = b[i];
            for (int j = 0; j < n; j++) r -= a[i][j] * x[j];
            for (int j = 0; j < n; j++) w[j] += a[i][j] * r;
        }
        return w;
    }

    /** Unconstrained least squares on the passive columns (normal equations), zero elsewhere. */
    private static double[] passiveSolution(double[][] a, double[] b, boolean[] passive) {
        int n = passive.length;
        int[] cols = java.util.stream.IntStream.range(0, n).filter(j -> passive[j]).toArray();
        int k = cols.length;
        double[][] ata = new double[k][k];
        double[] atb = new double[k];
        for (int i = 0; i < b.length; i++)
            for (int p = 0; p < k; p++) {
                atb[p] += a[i][cols[p]] * b[i];
                for (int q = 0; q < k; q++) ata[p][q] += a[i][cols[p]] * a[i][cols[q]];
            }
        double[] sol = LinearSolve.solve(ata, atb);
        double[] z = new double[n];
        for (int p = 0; p < k; p++) z[cols[p]] = sol[p];
        return z;
    }
}
