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
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            int xo = r * in, yo = r * out;
            for (int i = 0; i < in; i++) axpy(x[xo + i], w, i * out, y, yo, out);
        }
        return y;
    }

    /**
     * {@code Aᵀ B} for {@code A [n, in]}, {@code B [n, out]}: a new {@code [in, out]} array (a weight gradient).
     * Output row outer, so the accumulated row stays in L1 while the rows of B stream past.
     */
    static double[] transposeTimes(double[] a, double[] b, int n, int in, int out) {
        double[] y = new double[in * out];
        for (int i = 0; i < in; i++) {
            int yo = i * out;
            for (int r = 0; r < n; r++) axpy(a[r * in + i], b, r * out, y, yo, out);
        }
        return y;
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
