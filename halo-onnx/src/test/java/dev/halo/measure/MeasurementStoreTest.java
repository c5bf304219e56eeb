package dev.halo.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeasurementStoreTest {
    static final DeviceFingerprint FINGERPRINT =
            new DeviceFingerprint("Test CPU", 2, "Linux", "JVM", "1.23.2", "cpu", 1, 1, "all", false, "fp32");

    @TempDir Path dir;

    @Test
    void recordsOnceAndRoundTrips() {
        try (MeasurementStore store = MeasurementStore.open(dir.resolve("m.db"))) {
            long dev = store.device(FINGERPRINT);
            assertThat(store.device(FINGERPRINT)).isEqualTo(dev);
            LatencyStats stats = LatencyStats.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
            Instant t = Instant.parse("2026-01-01T00:00:00Z");
            assertThat(store.record(dev, "nb", "a", 1, "{}", new Outcome.Measured(stats), t, t)).isTrue();
            assertThat(store.record(dev, "nb", "a", 1, "{}", new Outcome.Measured(stats), t, t)).isFalse();
            assertThat(store.record(dev, "nb", "b", 1, "{}", new Outcome.Failed("boom"), t, t)).isTrue();
            assertThat(store.count()).isEqualTo(2);
            List<MeasurementStore.Row> rows = store.rows(dev, "nb");
            assertThat(rows).extracting(MeasurementStore.Row::canonical).containsExactly("a", "b");
            assertThat(rows.get(0).outcome()).isEqualTo(new Outcome.Measured(stats));
            assertThat(rows.get(1).outcome()).isEqualTo(new Outcome.Failed("boom"));
            assertThat(store.roundsDone(dev, "nb")).isEqualTo(Map.of("a", Set.of(1), "b", Set.of(1)));
        }
    }

    @Test
    void latenciesAreMediansOverSuccessfulRounds() {
        try (MeasurementStore store = MeasurementStore.open(dir.resolve("m.db"))) {
            long dev = store.device(FINGERPRINT);
            Instant t = Instant.EPOCH;
            double[][] perRound = {{1, 2}, {3, 4}, {5, 6}};
            for (int round = 0; round < 3; round++) {
                LatencyStats s = LatencyStats.of(perRound[round]);
                store.record(dev, "nb", "a", round + 1, "{}", new Outcome.Measured(s), t, t);
            }
            store.record(dev, "nb", "a", 4, "{}", new Outcome.Failed("x"), t, t);
            store.record(dev, "nb", "b", 1, "{}", new Outcome.Failed("x"), t, t);
            assertThat(store.latencies(dev, "nb", LatencyStats::medianMs)).isEqualTo(Map.of("a", 3.5));
            assertThat(store.latencies(dev, "nb", LatencyStats::minMs)).isEqualTo(Map.of("a", 3.0));
            assertThat(store.devices()).singleElement().satisfies(d -> {
                assertThat(d.id()).isEqualTo(dev);
                assertThat(d.fingerprint()).isEqualTo(FINGERPRINT.id());
                assertThat(d.provenanceJson()).isEqualTo(FINGERPRINT.toJson());
            });
        }
    }

    @Test
    void unusableLocationIsBadInput() {
        assertThatThrownBy(() -> MeasurementStore.open(dir.resolve("missing/dir/m.db")))
                .isInstanceOf(BadInputException.class).hasMessageContaining("does not exist");
        assertThat(dir.resolve("ro").toFile().mkdir()).isTrue();
        assertThat(dir.resolve("ro").toFile().setWritable(false)).isTrue();
        if (!dir.resolve("ro").toFile().canWrite()) // root can write anyway; the check only means something otherwise
            assertThatThrownBy(() -> MeasurementStore.open(dir.resolve("ro/m.db")))
                    .isInstanceOf(BadInputException.class).hasMessageContaining("not writable");
    }

    @Test
    void campaignInterleavesRoundsAndResumesWithoutDuplicates() {
        List<String> archs = List.of("a", "b", "c", "d", "fail-e");
        try (MeasurementStore store = MeasurementStore.open(dir.resolve("m.db"))) {
            long dev = store.device(FINGERPRINT);
            List<String> visited = new ArrayList<>();
            MeasurementCampaign first = new MeasurementCampaign(store, dev, "nb", archs, 1, 2, 1, "{}", arch -> {
                visited.add(arch);
                return new FakeMeter(0).measure(arch);
            });
            // stop after 3 measurements, as Ctrl-C would
            MeasurementCampaign.Summary s1 = first.run(new MeasurementCampaign.Listener() {
                int n;

                @Override
                public void measured(String canonical, int round, Outcome outcome) {
                    if (++n == 3) first.requestStop();
                }
            });
            assertThat(s1.stopped()).isTrue();
            assertThat(store.count()).isEqualTo(3);
            MeasurementCampaign again = new MeasurementCampaign(store, dev, "nb", archs, 1, 2, 1, "{}", arch -> {
                visited.add(arch);
                return new FakeMeter(0).measure(arch);
            });
            MeasurementCampaign.Summary s2 = again.run(new MeasurementCampaign.Listener() {});
            assertThat(s2.alreadyDone()).isEqualTo(3);
            assertThat(s2.measured()).isEqualTo(7);
            assertThat(s2.failed()).isEqualTo(2);
            assertThat(store.count()).isEqualTo(10);
            assertThat(visited).hasSize(10);
            // each round visits every architecture once, in a round-specific order
            assertThat(new HashSet<>(visited.subList(0, 5))).containsExactlyInAnyOrderElementsOf(archs);
            assertThat(new HashSet<>(visited.subList(5, 10))).containsExactlyInAnyOrderElementsOf(archs);
            assertThat(again.order(1)).isNotEqualTo(again.order(2));
        }
    }
}
