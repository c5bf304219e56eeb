package dev.halo.predict.ensemble;

import dev.halo.nn.LinearSolve;
import dev.halo.stats.LeaveOneOut;
import java.util.Arrays;

/**
 * Ridge regression whose columns are standardised over the fitted rows and penalised per column, with an
 * unpenalised intercept: solves {@code (ZᵀZ / n + diag(λ)) w = Zᵀ(y - ȳ) / n}. Giving each group of columns
 * (other devices' latencies, cost formulas, one-hot encoding) its own λ lets a strong prior (the device mix)
 * carry the fit while weaker evidence (the encoding) only corrects what the prior leaves unexplained. A
 * column with an infinite penalty is left out. Constant columns carry nothing and get weight 0.
 */
record GroupRidge(double[] mean, double[] sd, double[] weights, double intercept) {

    static GroupRidge fit(double[][] x, double[] y, double[] penalty) {
        int n = x.length, d = penalty.length;
        double[] mean = new double[d], sd = new double[d];
        for (int j = 0; j < d; j++) {
            for (double[] row : x) mean[j] += row[j] / n;
            for (double[] row : x) sd[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / n;
            sd[j] = Math.sqrt(sd[j]);
        }
        int[] active = java.util.stream.IntStream.range(0, d).filter(j -> Double.isFinite(penalty[j]) && sd[j] > 1e-12).toArray();
        double yMean = Arrays.stream(y).average().orElseThrow();
        int a = active.length;
        double[][] z = new double[n][a];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < a; k++) z[i][k] = (x[i][active[k]] - mean[active[k]]) / sd[active[k]];
        double[] yc = new double[n];
        for (int i = 0; i < n; i++) yc[i] = y[i] - yMean;
        boolean dual = a > n && java.util.Arrays.stream(active).allMatch(j -> penalty[j] > 0);
        double[] wActive = dual ? dual(z, yc, active, penalty) : primal(z, yc, active, penalty);
        double[] w = new double[d];
        for (int k = 0; k < a; k++) w[active[k]] = wActive[k];
        for (int j = 0; j < d; j++) if (sd[j] <= 1e-12) sd[j] = 1;
        return new GroupRidge(mean, sd, w, yMean);
    }

    /** {@code (ZᵀZ/n + Λ) w = Zᵀy/n}: a {@code d × d} system. */
    static double[] primal(double[][] z, double[] y, int[] active, double[] penalty) {
        int n = z.length, a = active.length;
        double[][] gram = new double[a][a];
        double[] rhs = new double[a];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < a; k++) {
                rhs[k] += z[i][k] * y[i] / n;
                for (int l = k; l < a; l++) gram[k][l] += z[i][k] * z[i][l] / n;
            }
        for (int k = 0; k < a; k++) {
            for (int l = 0; l < k; l++) gram[k][l] = gram[l][k];
            gram[k][k] += penalty[active[k]];
        }
        return LinearSolve.solve(gram, rhs);
    }

    /**
     * The same solution through an {@code n × n} system when there are more columns than rows (a one-hot
     * encoding with 20 known latencies): {@code w = Λ⁻¹Zᵀ(ZΛ⁻¹Zᵀ + nI)⁻¹y} (push-through identity).
     */
    static double[] dual(double[][] z, double[] y, int[] active, double[] penalty) {
        int n = z.length, a = active.length;
        double[][] k = new double[n][n];
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++) {
                double s = 0;
                for (int c = 0; c < a; c++) s += z[i][c] * z[j][c] / penalty[active[c]];
                k[i][j] = s;
                k[j][i] = s;
            }
        for (int i = 0; i < n; i++) k[i][i] += n;
        double[] alpha = LinearSolve.solve(k, y);
        double[] w = new double[a];
        for (int c = 0; c < a; c++) {
            double s = 0;
            for (int i = 0; i < n; i++) s += z[i][c] * alpha[i];
            w[c] = s / penalty[active[c]];
        }
        return w;
    }

    double predict(double[] features) {
        double v = intercept;
        for (int j = 0; j < weights.length; j++) if (weights[j] != 0) v += weights[j] * (features[j] - mean[j]) / sd[j];
        return v;
    }

    /** Predictions for each row of {@code x} from a fit without that row (jackknife). */
    static double[] leaveOneOut(double[][] x, double[] y, double[] penalty) {
        return LeaveOneOut.predictions(x, y, (xs, ys) -> fit(xs, ys, penalty)::predict);
    }
}
