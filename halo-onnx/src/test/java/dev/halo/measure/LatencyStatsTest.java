package dev.halo.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyStatsTest {
    @Test
    void summarisesKnownSamples() {
        LatencyStats s = LatencyStats.of(new double[] {5, 1, 4, 2, 3, 6, 7, 8, 9, 10});
        assertThat(s.runs()).isEqualTo(10);
        assertThat(s.minMs()).isEqualTo(1);
        assertThat(s.medianMs()).isEqualTo(5.5);
        assertThat(s.p90Ms()).isEqualTo(9);
        assertThat(s.meanMs()).isEqualTo(5.5);
        assertThat(s.cv()).isCloseTo(Math.sqrt(82.5 / 9) / 5.5, within(1e-12));
        // |x - 5.5| = 0.5, 0.5, 1.5, 1.5, ... 4.5: MAD 2.5
        assertThat(s.robustCv()).isCloseTo(1.4826 * 2.5 / 5.5, within(1e-12));
    }

    @Test
    void robustCvIgnoresOneStalledRun() {
        double[] runs = {10, 10.1, 9.9, 10.2, 9.8, 10, 10.1, 9.9, 10, 100};
        LatencyStats s = LatencyStats.of(runs);
        assertThat(s.cv()).isGreaterThan(0.8);
        assertThat(s.robustCv()).isLessThan(0.02);
    }

    @Test
    void medianCiIsInfiniteForTooFewRunsAndShrinksWithTightSamples() {
        assertThat(LatencyStats.of(new double[] {1, 2, 3}).medianRelCi()).isInfinite();
        double[] tight = new double[50];
        double[] loose = new double[50];
        for (int i = 0; i < 50; i++) {
            tight[i] = 10 + 0.01 * (i % 7);
            loose[i] = 10 + 1.0 * (i % 7);
        }
        assertThat(LatencyStats.of(tight).medianRelCi()).isLessThan(0.01);
        assertThat(LatencyStats.of(loose).medianRelCi()).isGreaterThan(LatencyStats.of(tight).medianRelCi());
    }
}
