package dev.halo.search;

import dev.halo.stats.StudentT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.halo.predict.LatencyPredictor;
import dev.halo.space.Architecture;
import java.util.List;
import org.junit.jupiter.api.Test;

class SafetyMarginTest {
    private final ToySpace space = new ToySpace(3, 3, 1);

    /** A "refit" that predicts the mean of what it was fitted on, whatever the architecture. */
    private LatencyPredictor mean(double[] ms) {
        double m = java.util.Arrays.stream(ms).average().orElseThrow();
        return new LatencyPredictor() {
            @Override
            public String space() {
                return "toy";
            }

            @Override
            public double[] predictMs(List<? extends Architecture> archs) {
                double[] out = new double[archs.size()];
                java.util.Arrays.fill(out, m);
                return out;
            }
        };
    }

    @Test
    void theMarginIsTheQuantileOfLeaveOneOutUnderPrediction() {
        List<ToySpace.Arch> archs = space.all().subList(0, 5);
        double[] ms = {10, 10, 10, 10, 20};
        SafetyMargin.Refit<ToySpace.Arch> refit = (a, known) -> mean(known);
        // Leaving out the 20 ms arch predicts 10 (ratio 2); leaving out a 10 predicts 12.5 (ratio 0.8).
        var worst = SafetyMargin.leaveOneOut(refit, archs, ms, 0, new SafetyMargin.Quantile(1.0));
        assertThat(worst.at(1).margin()).isCloseTo(1.0, within(1e-12));
        assertThat(worst.ratios()).containsExactly(0.8, 0.8, 0.8, 0.8, 2.0);
        var median = SafetyMargin.leaveOneOut(refit, archs, ms, 0, new SafetyMargin.Quantile(0.5));
        assertThat(median.at(1).margin()).isZero(); // 0.8 - 1 < 0: a margin never loosens the budget
        var onlyLast = SafetyMargin.leaveOneOut(refit, archs, ms, 3, new SafetyMargin.Quantile(0.5));
        assertThat(onlyLast.ratios()).hasSize(2);
    }

    @Test
    void thePredictionBoundExtrapolatesPastTheWorstSample() {
        // log ratios with mean 0 and sd 0.1 (n = 10): bound at 95 % = exp(t(0.95, 9) * 0.1 * sqrt(1.1)) - 1.
        double[] logs = {-0.15, -0.1, -0.1, -0.05, 0, 0, 0.05, 0.1, 0.1, 0.15};
        double mean = java.util.Arrays.stream(logs).average().orElseThrow();
        double sd = Math.sqrt(java.util.Arrays.stream(logs).map(v -> (v - mean) * (v - mean)).sum() / 9);
        double[] ratios = java.util.Arrays.stream(logs).map(Math::exp).toArray();
        double m = new SafetyMargin.PredictionBound(0.95).marginFrom(ratios);
        assertThat(m).isCloseTo(Math.exp(1.8331 * sd * Math.sqrt(1.1)) - 1, within(1e-4));
        assertThat(1 + m).isGreaterThan(ratios[9]);
    }

    @Test
    void theTrendRuleRemovesADriftWithLatencyAndBoundsWhatIsLeft() {
        // A shrinking predictor: true = predicted^1.2 / 2 exactly, so ln(true/predicted) = 0.2 ln predicted - ln 2.
        double[] predicted = {2, 3, 4, 6, 8, 11, 15, 20, 26, 33};
        double[] truth = java.util.Arrays.stream(predicted).map(p -> Math.pow(p, 1.2) / 2).toArray();
        var exact = new SafetyMargin.TrendBound(0.95).adjust(predicted, truth, 12);
        assertThat(exact.margin()).isCloseTo(0, within(1e-9));
        assertThat(exact.slope()).isCloseTo(0.2, within(1e-9));
        assertThat(exact.correct(50)).isCloseTo(Math.pow(50, 1.2) / 2, within(1e-9));
        // A single margin has to cover the whole drift instead.
        assertThat(new SafetyMargin.PredictionBound(0.95).adjust(predicted, truth, 12).margin()).isGreaterThan(0.1);

        // Noise around the line: the bound widens away from the samples' centre, and grows with the confidence.
        double[] noisy = truth.clone();
        for (int i = 0; i < noisy.length; i++) noisy[i] *= Math.exp(i % 2 == 0 ? 0.05 : -0.05);
        var near = new SafetyMargin.TrendBound(0.9).adjust(predicted, noisy, 8);
        var far = new SafetyMargin.TrendBound(0.9).adjust(predicted, noisy, 200);
        var stricter = new SafetyMargin.TrendBound(0.99).adjust(predicted, noisy, 8);
        assertThat(near.margin()).isGreaterThan(0.05).isLessThan(far.margin()).isLessThan(stricter.margin());
        assertThat(SafetyMargin.Adjustment.marginOnly(-0.1).margin()).isZero();
    }

    @Test
    void studentQuantilesMatchTables() {
        assertThat(StudentT.normalQuantile(0.975)).isCloseTo(1.959964, within(1e-6));
        assertThat(StudentT.quantile(0.95, 9)).isCloseTo(1.8331, within(2e-4));
        assertThat(StudentT.quantile(0.99, 9)).isCloseTo(2.8214, within(2e-3));
        assertThat(StudentT.quantile(0.975, 30)).isCloseTo(2.0423, within(2e-4));
    }

    @Test
    void rulesParse() {
        assertThat(SafetyMargin.Rule.parse("bound:0.99", "--margin-rule")).isEqualTo(new SafetyMargin.PredictionBound(0.99));
        assertThat(SafetyMargin.Rule.parse("quantile:1", "--margin-rule")).isEqualTo(new SafetyMargin.Quantile(1));
        assertThat(SafetyMargin.Rule.parse("trend:0.9", "--margin-rule")).isEqualTo(new SafetyMargin.TrendBound(0.9));
        assertThat(SafetyMargin.Rule.parse("0.9", "--margin-rule")).isEqualTo(new SafetyMargin.PredictionBound(0.9));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SafetyMargin.Rule.parse("median:2", "--margin-rule"))
                .isInstanceOf(dev.halo.BadInputException.class).hasMessage("--margin-rule: unknown margin rule 'median' (known: quantile, bound, trend)");
    }

    @Test
    void quantilesInterpolate() {
        assertThat(SafetyMargin.quantileOfSorted(new double[] {1, 2, 3, 4, 5}, 0.9)).isCloseTo(4.6, within(1e-12));
        assertThat(SafetyMargin.quantileOfSorted(new double[] {1, 2}, 0)).isEqualTo(1);
    }
}
