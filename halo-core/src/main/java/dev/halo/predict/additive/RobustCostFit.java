package dev.halo.predict.additive;

import dev.halo.nn.LinearSolve;
import dev.halo.nn.NonNegativeLeastSquares;
import java.util.Arrays;

/**
 * A linear latency model {@code ŷ = b0 + Σ b_k x_k} (ms) fitted to <em>relative</em> error with Huber weights,
 * by iteratively reweighted least squares.
 *
 * <p>Why relative: latencies of one device span an order of magnitude, and a ranking cares as much about the fast
 * architectures as about the slow ones; plain least squares in ms would let the slowest few dominate. Why Huber:
 * phones report integer milliseconds and the odd stalled run, and one bad point among twenty moves a plain fit a
 * lot. Residuals are scaled by their median absolute deviation; a point more than 1.345 scales out gets a
 * weight that falls as 1/|residual|. A penalty of 1e-4 × Σweights on the slopes keeps the system solvable when a
 * feature does not vary among the known rows (it then gets a weight near zero instead of an arbitrary one).
 *
 * <p>With {@code nonNegative} every coefficient, the fixed cost included, is constrained to be ≥ 0 instead (each
 * reweighted solve is a {@link NonNegativeLeastSquares} problem, no penalty): where the features are several
 * correlated physical costs (FBNet's MACs at two resolutions, block counts, weights), an unconstrained fit to twenty
 * points trades them off against each other with negative prices.
 */
record RobustCostFit(double[] coefficients) {
    static final double HUBER_K = 1.345;
    static final int ITERATIONS = 20;
    static final double SLOPE_PENALTY = 1e-4;

    RobustCostFit {
        coefficients = coefficients.clone();
    }

    @Override
    public double[] coefficients() {
        return coefficients.clone();
    }

    /** Fits rows {@code x} (n × p) to positive latencies {@code y} (ms), coefficients unconstrained. */
    static RobustCostFit fit(double[][] x, double[] y) {
        return fit(x, y, false);
    }

    /** Fits rows {@code x} (n × p) to positive latencies {@code y} (ms); {@code nonNegative}: all coefficients ≥ 0. */
    static RobustCostFit fit(double[][] x, double[] y, boolean nonNegative) {
        double[] equal = new double[y.length];
        Arrays.fill(equal, 1);
        return fit(x, y, nonNegative, equal);
    }

    /**
     * The same fit with a fixed weight in (0, 1] per row ({@code rowWeights}, multiplying the Huber weights): a row
     * known to be doubtful before the fit (a slow spike, {@link SlowSpikeCostMethod}) counts for less.
     */
    static RobustCostFit fit(double[][] x, double[] y, boolean nonNegative, double[] rowWeights) {
        int n = y.length;
        if (n != x.length) throw new IllegalArgumentException(x.length + " feature rows for " + n + " latencies");
        if (rowWeights.length != n) throw new IllegalArgumentException(rowWeights.length + " row weights for " + n + " latencies");
        for (double v : y) if (!(v > 0) || !Double.isFinite(v)) throw new IllegalArgumentException("latencies must be positive and finite, got " + v);
        for (double w : rowWeights) if (!(w > 0 && w <= 1)) throw new IllegalArgumentException("row weights must be in (0, 1], got " + w);
        double[] huber = rowWeights.clone();
        double[] b = weightedFit(x, y, huber, nonNegative);
        for (int it = 1; it < ITERATIONS; it++) {
            double[] rel = new double[n];
            for (int i = 0; i < n; i++) rel[i] = (predict(b, x[i]) - y[i]) / y[i];
            double scale = 1.4826 * medianAbsoluteDeviation(rel) + 1e-9;
            double k = HUBER_K * scale;
            for (int i = 0; i < n; i++) huber[i] = rowWeights[i] * (Math.abs(rel[i]) <= k ? 1 : k / Math.abs(rel[i]));
            double[] next = weightedFit(x, y, huber, nonNegative);
            boolean settled = true;
            for (int j = 0; j < b.length; j++) settled &= Math.abs(next[j] - b[j]) <= 1e-12 * (1 + Math.abs(b[j]));
            b = next;
            if (settled) break;
        }
        return new RobustCostFit(b);
    }

    double predict(double[] features) {
        return predict(coefficients, features);
    }

    private static double predict(double[] b, double[] x) {
        double s = b[0];
        for (int k = 0; k < x.length; k++) s += b[k + 1] * x[k];
        return s;
    }

    /** Weighted least squares with weights {@code huber_i / y_i²} (relative error), intercept unpenalised. */
    private static double[] weightedFit(double[][] x, double[] y, double[] huber, boolean nonNegative) {
        int p = x[0].length + 1;
        if (nonNegative) {
            double[][] a = new double[y.length][];
            double[] rhs = new double[y.length];
            for (int i = 0; i < y.length; i++) {
                double root = Math.sqrt(huber[i]) / y[i];
                a[i] = withIntercept(x[i]);
                for (int j = 0; j < p; j++) a[i][j] *= root;
                rhs[i] = root * y[i];
            }
            return NonNegativeLeastSquares.solve(a, rhs);
        }
        double[][] a = new double[p][p];
        double[] rhs = new double[p];
        double total = 0;
        for (int i = 0; i < y.length; i++) {
            double w = huber[i] / (y[i] * y[i]);
            total += w;
            double[] row = withIntercept(x[i]);
            for (int r = 0; r < p; r++) {
                rhs[r] += w * row[r] * y[i];
                for (int c = 0; c < p; c++) a[r][c] += w * row[r] * row[c];
            }
        }
        for (int j = 1; j < p; j++) a[j][j] += SLOPE_PENALTY * total;
        return LinearSolve.solve(a, rhs);
    }

    private static double[] withIntercept(double[] x) {
        double[] row = new double[x.length + 1];
        row[0] = 1;
        System.arraycopy(x, 0, row, 1, x.length);
        return row;
    }

    /** The median absolute deviation from the median (shared with {@link SlowSpikeCostMethod}'s spike threshold). */
    static double medianAbsoluteDeviation(double[] v) {
        double m = median(v);
        double[] dev = new double[v.length];
        for (int i = 0; i < v.length; i++) dev[i] = Math.abs(v[i] - m);
        return median(dev);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }
}
