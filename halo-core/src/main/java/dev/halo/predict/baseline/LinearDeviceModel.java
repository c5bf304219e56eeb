package dev.halo.predict.baseline;

import dev.halo.nn.LinearSolve;
import dev.halo.stats.LeaveOneOut;
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
        return new LinearDeviceModel(mean, sd, LinearSolve.solve(gram, rhs), yMean);
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
        double[] predicted = LeaveOneOut.predictions(x, y, (xs, ys) -> fit(xs, ys, lambda)::predict);
        double[] errors = new double[y.length];
        for (int i = 0; i < y.length; i++) errors[i] = Math.abs(y[i] - predicted[i]) / Math.max(Math.abs(predicted[i]), 1e-12);
        return errors;
    }
}
