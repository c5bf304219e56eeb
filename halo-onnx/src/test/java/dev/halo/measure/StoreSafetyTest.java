package dev.halo.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's guards: one writer at a time, someone else's database left alone, old stores upgraded, implausible rows flagged. */
class StoreSafetyTest {
    @TempDir Path dir;

    @Test
    void aSecondWriterInThisProcessIsRefusedAndTheLockIsReleasedOnClose() {
        Path db = dir.resolve("m.db");
        try (MeasurementStore first = MeasurementStore.open(db)) {
            assertThatThrownBy(() -> MeasurementStore.open(db)).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("is in use by another halo process (pid " + ProcessHandle.current().pid())
                    .hasMessageContaining("use another --store");
            try (MeasurementStore reader = MeasurementStore.openForReading(db)) { // readers take no lock
                assertThat(reader.count()).isZero();
            }
            first.device(MeasurementStoreTest.FINGERPRINT); // still usable after the refused open
        }
        try (MeasurementStore again = MeasurementStore.open(db)) {
            assertThat(again.devices()).hasSize(1);
        }
    }

    @Test
    void aWriterInAnotherProcessIsNamedByPidAndAKilledOneBlocksNothing() throws Exception {
        Path db = dir.resolve("m.db");
        Process child = start(db);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(Files.exists(StoreLock.sidecar(db)) && Files.size(StoreLock.sidecar(db)) > 0) && System.nanoTime() < deadline) Thread.sleep(50);
            assertThat(child.isAlive()).isTrue();
            assertThatThrownBy(() -> MeasurementStore.open(db)).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("in use by another halo process (pid " + child.pid() + ")");
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        try (MeasurementStore store = MeasurementStore.open(db)) { // the OS dropped the dead process's lock
            assertThat(store.count()).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void someoneElsesDatabaseIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path db = dir.resolve("crm.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");
            s.execute("INSERT INTO customers (name) VALUES ('ada')");
        }
        byte[] before = Files.readAllBytes(db);
        assertThatThrownBy(() -> MeasurementStore.open(db)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("not a halo measurement store").hasMessageContaining("customers");
        assertThat(Files.readAllBytes(db)).isEqualTo(before);
        assertThat(Files.exists(Path.of(db + "-wal"))).as("no WAL switch either").isFalse();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT group_concat(name) FROM sqlite_master")) {
            assertThat(rs.getString(1)).isEqualTo("customers");
        }
        // a halo store reused by chance still opens, and a new one is marked as halo's
        try (MeasurementStore fresh = MeasurementStore.open(dir.resolve("new.db"))) {
            fresh.device(MeasurementStoreTest.FINGERPRINT);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("new.db")); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA application_id")) {
            assertThat(rs.getInt(1)).isEqualTo(MeasurementStore.APPLICATION_ID);
        }
    }

    @Test
    void aVersionOneStoreOpensAndIsUpgradedWithItsRows() throws Exception {
        Path db = dir.resolve("v1.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE devices (id INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL UNIQUE, label TEXT NOT NULL, provenance TEXT NOT NULL, created_at TEXT NOT NULL)");
            s.execute("CREATE TABLE architectures (id INTEGER PRIMARY KEY, space TEXT NOT NULL, canonical TEXT NOT NULL, UNIQUE (space, canonical))");
            s.execute("""
                    CREATE TABLE measurements (id INTEGER PRIMARY KEY, device_id INTEGER NOT NULL REFERENCES devices(id),
                      arch_id INTEGER NOT NULL REFERENCES architectures(id), round INTEGER NOT NULL, settings TEXT NOT NULL,
                      runs INTEGER, min_ms REAL, median_ms REAL, p90_ms REAL, mean_ms REAL, cv REAL, robust_cv REAL, median_rel_ci REAL,
                      failure TEXT, started_at TEXT NOT NULL, finished_at TEXT NOT NULL, UNIQUE (device_id, arch_id, round),
                      CHECK ((failure IS NULL) = (median_ms IS NOT NULL)))""");
            s.execute("INSERT INTO devices VALUES (1, '" + MeasurementStoreTest.FINGERPRINT.id() + "', 'old', '{}', 't')");
            s.execute("INSERT INTO architectures VALUES (1, 'nb', 'a')");
            s.execute("INSERT INTO measurements VALUES (1, 1, 1, 1, '{}', 10, 1, 2, 3, 2, 0.1, 0.1, 0.01, NULL, 't', 't')");
            s.execute("PRAGMA user_version = 1");
        }
        try (MeasurementStore store = MeasurementStore.open(db)) {
            assertThat(store.latencies(1, "nb", LatencyStats::medianMs)).isEqualTo(Map.of("a", 2.0));
            Instant t = Instant.EPOCH;
            assertThat(store.record(1, "nb", "b", 1, "{}", new Outcome.Measured(LatencyStats.of(new double[] {1, 1.1, 1.2})), t, t)).isTrue();
            assertThat(store.rows(1, "nb")).extracting(MeasurementStore.Row::flagged).containsExactly(false, false);
        }
    }

    @Test
    void oversubscribedAndNoisyRowsAreKeptButFlagged() {
        try (MeasurementStore store = MeasurementStore.open(dir.resolve("m.db"))) {
            long dev = store.device(MeasurementStoreTest.FINGERPRINT);
            Instant t = Instant.EPOCH;
            int tooMany = Runtime.getRuntime().availableProcessors() + 1;
            LatencyStats quiet = LatencyStats.of(new double[] {1.0, 1.01, 1.02, 0.99, 1.0});
            store.record(dev, "nb", "ok", 1, "{\"intra_op_threads\":1}", new Outcome.Measured(quiet), t, t);
            store.record(dev, "nb", "over", 1, "{\"intra_op_threads\":" + tooMany + "}", new Outcome.Measured(quiet), t, t);
            LatencyStats noisy = LatencyStats.of(new double[] {0.5, 0.6, 200, 300, 450, 500, 0.55, 0.5, 400, 250, 0.7, 350});
            store.record(dev, "nb", "noisy", 1, "{\"intra_op_threads\":1}", new Outcome.Measured(noisy), t, t);
            LatencyStats fewRuns = LatencyStats.of(new double[] {0.5, 40, 300});
            store.record(dev, "nb", "three-runs", 1, "{\"intra_op_threads\":1}", new Outcome.Measured(fewRuns), t, t);
            List<String> flags = new ArrayList<>();
            for (MeasurementStore.Row r : store.rows(dev, "nb")) flags.add(r.canonical() + "=" + r.flag());
            assertThat(noisy.robustCv()).isGreaterThan(Plausibility.MAX_ROBUST_CV);
            assertThat(flags).containsExactly("noisy=noisy: robust CV " + String.format(java.util.Locale.ROOT, "%.2f", noisy.robustCv()) + " over 12 runs",
                    "ok=null", "over=oversubscribed: " + tooMany + " threads on " + Runtime.getRuntime().availableProcessors() + " processors",
                    "three-runs=null"); // too few runs to judge a spread
            // noisy rows stay usable (on a loaded machine they are all there is); oversubscribed ones never count
            assertThat(store.latencies(dev, "nb", LatencyStats::medianMs)).containsOnlyKeys("ok", "noisy", "three-runs");
        }
    }

    private Process start(Path db) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), CampaignChildMain.class.getName(),
                db.toString(), "1000", "1", "200"));
        return new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(dir.resolve("child.err").toFile()).start();
    }
}
