package dev.halo.predict.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GroupRidgeTest {
    static double[][] x(int n, int d, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] x = new double[n][d];
        for (double[] row : x) for (int j = 0; j < d; j++) row[j] = rng.nextDouble(-5, 5);
        return x;
    }

    @Test
    void recoversAnExactLinearMapWithATinyPenalty() {
        double[][] x = x(20, 3, 1);
        double[] y = new double[20];
        for (int i = 0; i < 20; i++) y[i] = 4 + 2 * x[i][0] - 3 * x[i][1] + 0.5 * x[i][2];
        GroupRidge fit = GroupRidge.fit(x, y, new double[] {1e-9, 1e-9, 1e-9});
        assertThat(fit.predict(new double[] {1, 1, 1})).isCloseTo(4 + 2 - 3 + 0.5, within(1e-5));
    }

    @Test
    void anInfinitePenaltyLeavesTheColumnOutAndAConstantColumnGetsNoWeight() {
        double[][] x = x(20, 3, 2);
        for (double[] row : x) row[2] = 7;
        double[] y = new double[20];
        for (int i = 0; i < 20; i++) y[i] = x[i][0] + x[i][1];
        GroupRidge fit = GroupRidge.fit(x, y, new double[] {1e-9, Double.POSITIVE_INFINITY, 1e-9});
        assertThat(fit.weights()[1]).isZero();
        assertThat(fit.weights()[2]).isZero();
        assertThat(fit.weights()[0]).isGreaterThan(0);
    }

    @Test
    void aLargerPenaltyShrinksOnlyItsOwnGroup() {
        double[][] x = x(30, 2, 3);
        double[] y = new double[30];
        for (int i = 0; i < 30; i++) y[i] = x[i][0] + x[i][1];
        GroupRidge loose = GroupRidge.fit(x, y, new double[] {0.01, 0.01});
        GroupRidge tight = GroupRidge.fit(x, y, new double[] {0.01, 100});
        assertThat(Math.abs(tight.weights()[1])).isLessThan(Math.abs(loose.weights()[1]) / 10);
        assertThat(tight.weights()[0]).isGreaterThan(loose.weights()[0] * 0.5);
    }

    @Test
    void leaveOneOutPredictsEachRowFromAFitWithoutIt() {
        double[][] x = x(12, 2, 4);
        double[] y = new double[12];
        for (int i = 0; i < 12; i++) y[i] = x[i][0] * x[i][0] + x[i][1];
        double[] penalty = {0.1, 0.1};
        double[] loo = GroupRidge.leaveOneOut(x, y, penalty);
        double[][] rest = java.util.Arrays.copyOfRange(x, 1, 12);
        double[] restY = java.util.Arrays.copyOfRange(y, 1, 12);
        assertThat(loo[0]).isCloseTo(GroupRidge.fit(rest, restY, penalty).predict(x[0]), within(1e-12));
        assertThat(loo[0]).isNotCloseTo(GroupRidge.fit(x, y, penalty).predict(x[0]), within(1e-6));
    }

    @Test
    void theDualSolutionForWideProblemsEqualsThePrimalOne() {
        double[][] z = x(8, 25, 5);
        double[] y = new double[8];
        for (int i = 0; i < 8; i++) y[i] = z[i][0] - z[i][7] + 0.1 * i;
        double[] penalty = new double[25];
        for (int j = 0; j < 25; j++) penalty[j] = j < 5 ? 0.05 : 3;
        int[] active = java.util.stream.IntStream.range(0, 25).toArray();
        double[] primal = GroupRidge.primal(z, y, active, penalty);
        double[] dual = GroupRidge.dual(z, y, active, penalty);
        for (int j = 0; j < 25; j++) assertThat(dual[j]).as("weight %d", j).isCloseTo(primal[j], within(1e-9));
    }
}
