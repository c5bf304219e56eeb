package dev.halo.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.measure.DeviceFingerprint;
import dev.halo.measure.LatencyStats;
import dev.halo.measure.MeasureSettings;
import dev.halo.measure.MeasurementStore;
import dev.halo.measure.Outcome;
import dev.halo.server.db.Database;
import dev.halo.server.db.Repository;
import dev.halo.server.db.TestDatabases;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** A CLI measurement store goes into the server's database with every column, once, on both backends. */
class StoreImportTest {
    static final List<String> backends = TestDatabases.BACKENDS;
    static final String A = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|";
    static final String B = "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|";

    @TempDir Path dir;

    @ParameterizedTest
    @FieldSource("backends")
    void everyColumnArrivesAndASecondImportAddsNothing(String backend) {
        Path file = dir.resolve("m.db");
        MeasureSettings settings = MeasureSettings.defaults().withThreads(2);
        DeviceFingerprint fp = DeviceFingerprint.current(settings);
        LatencyStats a1 = new LatencyStats(17, 1.25, 1.5, 1.75, 1.55, 0.061, 0.043, 0.012);
        LatencyStats a2 = new LatencyStats(9, 1.3, 1.6, 1.9, 1.62, 0.07, 0.05, Double.POSITIVE_INFINITY); // CI unknown: stored as NULL
        Instant t0 = Instant.parse("2026-03-01T10:00:00Z");
        String deviceCreated;
        try (MeasurementStore store = MeasurementStore.open(file)) {
            long d = store.device(fp);
            store.record(d, "nasbench201", A, 1, settings.toJson(), new Outcome.Measured(a1), t0, t0.plusSeconds(1));
            store.record(d, "nasbench201", A, 2, settings.toJson(), new Outcome.Measured(a2), t0.plusSeconds(2), t0.plusSeconds(3));
            store.record(d, "nasbench201", B, 1, settings.toJson(), new Outcome.Failed("session timed out"), t0.plusSeconds(4), t0.plusSeconds(5));
            deviceCreated = store.devices().get(0).createdAt();
        }
        String url = TestDatabases.url(backend, dir);
        List<StoreImport.Imported> first = StoreImport.run(url, List.of(file), Map.of(fp.id(), "box"));
        assertThat(first).singleElement().satisfies(i -> {
            assertThat(i.device()).isEqualTo("box");
            assertThat(i.rows()).isEqualTo(3);
            assertThat(i.inserted()).isEqualTo(3);
        });
        List<StoreImport.Imported> again = StoreImport.run(url, List.of(file), Map.of(fp.id(), "box"));
        assertThat(again.get(0).inserted()).isZero();
        assertThat(again.get(0).skipped()).isEqualTo(3);

        try (Database db = Database.open(url)) {
            Repository repo = new Repository(db);
            Repository.Device d = repo.deviceByName("box").orElseThrow();
            assertThat(d.fingerprintId()).isEqualTo(fp.id());
            assertThat(d.fingerprint()).isEqualTo(fp.toJson());
            assertThat(d.label()).isEqualTo(fp.label());
            assertThat(d.firstSeen()).isEqualTo(deviceCreated);
            List<Repository.Measurement> rows = repo.measurements(d.id(), "nasbench201", 10);
            assertThat(rows).hasSize(3);
            assertThat(repo.countMeasurements()).isEqualTo(3);
            Repository.Measurement r1 = rows.get(1).round() == 1 && rows.get(1).arch().equals(A) ? rows.get(1)
                    : rows.stream().filter(r -> r.arch().equals(A) && r.round() == 1).findFirst().orElseThrow();
            assertThat(List.of(r1.runs(), r1.minMs(), r1.medianMs(), r1.p90Ms(), r1.meanMs(), r1.cv(), r1.robustCv(), r1.medianRelCi()))
                    .containsExactly(17, 1.25, 1.5, 1.75, 1.55, 0.061, 0.043, 0.012);
            assertThat(r1.settings()).isEqualTo(settings.toJson());
            assertThat(r1.startedAt()).isEqualTo("2026-03-01T10:00:00Z");
            assertThat(r1.measuredAt()).isEqualTo("2026-03-01T10:00:01Z");
            assertThat(r1.source()).startsWith("import ").endsWith("m.db");
            Repository.Measurement r2 = rows.stream().filter(r -> r.arch().equals(A) && r.round() == 2).findFirst().orElseThrow();
            assertThat(r2.medianRelCi()).isNull();
            assertThat(r2.runs()).isEqualTo(9);
            Repository.Measurement failed = rows.stream().filter(r -> r.arch().equals(B)).findFirst().orElseThrow();
            assertThat(failed.failure()).isEqualTo("session timed out");
            assertThat(failed.medianMs()).isNull();
            assertThat(failed.startedAt()).isEqualTo("2026-03-01T10:00:04Z");
        }
    }
}
