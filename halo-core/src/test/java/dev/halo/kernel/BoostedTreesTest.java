package dev.halo.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BoostedTreesTest {
    private static double target(double[] x) {
        return x[0] * x[0] + (x[1] > 0.3 ? 2 : 0) + 0.5 * x[2];
    }

    private static double[][] rows(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][3];
        for (double[] row : x) for (int j = 0; j < 3; j++) row[j] = r.nextDouble(-1, 1);
        return x;
    }

    @Test
    void learnsANonlinearFunctionItWasNotShownOnFreshRows() {
        double[][] x = rows(4000, 1);
        double[] y = new double[x.length], w = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = target(x[i]);
            w[i] = 1;
        }
        BoostedTrees m = BoostedTrees.fit(x, y, w, BoostedTrees.Params.defaults());
        double[][] test = rows(1000, 2);
        double se = 0, var = 0, mean = 0;
        for (double[] row : test) mean += target(row) / test.length;
        for (double[] row : test) {
            se += Math.pow(m.predict(row) - target(row), 2);
            var += Math.pow(target(row) - mean, 2);
        }
        assertThat(1 - se / var).as("R² on fresh rows").isGreaterThan(0.97);
    }

    @Test
    void weightsDecideWhichRowsTheFitServes() {
        // two rows with the same features but different targets: the fit lands near the heavier one
        double[][] x = {{0}, {0}, {1}, {1}};
        double[] y = {0, 10, 5, 5};
        double[] w = {1, 99, 1, 1};
        BoostedTrees m = BoostedTrees.fit(x, y, w, new BoostedTrees.Params(200, 2, 0.3, 0, 0, 1, 1));
        assertThat(m.predict(new double[] {0})).isCloseTo(9.9, org.assertj.core.data.Offset.offset(0.05));
    }

    @Test
    void theSameSeedGivesTheSameModel() {
        double[][] x = rows(500, 3);
        double[] y = new double[x.length], w = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = target(x[i]);
            w[i] = 1;
        }
        BoostedTrees a = BoostedTrees.fit(x, y, w, BoostedTrees.Params.defaults());
        BoostedTrees b = BoostedTrees.fit(x, y, w, BoostedTrees.Params.defaults());
        for (double[] row : rows(50, 4)) assertThat(a.predict(row)).isEqualTo(b.predict(row));
    }

    /** Averaged members (session 13): exactly the mean of the single fits with seeds s, s + 1, s + 2, in one set of trees. */
    @Test
    void membersAreTheAverageOfTheFitsWithConsecutiveSeeds() {
        double[][] x = rows(600, 3);
        double[] y = new double[x.length], w = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.sin(3 * x[i][0]) + x[i][1] * x[i][2];
            w[i] = 1;
        }
        BoostedTrees.Params p = new BoostedTrees.Params(40, 4, 0.1, 1e-3, 1e-3, 0.7, 5);
        BoostedTrees avg = BoostedTrees.fit(x, y, w, p.withMembers(3));
        assertThat(avg.trees()).hasSize(120);
        BoostedTrees[] single = new BoostedTrees[3];
        for (int m = 0; m < 3; m++) single[m] = BoostedTrees.fit(x, y, w, new BoostedTrees.Params(40, 4, 0.1, 1e-3, 1e-3, 0.7, 5 + m));
        double spread = 0;
        for (double[] row : rows(50, 3)) {
            double mean = (single[0].predict(row) + single[1].predict(row) + single[2].predict(row)) / 3;
            assertThat(avg.predict(row)).isCloseTo(mean, org.assertj.core.api.Assertions.within(1e-9));
            spread = Math.max(spread, Math.abs(single[0].predict(row) - single[1].predict(row)));
        }
        assertThat(spread).as("the seeds give different fits, so the average is not one of them").isGreaterThan(1e-3);
        assertThat(BoostedTrees.fit(x, y, w, p.withMembers(1)).predict(x[0])).isEqualTo(BoostedTrees.fit(x, y, w, p).predict(x[0]));
        assertThatThrownBy(() -> p.withMembers(0)).hasMessageContaining("members");
    }

    @Test
    void refusesRowsOfTheWrongWidth() {
        BoostedTrees m = BoostedTrees.fit(new double[][] {{1, 2}, {2, 3}}, new double[] {1, 2}, new double[] {1, 1}, BoostedTrees.Params.defaults());
        assertThatThrownBy(() -> m.predict(new double[] {1})).hasMessageContaining("expected 2 features");
    }
}
