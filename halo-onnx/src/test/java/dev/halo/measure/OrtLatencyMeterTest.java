package dev.halo.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import dev.halo.onnx.Nb201Network;
import dev.halo.space.Nb201Space;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrtLatencyMeterTest {
    private static final MeasureSettings QUICK = MeasureSettings.defaults().withRuns(2, 10, 30);

    private static OrtLatencyMeter nb201Meter(MeasureSettings settings) {
        return new OrtLatencyMeter(settings, s -> Nb201Network.cifar10().export(new Nb201Space().parse(s), settings.batch(), 1));
    }

    @Test
    void timesARealNetwork() {
        Outcome outcome = nb201Meter(QUICK).measure("nor_conv_1x1,skip_connect,none,avg_pool_3x3,none,nor_conv_1x1");
        assertThat(outcome).isInstanceOf(Outcome.Measured.class);
        LatencyStats s = ((Outcome.Measured) outcome).stats();
        assertThat(s.runs()).isBetween(10, 30);
        assertThat(s.minMs()).isPositive().isLessThanOrEqualTo(s.medianMs());
        assertThat(s.medianMs()).isLessThanOrEqualTo(s.p90Ms());
    }

    @Test
    void moreWorkTakesLonger() {
        OrtLatencyMeter meter = nb201Meter(QUICK.withBatch(4));
        double none = ((Outcome.Measured) meter.measure("none,none,none,none,none,none")).stats().minMs();
        double conv = ((Outcome.Measured) meter.measure(String.join(",", java.util.Collections.nCopies(6, "nor_conv_3x3")))).stats().minMs();
        assertThat(conv).isGreaterThan(2 * none);
    }

    @Test
    void exportFailureIsRecordedNotThrown() {
        Outcome outcome = nb201Meter(QUICK).measure("bogus");
        assertThat(outcome).isInstanceOf(Outcome.Failed.class);
        assertThat(((Outcome.Failed) outcome).reason()).contains("bogus").doesNotContain("\n");
    }

    @Test
    void timeCapStopsEarly() {
        MeasureSettings capped = new MeasureSettings(1, 1, GraphOptimization.ALL, false, false, 0, 1, 100_000, 1e-9, 0.2, 60);
        LatencyStats s = ((Outcome.Measured) nb201Meter(capped).measure("none,none,none,none,none,none")).stats();
        assertThat(s.runs()).isLessThan(100_000);
    }

    @Test
    void settingsRejectImpossibleValues() {
        assertThatThrownBy(() -> MeasureSettings.defaults().withThreads(0)).isInstanceOf(BadInputException.class).hasMessageContaining("threads");
        assertThatThrownBy(() -> MeasureSettings.defaults().withBatch(0)).isInstanceOf(BadInputException.class).hasMessageContaining("batch");
    }

    @Test
    void cudaRequestWithoutCudaIsBadInput() {
        if (OrtLatencyMeter.cudaAvailable()) return; // nothing to check on a CUDA build
        assertThatThrownBy(() -> nb201Meter(QUICK.withCuda(true))).isInstanceOf(BadInputException.class).hasMessageContaining("CUDA");
    }

    @Test
    void fingerprintIdIsStableAndSettingSensitive() {
        DeviceFingerprint a = DeviceFingerprint.current(QUICK);
        assertThat(a.id()).hasSize(16).isEqualTo(DeviceFingerprint.current(QUICK).id());
        assertThat(DeviceFingerprint.current(QUICK.withThreads(2)).id()).isNotEqualTo(a.id());
        assertThat(a.ortVersion()).isEqualTo("1.23.2");
        assertThat(a.toJson()).contains("\"cpu_model\"").contains("\"batch\":1");
        assertThat(List.of(a.cpuModel())).doesNotContainNull();
    }
}
