package dev.halo.eval.baseline;

import java.util.Arrays;

/**
 * Ridge regression of a new device's latency on other devices' latencies of the same architectures:
 * {@code y ≈ mean(y) + sum_j w_j (x_j - mean_j) / sd_j}, features standardised over the fitted rows so that
 * one penalty suits devices of any speed; the intercept is not penalised. Solves
 * {@code (ZᵀZ / n + λ I) w = Zᵀ(y - mean y) / n}.
 */
record LinearDeviceModel(double[] featureMean, double[] featureSd, double[] weights, double intercept) {

    /** Fits {@code y} from rows {@code x[i]} (one value per feature device) with penalty {@code lambda >= 0}. */
    static LinearDeviceModel fit(double[][] x, double[] y, double lambda) {
        int n = x.length, d = x[0].length;
        double[] mean = new double[d], sd = new double[d];
        for (int j = 0; j < d; j++) {
            for (double[] row : x) mean[j] += row[j] / n;
            for (double[] row : x) sd[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / n;
            sd[j] = Math.sqrt(sd[j]);
            if (sd[j] == 0) sd[j] = 1; // a constant column carries nothing; its standardised values are all 0
        }
        double yMean = Arrays.stream(y).average().orElseThrow();
        double[][] gram = new double[d][d];
        double[] rhs = new double[d];
        for (int i = 0; i < n; i++) {
            double[] z = new double[d];
            for (int j = 0; j < d; j++) z[j] = (x[i][j] - mean[j]) / sd[j];
            for (int j = 0; j < d; j++) {
                rhs[j] += z[j] * (y[i] - yMean) / n;
                for (int k = 0; k < d; k++) gram[j][k] += z[j] * z[k] / n;
            }
        }
        for (int j = 0; j < d; j++) gram[j][j] += lambda;
        return new LinearDeviceModel(mean, sd, solve(gram, rhs), yMean);
    }

    double predict(double[] features) {
        double y = intercept;
        for (int j = 0; j < weights.length; j++) y += weights[j] * (features[j] - featureMean[j]) / featureSd[j];
        return y;
    }

    /**
     * Jackknife relative residuals: for each fitted row, |y - ŷ| / |ŷ| where ŷ comes from a fit without that
     * row. Their empirical quantiles give multiplicative prediction intervals.
     */
    static double[] leaveOneOutRelativeErrors(double[][] x, double[] y, double lambda) {
        int n = x.length;
        double[] errors = new double[n];
        for (int out = 0; out < n; out++) {
            double[][] xs = new double[n - 1][];
            double[] ys = new double[n - 1];
            for (int i = 0, k = 0; i < n; i++) {
                if (i == out) continue;
                xs[k] = x[i];
                ys[k++] = y[i];
            }
            double predicted = fit(xs, ys, lambda).predict(x[out]);
            errors[out] = Math.abs(y[out] - predicted) / Math.max(Math.abs(predicted), 1e-12);
        }
        return errors;
    }

    /** Gaussian elimination with partial pivoting; a singular system (λ = 0, collinear devices) gets a tiny ridge. */
    private static double[] solve(double[][] a, double[] b) {
        int d = b.length;
        double[][] m = new double[d][];
        for (int i = 0; i < d; i++) m[i] = Arrays.copyOf(a[i], d + 1);
        for (int i = 0; i < d; i++) m[i][d] = b[i];
        for (int col = 0; col < d; col++) {
            int pivot = col;
            for (int r = col + 1; r < d; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
            double[] t = m[col];
            m[col] = m[pivot];
            m[pivot] = t;
            if (Math.abs(m[col][col]) < 1e-12) m[col][col] = 1e-12;
            for (int r = 0; r < d; r++) {
                if (r == col) continue;
                double f = m[r][col] / m[col][col];
                if (f == 0) continue;
                for (int c = col; c <= d; c++) m[r][c] -= f * m[col][c];
            }
        }
        double[] w = new double[d];
        for (int i = 0; i < d; i++) w[i] = m[i][d] / m[i][i];
        return w;
    }
}
