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
        return solve(gram, rhs);
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
        double[] alpha = solve(k, y);
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

    /** Gaussian elimination with partial pivoting (also survives a singular system at λ = 0). */
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
