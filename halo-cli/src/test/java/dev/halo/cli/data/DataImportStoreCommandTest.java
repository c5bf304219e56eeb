package dev.halo.cli.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.cli.CliRun;
import dev.halo.measure.DeviceFingerprint;
import dev.halo.measure.LatencyStats;
import dev.halo.measure.MeasureSettings;
import dev.halo.measure.MeasurementStore;
import dev.halo.measure.Outcome;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataImportStoreCommandTest {
    @TempDir Path dir;

    @Test
    void importsAStoreIntoTheServerDatabaseOnce() {
        Path file = dir.resolve("m.db");
        MeasureSettings settings = MeasureSettings.defaults();
        DeviceFingerprint fp = DeviceFingerprint.current(settings);
        try (MeasurementStore store = MeasurementStore.open(file)) {
            long d = store.device(fp);
            Instant t = Instant.parse("2026-03-01T10:00:00Z");
            store.record(d, "nasbench201", "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|", 1,
                    settings.toJson(), new Outcome.Measured(new LatencyStats(10, 1, 2, 3, 2, 0.1, 0.1, 0.01)), t, t.plusSeconds(1));
            store.record(d, "nasbench201", "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|", 1,
                    settings.toJson(), new Outcome.Failed("timed out"), t, t.plusSeconds(1));
        }
        String db = dir.resolve("server/halo.db").toString();
        CliRun first = CliRun.of("data", "import-store", "--store", file.toString(), "--db", db, "--device", fp.id() + "=box");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("box").contains(fp.id());
        assertThat(first.out().lines().filter(l -> l.contains("box")).findFirst().orElseThrow()).matches(".*\\b2\\s+2\\s+0\\s*$");
        CliRun again = CliRun.of("data", "import-store", "--store", file.toString(), "--db", db, "--device", fp.id() + "=box");
        assertThat(again.out().lines().filter(l -> l.contains("box")).findFirst().orElseThrow()).matches(".*\\b2\\s+0\\s+2\\s*$");
        CliRun missing = CliRun.of("data", "import-store", "--store", dir.resolve("nope.db").toString(), "--db", db);
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.db: no such measurement store");
    }
}
