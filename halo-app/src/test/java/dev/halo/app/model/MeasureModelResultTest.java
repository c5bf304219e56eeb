package dev.halo.app.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.measure.LatencyStats;
import dev.halo.measure.MeasurementStore;
import dev.halo.measure.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code halo measure --model} prints comes from the result as plain values: each round, and the median over rounds. */
class MeasureModelResultTest {
    private static MeasurementStore.Row measured(int round, double medianMs) {
        return new MeasurementStore.Row("sha256:ab;x=1", round, new Outcome.Measured(LatencyStats.of(new double[] {medianMs, medianMs, medianMs})), "now");
    }

    private static MeasureModel.Result result(MeasurementStore.Row... rows) {
        return new MeasureModel.Result("sha256:ab;x=1", List.of(), null, null, List.of(rows), List.of());
    }

    @Test
    void roundsAndTheMedianOverMeasuredRounds() {
        var r = result(measured(1, 2.0), new MeasurementStore.Row("sha256:ab;x=1", 2, new Outcome.Failed("timeout"), "now"), measured(3, 4.0),
                measured(4, 3.0));
        assertThat(r.rounds()).extracting(MeasureModel.Round::round).containsExactly(1, 2, 3, 4);
        assertThat(r.rounds().get(1).measured()).isFalse();
        assertThat(r.rounds().get(1).failure()).isEqualTo("timeout");
        assertThat(r.rounds().get(0).stats().medianMs()).isEqualTo(2.0);
        assertThat(r.measuredRounds()).isEqualTo(3);
        assertThat(r.latencyMs()).isEqualTo(3.0);
        assertThat(result(measured(1, 2.0), measured(2, 5.0)).latencyMs()).isEqualTo(3.5);
    }

    @Test
    void noMeasuredRoundHasNoLatency() {
        var r = result(new MeasurementStore.Row("sha256:ab;x=1", 1, new Outcome.Failed("cannot load"), "now"));
        assertThat(r.measuredRounds()).isZero();
        assertThat(r.latencyMs()).isNaN();
    }
}
