package dev.halo.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NonNegativeLeastSquaresTest {
    static double loss(double[][] a, double[] b, double[] x) {
        double s = 0;
        for (int i = 0; i < b.length; i++) {
            double r = b[i];
            for (int j = 0; j < x.length; j++) r -= a[i][j] * x[j];
            s += r * r;
        }
        return s;
    }

    /** The exact optimum by brute force: the best unconstrained fit on any subset of columns whose weights are all ≥ 0. */
    static double bruteForce(double[][] a, double[] b) {
        int n = a[0].length;
        double best = loss(a, b, new double[n]);
        for (int subset = 1; subset < (1 << n); subset++) {
            int mask = subset;
            int[] cols = java.util.stream.IntStream.range(0, n).filter(j -> (mask & (1 << j)) != 0).toArray();
            double[][] ata = new double[cols.length][cols.length];
            double[] atb = new double[cols.length];
            for (int i = 0; i < b.length; i++)
                for (int p = 0; p < cols.length; p++) {
                    atb[p] += a[i][cols[p]] * b[i];
                    for (int q = 0; q < cols.length; q++) ata[p][q] += a[i][cols[p]] * a[i][cols[q]];
                }
            double[] z = LinearSolve.solve(ata, atb);
            if (java.util.Arrays.stream(z).anyMatch(v -> v < 0)) continue;
            double[] x = new double[n];
            for (int p = 0; p < cols.length; p++) x[cols[p]] = z[p];
            best = Math.min(best, loss(a, b, x));
        }
        return best;
    }

    @Test
    void matchesTheBruteForceOptimumOnRandomProblems() {
        Random rng = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            int m = 8 + rng.nextInt(15), n = 1 + rng.nextInt(6);
            double[][] a = new double[m][n];
            double[] b = new double[m];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) a[i][j] = rng.nextGaussian();
                b[i] = rng.nextGaussian() * 2;
            }
            double[] x = NonNegativeLeastSquares.solve(a, b);
            assertThat(java.util.Arrays.stream(x).min().orElseThrow()).as("trial %d", trial).isGreaterThanOrEqualTo(0);
            assertThat(loss(a, b, x)).as("trial %d", trial).isCloseTo(bruteForce(a, b), within(1e-8 * (1 + bruteForce(a, b))));
        }
    }

    @Test
    void returnsTheUnconstrainedSolutionWhenItIsFeasible() {
        double[][] a = {{1, 0}, {0, 1}, {1, 1}};
        double[] b = {1, 2, 3};
        assertThat(NonNegativeLeastSquares.solve(a, b)).containsExactly(new double[] {1, 2}, within(1e-12));
    }
}
