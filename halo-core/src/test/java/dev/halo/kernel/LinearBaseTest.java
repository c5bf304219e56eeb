package dev.halo.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LinearBaseTest {
    @Test
    void continuesATrendPastTheTrainingRangeWithinItsBound() {
        int n = 200;
        double[][] x = new double[n][];
        double[] y = new double[n], w = new double[n];
        int[] key = new int[n];
        for (int i = 0; i < n; i++) {
            double a = 10.0 * i / (n - 1);
            x[i] = new double[] {a, 3}; // the second feature is constant: it must be ignored
            y[i] = 0.2 * a - 1;
            w[i] = 1;
        }
        LinearBase lb = LinearBase.fit(x, y, w, key, 2);
        assertThat(lb.predict(new double[] {5, 3}, 0)).isCloseTo(0, within(0.05));
        // beyond the data the trend goes on (shrunk a little by the ridge), up to one unit past the largest y seen (1)
        assertThat(lb.predict(new double[] {12, 3}, 0)).isGreaterThan(1.2).isLessThanOrEqualTo(2.0);
        assertThat(lb.predict(new double[] {1000, 3}, 0)).isLessThanOrEqualTo(2.0);
        assertThat(lb.predict(new double[] {5, 3}, 1)).as("a key without rows has no linear term").isZero();
    }

    @Test
    void aKeyWithTooFewRowsGetsNoTerm() {
        double[][] x = new double[10][];
        double[] y = new double[10], w = new double[10];
        for (int i = 0; i < 10; i++) {
            x[i] = new double[] {i};
            y[i] = i;
            w[i] = 1;
        }
        assertThat(LinearBase.fit(x, y, w, new int[10], 1).predict(new double[] {3}, 0)).isZero();
    }
}
