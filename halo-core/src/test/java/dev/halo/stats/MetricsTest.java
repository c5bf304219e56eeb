package dev.halo.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class MetricsTest {
    // Reference values: scipy 1.17.1 (spearmanr / kendalltau / rankdata), see each test.

    @Test
    void averageRanksShareTiedPositions() {
        // scipy.stats.rankdata([0, 2, 3, 2]) -> [1, 2.5, 4, 2.5]
        assertThat(Metrics.averageRanks(new double[] {0, 2, 3, 2})).containsExactly(1, 2.5, 4, 2.5);
    }

    @Test
    void spearmanMatchesScipyDocumentedExample() {
        // scipy docs: spearmanr([1,2,3,4,5], [5,6,7,8,7]) -> 0.8207826816681233 (one tie on the second side)
        assertThat(Metrics.spearman(new double[] {1, 2, 3, 4, 5}, new double[] {5, 6, 7, 8, 7}))
                .isCloseTo(0.8207826816681233, within(1e-12));
    }

    @Test
    void kendallMatchesScipyDocumentedExample() {
        // scipy docs: kendalltau([12,2,1,12,2], [1,4,7,1,0]) -> -0.47140452079103173
        assertThat(Metrics.kendallTauB(new double[] {12, 2, 1, 12, 2}, new double[] {1, 4, 7, 1, 0}))
                .isCloseTo(-0.4714045207910316, within(1e-12));
    }

    @Test
    void heavilyTiedIntegerDataMatchScipy() {
        // Like pixel2's integer milliseconds: 6 and 8 distinct values over 40 items.
        double[] x = {5, 3, 4, 5, 3, 4, 5, 1, 0, 1, 1, 5, 5, 0, 2, 4, 0, 4, 0, 2, 4, 1, 2, 1, 4, 1, 5, 2, 2, 3, 3, 3, 3, 5, 4, 4, 4, 3, 2, 5};
        double[] y = {6, 3, 7, 5, 6, 6, 5, 1, 1, 1, 1, 7, 8, 1, 5, 7, 3, 6, 1, 4, 5, 2, 3, 1, 7, 1, 5, 2, 5, 5, 6, 3, 5, 6, 5, 4, 6, 6, 4, 5};
        assertThat(Metrics.spearman(x, y)).isCloseTo(0.783386972846712, within(1e-12));
        assertThat(Metrics.kendallTauB(x, y)).isCloseTo(0.6596096759422669, within(1e-12));
    }

    @Test
    void perfectAndReversedOrder() {
        double[] a = {1, 2, 3, 4};
        double[] reversed = {40, 30, 20, 10};
        assertThat(Metrics.spearman(a, reversed)).isEqualTo(-1.0);
        assertThat(Metrics.kendallTauB(a, reversed)).isEqualTo(-1.0);
        assertThat(Metrics.kendallTauB(a, new double[] {1, 4, 9, 16})).isEqualTo(1.0);
    }

    @Test
    void constantSideHasNoRankCorrelation() {
        assertThat(Metrics.spearman(new double[] {1, 2, 3}, new double[] {7, 7, 7})).isNaN();
        assertThat(Metrics.kendallTauB(new double[] {7, 7, 7}, new double[] {1, 2, 3})).isNaN();
    }

    @Property(tries = 200)
    void kendallEqualsTheQuadraticDefinition(
            @ForAll @Size(min = 2, max = 30) java.util.List<@IntRange(min = 0, max = 5) Integer> xs,
            @ForAll("seed") long seed) {
        double[] x = xs.stream().mapToDouble(Integer::doubleValue).toArray();
        var rng = new java.util.Random(seed);
        double[] y = new double[x.length];
        for (int i = 0; i < y.length; i++) y[i] = rng.nextInt(4);
        double expected = quadraticTauB(x, y);
        double actual = Metrics.kendallTauB(x, y);
        if (Double.isNaN(expected)) assertThat(actual).isNaN();
        else assertThat(actual).isCloseTo(expected, within(1e-12));
    }

    @Property(tries = 100)
    void rankMeasuresIgnoreMonotoneRescalingAndAreSymmetric(
            @ForAll @Size(min = 3, max = 40) java.util.List<@IntRange(min = 0, max = 9) Integer> xs, @ForAll("seed") long seed) {
        double[] x = xs.stream().mapToDouble(Integer::doubleValue).toArray();
        var rng = new java.util.Random(seed);
        double[] y = new double[x.length];
        for (int i = 0; i < y.length; i++) y[i] = x[i] + rng.nextInt(5);
        double[] rescaled = java.util.Arrays.stream(x).map(v -> Math.exp(v) * 3 + 1).toArray(); // strictly increasing
        double rho = Metrics.spearman(x, y), tau = Metrics.kendallTauB(x, y);
        if (Double.isNaN(rho)) return; // a constant side has no ranking
        assertThat(Metrics.spearman(rescaled, y)).isCloseTo(rho, within(1e-12));
        assertThat(Metrics.kendallTauB(rescaled, y)).isCloseTo(tau, within(1e-12));
        assertThat(Metrics.spearman(y, x)).isCloseTo(rho, within(1e-12));
        assertThat(Metrics.kendallTauB(y, x)).isCloseTo(tau, within(1e-12));
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Long> seed() {
        return net.jqwik.api.Arbitraries.longs();
    }

    /** The textbook definition: concordant minus discordant over the geometric mean of untied pair counts. */
    private static double quadraticTauB(double[] x, double[] y) {
        long concordant = 0, discordant = 0, untiedX = 0, untiedY = 0;
        for (int i = 0; i < x.length; i++)
            for (int j = i + 1; j < x.length; j++) {
                double s = Math.signum(x[i] - x[j]) * Math.signum(y[i] - y[j]);
                if (s > 0) concordant++;
                if (s < 0) discordant++;
                if (x[i] != x[j]) untiedX++;
                if (y[i] != y[j]) untiedY++;
            }
        if (untiedX == 0 || untiedY == 0) return Double.NaN;
        return (concordant - discordant) / Math.sqrt((double) untiedX * untiedY);
    }

    @Test
    void mapeAndWithinTenPercent() {
        double[] actual = {10, 20, 40, 50};
        double[] predicted = {11, 18, 40, 60}; // errors 10 %, 10 %, 0 %, 20 %
        assertThat(Metrics.mape(predicted, actual)).isCloseTo(10.0, within(1e-12));
        assertThat(Metrics.withinTolerance(predicted, actual, 0.10)).isEqualTo(0.75);
    }

    @Test
    void topKRecallCountsTrulyFastestFoundAmongPredictedFastest() {
        double[] actual = {1, 2, 3, 4, 5, 6};
        double[] predicted = {2, 1, 6, 3, 4, 5}; // predicted top 3 = {1, 0, 3}; true top 3 = {0, 1, 2}
        assertThat(Metrics.topKRecall(predicted, actual, 3)).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(Metrics.topKRecall(predicted, actual, 6)).isEqualTo(1.0);
        assertThatThrownBy(() -> Metrics.topKRecall(predicted, actual, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void coverageIncludesBounds() {
        double[] actual = {1, 2, 3, 4};
        assertThat(Metrics.intervalCoverage(new double[] {1, 0, 3.5, 0}, new double[] {1, 1, 5, 4}, actual)).isEqualTo(0.5);
    }

    @Test
    void lengthMismatchIsRejected() {
        assertThatThrownBy(() -> Metrics.spearman(new double[2], new double[3])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void spearmanIntervalNarrowsWithMorePairsAndContainsTheEstimate() {
        double[] small = Metrics.spearmanInterval(0.95, 30, 0.95), large = Metrics.spearmanInterval(0.95, 600, 0.95);
        assertThat(small[0]).isLessThan(0.95);
        assertThat(small[1]).isGreaterThan(0.95).isLessThan(1);
        assertThat(large[1] - large[0]).isLessThan((small[1] - small[0]) / 3);
        // z = atanh(.95) = 1.8318, half-width 1.96 * sqrt(1.06 / 27) = .3884: tanh(1.4434) = .8945, tanh(2.2202) = .9768
        assertThat(small[0]).isCloseTo(0.8945, org.assertj.core.data.Offset.offset(5e-4));
        assertThat(small[1]).isCloseTo(0.9768, org.assertj.core.data.Offset.offset(5e-4));
    }
}
