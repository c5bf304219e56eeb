package dev.halo.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StabilityTest {
    private static MeasurementStore.Row row(String arch, int round, double ms) {
        return new MeasurementStore.Row(arch, round, new Outcome.Measured(new LatencyStats(10, ms, ms, ms, ms, 0, 0, 0)), "t");
    }

    @Test
    void identicalRoundsAreStable() {
        List<MeasurementStore.Row> rows = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            rows.add(row("a" + i, 1, i + 1));
            rows.add(row("a" + i, 2, i + 1));
        }
        Stability s = Stability.between(rows, 1, 2);
        assertThat(s.pairs()).isEqualTo(5);
        assertThat(s.spearman()).isCloseTo(1.0, within(1e-12));
        assertThat(s.medianAbsDiffPercent()).isZero();
    }

    @Test
    void reversedOrderAndRelativeDifference() {
        List<MeasurementStore.Row> rows = List.of(row("a", 1, 1), row("b", 1, 2), row("c", 1, 3),
                row("a", 2, 3.3), row("b", 2, 2.2), row("c", 2, 1.1), new MeasurementStore.Row("d", 2, new Outcome.Failed("x"), "t"));
        Stability s = Stability.between(rows, 1, 2);
        assertThat(s.pairs()).isEqualTo(3);
        assertThat(s.spearman()).isCloseTo(-1.0, within(1e-12));
        assertThat(s.medianAbsDiffPercent()).isCloseTo(1.9 / 2.05 * 100, within(1e-9)); // c: |3 - 1.1| / 2.05 (a 107 %, b 9.5 %)
    }

    @Test
    void groupsOfRoundsCompareMediansOfRoundMedians() {
        List<MeasurementStore.Row> rows = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rows.add(row("a" + i, 1, i + 1));
            rows.add(row("a" + i, 2, i + 1.2));
            rows.add(row("a" + i, 3, 1.1 * (i + 1.1)));
        }
        Stability s = Stability.between(rows, java.util.Set.of(1, 2), java.util.Set.of(3), LatencyStats::medianMs);
        assertThat(s.pairs()).isEqualTo(4);
        assertThat(s.spearman()).isCloseTo(1.0, within(1e-12));
        // group 1: i + 1.1, group 2: 1.1 (i + 1.1): every pair differs by 0.1 / 1.05
        assertThat(s.medianAbsDiffPercent()).isCloseTo(0.1 / 1.05 * 100, within(1e-9));
    }

    @Test
    void tiesGetAverageRanks() {
        assertThat(Stability.ranks(new double[] {5, 1, 5, 2})).containsExactly(3.5, 1, 3.5, 2);
    }
}
