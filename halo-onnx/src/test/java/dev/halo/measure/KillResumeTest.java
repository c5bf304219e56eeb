package dev.halo.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kills a measuring JVM with SIGKILL mid-campaign, restarts it, and checks that no row is lost or duplicated. */
class KillResumeTest {
    private static final int ARCHS = 40;
    private static final int ROUNDS = 2;

    @TempDir Path dir;

    @Test
    void killedCampaignResumesExactly() throws Exception {
        Path db = dir.resolve("kill.db");
        Process child = start(db, 25);
        long seen;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        do {
            Thread.sleep(50);
            seen = db.toFile().exists() ? countRows(db) : 0;
        } while (seen < 10 && child.isAlive() && System.nanoTime() < deadline);
        assertThat(child.isAlive()).as("child still running when killed").isTrue();
        child.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no clean close
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long afterKill = countRows(db);
        assertThat(afterKill).isGreaterThanOrEqualTo(10).isLessThan(ARCHS * ROUNDS);

        Process resumed = start(db, 0);
        assertThat(resumed.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(resumed.exitValue()).as("resumed child's exit status (stderr in %s)", dir).isZero();
        try (MeasurementStore store = MeasurementStore.open(db)) {
            long dev = store.device(MeasurementStoreTest.FINGERPRINT);
            List<MeasurementStore.Row> rows = store.rows(dev, "fake");
            assertThat(rows).hasSize(ARCHS * ROUNDS);
            assertThat(rows.stream().map(r -> r.canonical() + "#" + r.round()).distinct().count()).isEqualTo(ARCHS * ROUNDS);
        }
    }

    private static long countRows(Path db) {
        try (MeasurementStore store = MeasurementStore.openForReading(db)) {
            return store.count();
        } catch (RuntimeException e) {
            return 0; // the child may not have created the schema yet
        }
    }

    private Process start(Path db, long sleepMs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(CampaignChildMain.class.getName());
        cmd.add(db.toString());
        cmd.add(Integer.toString(ARCHS));
        cmd.add(Integer.toString(ROUNDS));
        cmd.add(Long.toString(sleepMs));
        return new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(dir.resolve("child-" + System.nanoTime() + ".err").toFile()).start();
    }
}
