package dev.halo.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The dense kernels against naive triple loops, and the bit-for-bit promises: the four-row accumulation adds
 * its terms in the same order as one axpy after another, and the fused Meta-SGD update rounds like the
 * two-step form it replaced.
 */
class KernelsTest {
    private final Random rng = new Random(5);

    /** Gaussian entries, about a third of them exactly 0 (the zero-skipping paths must be exercised). */
    private double[] sparse(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = rng.nextInt(3) == 0 ? 0 : rng.nextGaussian();
        return x;
    }

    @Test
    void accumulateIsBitForBitTheSequenceOfAxpys() {
        int n = 13, rows = 11;
        double[][] m = new double[rows][];
        for (int r = 0; r < rows; r++) m[r] = sparse(n);
        int[] at = {3, 0, 7, 7, 10, 2, 5, 1, 9};
        double[] coef = sparse(at.length), start = sparse(n);
        double[] fused = start.clone(), plain = start.clone();
        Kernels.accumulate(fused, m, at, coef, at.length, n);
        for (int t = 0; t < at.length; t++) for (int j = 0; j < n; j++) plain[j] += coef[t] * m[at[t]][j];
        assertThat(fused).containsExactly(plain);
    }

    @Test
    void productsMatchNaiveLoops() {
        int n = 7, in = 9, out = 6;
        double[] x = sparse(n * in), w = sparse(in * out), d = sparse(n * out);
        double[] xw = Kernels.multiply(x, n, in, w, out), xtd = Kernels.transposeTimes(x, d, n, in, out), dwt = Kernels.timesTransposed(d, n, out, w, in);
        for (int r = 0; r < n; r++)
            for (int o = 0; o < out; o++) {
                double s = 0;
                for (int i = 0; i < in; i++) s += x[r * in + i] * w[i * out + o];
                assertThat(xw[r * out + o]).isCloseTo(s, within(1e-12));
            }
        for (int i = 0; i < in; i++)
            for (int o = 0; o < out; o++) {
                double s = 0;
                for (int r = 0; r < n; r++) s += x[r * in + i] * d[r * out + o];
                assertThat(xtd[i * out + o]).isCloseTo(s, within(1e-12));
            }
        for (int r = 0; r < n; r++)
            for (int i = 0; i < in; i++) {
                double s = 0;
                for (int o = 0; o < out; o++) s += d[r * out + o] * w[i * out + o];
                assertThat(dwt[r * in + i]).isCloseTo(s, within(1e-12));
            }
    }

    @Test
    void fusedProductUpdateRoundsLikeTheTwoStepForm() {
        Tensor theta = Tensor.of(sparse(50), 5, 10), g = Tensor.of(sparse(50), 5, 10), lr = Tensor.of(sparse(50), 5, 10);
        assertThat(theta.plusScaledProduct(g, lr, -1).data()).containsExactly(theta.plusScaled(g.times(lr), -1).data());
    }
}
