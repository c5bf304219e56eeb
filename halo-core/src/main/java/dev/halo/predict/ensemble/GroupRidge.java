package dev.halo.predict.ensemble;

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
        double[][] gram = new double[a][a];
        double[] rhs = new double[a];
        double[] z = new double[a];
        for (double[] row : x) {
            for (int k = 0; k < a; k++) z[k] = (row[active[k]] - mean[active[k]]) / sd[active[k]];
            for (int k = 0; k < a; k++) for (int l = k; l < a; l++) gram[k][l] += z[k] * z[l] / n;
        }
        for (int i = 0; i < n; i++)
            for (int k = 0; k < a; k++) rhs[k] += (x[i][active[k]] - mean[active[k]]) / sd[active[k]] * (y[i] - yMean) / n;
        for (int k = 0; k < a; k++) {
            for (int l = 0; l < k; l++) gram[k][l] = gram[l][k];
            gram[k][k] += penalty[active[k]];
        }
        double[] wActive = solve(gram, rhs);
        double[] w = new double[d];
        for (int k = 0; k < a; k++) w[active[k]] = wActive[k];
        for (int j = 0; j < d; j++) if (sd[j] <= 1e-12) sd[j] = 1;
        return new GroupRidge(mean, sd, w, yMean);
    }

    double predict(double[] features) {
        double v = intercept;
        for (int j = 0; j < weights.length; j++) if (weights[j] != 0) v += weights[j] * (features[j] - mean[j]) / sd[j];
        return v;
    }

    /** Predictions for each row of {@code x} from a fit without that row (jackknife). */
    static double[] leaveOneOut(double[][] x, double[] y, double[] penalty) {
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
            out[left] = fit(xs, ys, penalty).predict(x[left]);
        }
        return out;
    }

    /** Cholesky would do for a positive-definite system; elimination with pivoting also survives λ = 0. */
    private static double[] solve(double[][] a, double[] b) {
        int d = b.length;
        double[][] m = new double[d][];
        for (int i = 0; i < d; i++) {
            m[i] = Arrays.copyOf(a[i], d + 1);
            m[i][d] = b[i];
        }
        for (int col = 0; col < d; col++) {
            int pivot = col;
            for (int r = col + 1; r < d; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
            double[] t = m[col];
            m[col] = m[pivot];
            m[pivot] = t;
            if (Math.abs(m[col][col]) < 1e-12) m[col][col] = 1e-12;
            for (int r = col + 1; r < d; r++) {
                double f = m[r][col] / m[col][col];
                if (f == 0) continue;
                for (int c = col; c <= d; c++) m[r][c] -= f * m[col][c];
            }
        }
        double[] w = new double[d];
        for (int i = d - 1; i >= 0; i--) {
            double s = m[i][d];
            for (int c = i + 1; c < d; c++) s -= m[i][c] * w[c];
            w[i] = s / m[i][i];
        }
        return w;
    }
}
