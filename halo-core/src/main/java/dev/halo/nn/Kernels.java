package dev.halo.nn;

/**
 * Dense double kernels on flat row-major arrays, written so that HotSpot's superword pass vectorises the
 * inner loops: every inner loop is a unit-stride {@code y[j] += a * x[j]} over a contiguous row (no
 * reductions, which it cannot vectorise for doubles without changing the summation order). Zero
 * multipliers are skipped: one-hot inputs, ReLU outputs and ReLU-masked gradients are full of them.
 */
final class Kernels {
    private Kernels() {}

    /** {@code y[yo .. yo+n) += a * x[xo .. xo+n)}. */
    static void axpy(double a, double[] x, int xo, double[] y, int yo, int n) {
        if (a == 0) return;
        for (int j = 0; j < n; j++) y[yo + j] += a * x[xo + j];
    }

    /** {@code x W} for {@code x [rows, in]}, {@code W [in, out]}: a new {@code [rows, out]} array. */
    static double[] multiply(double[] x, int rows, int in, double[] w, int out) {
        return multiplyInto(new double[rows * out], x, rows, in, w, out);
    }

    /** {@code y += x W}, in place; returns {@code y}. */
    static double[] multiplyInto(double[] y, double[] x, int rows, int in, double[] w, int out) {
        double[] coef = new double[in];
        int[] at = new int[in];
        for (int r = 0; r < rows; r++) {
            int xo = r * in, k = 0;
            for (int i = 0; i < in; i++) {
                double v = x[xo + i];
                if (v == 0) continue;
                coef[k] = v;
                at[k++] = i * out;
            }
            accumulate(y, r * out, out, w, at, coef, k);
        }
        return y;
    }

    /**
     * {@code Aᵀ B} for {@code A [n, in]}, {@code B [n, out]}: a new {@code [in, out]} array (a weight gradient).
     * Output row outer, so the accumulated row stays in L1 while the rows of B stream past.
     */
    static double[] transposeTimes(double[] a, double[] b, int n, int in, int out) {
        double[] y = new double[in * out], coef = new double[n];
        int[] at = new int[n];
        for (int i = 0; i < in; i++) {
            int k = 0;
            for (int r = 0; r < n; r++) {
                double v = a[r * in + i];
                if (v == 0) continue;
                coef[k] = v;
                at[k++] = r * out;
            }
            accumulate(y, i * out, out, b, at, coef, k);
        }
        return y;
    }

    /**
     * {@code y[yo + j] += Σ_t coef[t] · m[at[t] + j]} for {@code j < n}, the terms added one after another in
     * order {@code t = 0, 1, ...} (so the result is bit-for-bit that of {@code count} separate axpys), but four
     * rows of {@code m} per pass over {@code y}: a quarter of the loads and stores of {@code y}.
     */
    static void accumulate(double[] y, int yo, int n, double[] m, int[] at, double[] coef, int count) {
        int t = 0;
        for (; t + 4 <= count; t += 4) {
            double c0 = coef[t], c1 = coef[t + 1], c2 = coef[t + 2], c3 = coef[t + 3];
            int m0 = at[t], m1 = at[t + 1], m2 = at[t + 2], m3 = at[t + 3];
            for (int j = 0; j < n; j++) y[yo + j] = y[yo + j] + c0 * m[m0 + j] + c1 * m[m1 + j] + c2 * m[m2 + j] + c3 * m[m3 + j];
        }
        for (; t < count; t++) axpy(coef[t], m, at[t], y, yo, n);
    }

    /** {@code D Wᵀ} for {@code D [n, out]}, {@code W [in, out]}: a new {@code [n, in]} array (an input gradient). */
    static double[] timesTransposed(double[] d, int n, int out, double[] w, int in) {
        double[] wt = transpose(w, in, out);
        return multiply(d, n, out, wt, in);
    }

    /** The transpose of a row-major {@code [rows, cols]} matrix. */
    static double[] transpose(double[] m, int rows, int cols) {
        double[] t = new double[rows * cols];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) t[c * rows + r] = m[r * cols + c];
        return t;
    }
}
