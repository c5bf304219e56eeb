package dev.halo.predict.additive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RobustCostFitTest {
    static final double[] TRUTH = {2.0, 0.3, 1.1, 3.2, 0.8}; // fixed cost, then per-feature costs (ms)

    static double[][] counts(int n, long seed) {
        Random rng = new Random(seed);
        double[][] x = new double[n][4];
        for (double[] row : x) for (int k = 0; k < 4; k++) row[k] = rng.nextInt(4);
        return x;
    }

    static double truth(double[] x) {
        double y = TRUTH[0];
        for (int k = 0; k < 4; k++) y += TRUTH[k + 1] * x[k];
        return y;
    }

    @Test
    void recoversTheCostsOfNoiselessData() {
        double[][] x = counts(20, 1);
        double[] y = new double[20];
        for (int i = 0; i < 20; i++) y[i] = truth(x[i]);
        double[] b = RobustCostFit.fit(x, y).coefficients();
        for (int j = 0; j < TRUTH.length; j++) assertThat(b[j]).isCloseTo(TRUTH[j], within(0.01));
    }

    @Test
    void oneGrossOutlierBarelyMovesTheFit() {
        double[][] x = counts(20, 2);
        double[] y = new double[20];
        for (int i = 0; i < 20; i++) y[i] = truth(x[i]) * (1 + 0.02 * Math.sin(7.0 * i)); // 2 % noise
        y[5] *= 3; // a stalled run
        RobustCostFit fit = RobustCostFit.fit(x, y);
        for (int i = 0; i < 20; i++) {
            if (i == 5) continue;
            assertThat(fit.predict(x[i]) / truth(x[i])).as("row %d", i).isCloseTo(1.0, within(0.06));
        }
    }

    @Test
    void aFeatureThatNeverVariesGetsAFiniteCost() {
        double[][] x = counts(20, 3);
        for (double[] row : x) row[2] = 0; // no conv 3×3 among the known rows
        double[] y = new double[20];
        for (int i = 0; i < 20; i++) y[i] = truth(x[i]);
        RobustCostFit fit = RobustCostFit.fit(x, y);
        for (double b : fit.coefficients()) assertThat(b).isFinite();
        assertThat(fit.predict(x[0])).isCloseTo(truth(x[0]), within(0.01));
    }

    @Test
    void rejectsLatenciesThatAreNotPositive() {
        double[][] x = counts(6, 4);
        assertThatThrownBy(() -> RobustCostFit.fit(x, new double[] {1, 2, 0, 3, 4, 5})).hasMessageContaining("positive");
        assertThatThrownBy(() -> RobustCostFit.fit(x, new double[] {1, 2, Double.NaN, 3, 4, 5})).hasMessageContaining("positive");
    }
}
