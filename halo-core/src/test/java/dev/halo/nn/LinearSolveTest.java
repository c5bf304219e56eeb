package dev.halo.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearSolveTest {
    @Test
    void solvesRandomWellConditionedSystemsThatNeedPivoting() {
        Random rng = new Random(4);
        for (int trial = 0; trial < 20; trial++) {
            int d = 2 + rng.nextInt(12);
            double[][] a = new double[d][d];
            double[] x = new double[d];
            for (int i = 0; i < d; i++) {
                x[i] = rng.nextGaussian();
                for (int j = 0; j < d; j++) a[i][j] = rng.nextGaussian();
                a[i][i] += d; // diagonally dominant: well conditioned
            }
            a[0][0] = 0; // forces a row swap at the first column
            double[] b = new double[d];
            for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) b[i] += a[i][j] * x[j];
            double[] solved = LinearSolve.solve(a, b);
            for (int i = 0; i < d; i++) assertThat(solved[i]).isCloseTo(x[i], within(1e-9));
        }
    }

    @Test
    void aSingularSystemGivesFiniteValuesThatStillSatisfyTheConsistentEquations() {
        double[][] a = {{1, 2}, {2, 4}}; // rank 1: two identical (scaled) columns, as two collinear devices
        double[] solved = LinearSolve.solve(a, new double[] {3, 6});
        assertThat(java.util.Arrays.stream(solved).allMatch(Double::isFinite)).isTrue();
        assertThat(solved[0] + 2 * solved[1]).isCloseTo(3, within(1e-6));
    }
}
