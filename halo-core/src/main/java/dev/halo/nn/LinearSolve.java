package dev.halo.nn;

import java.util.Arrays;

/** Small dense linear systems (ridge normal equations of a few dozen unknowns). */
public final class LinearSolve {
    private LinearSolve() {}

    /**
     * Solves {@code a x = b} by Gaussian elimination with partial pivoting. A (near-)singular pivot is replaced by
     * 1e-12, so an unpenalised fit of collinear columns still returns finite weights instead of failing.
     */
    public static double[] solve(double[][] a, double[] b) {
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
        double[] x = new double[d];
        for (int i = d - 1; i >= 0; i--) {
            double s = m[i][d];
            for (int c = i + 1; c < d; c++) s -= m[i][c] * x[c];
            x[i] = s / m[i][i];
        }
        return x;
    }
}
