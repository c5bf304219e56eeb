package dev.halo.search;

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
        var worst = SafetyMargin.leaveOneOut(refit, archs, ms, 0, 1.0);
        assertThat(worst.margin()).isCloseTo(1.0, within(1e-12));
        assertThat(worst.ratios()).containsExactly(0.8, 0.8, 0.8, 0.8, 2.0);
        var median = SafetyMargin.leaveOneOut(refit, archs, ms, 0, 0.5);
        assertThat(median.margin()).isZero(); // 0.8 - 1 < 0: a margin never loosens the budget
        var onlyLast = SafetyMargin.leaveOneOut(refit, archs, ms, 3, 0.5);
        assertThat(onlyLast.ratios()).hasSize(2);
    }

    @Test
    void quantilesInterpolate() {
        assertThat(SafetyMargin.quantileOfSorted(new double[] {1, 2, 3, 4, 5}, 0.9)).isCloseTo(4.6, within(1e-12));
        assertThat(SafetyMargin.quantileOfSorted(new double[] {1, 2}, 0)).isEqualTo(1);
    }
}
