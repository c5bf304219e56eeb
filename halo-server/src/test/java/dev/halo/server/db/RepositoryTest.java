package dev.halo.server.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.server.db.Repository.JobState;
import dev.halo.server.db.Repository.NewMeasurement;
import dev.halo.server.db.Repository.NewPrediction;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The same repository tests on SQLite and on a real (embedded) PostgreSQL server. */
class RepositoryTest {
    static final List<String> backends = TestDatabases.BACKENDS;
    static final String A = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|";
    static final String B = "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|";

    @TempDir Path dir;

    static NewMeasurement ms(String arch, int round, double median) {
        return new NewMeasurement("nasbench201", arch, round, 10, median * 0.9, median, median * 1.1, median, 0.05, 0.04, 0.01, null, "{\"threads\":1}",
                "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z");
    }

    @ParameterizedTest
    @FieldSource("backends")
    void measurementsAreStoredOnceWithTheirProvenanceAndReadBack(String backend) {
        try (Database db = TestDatabases.open(backend, dir)) {
            Repository repo = new Repository(db);
            long dev = repo.deviceId("box");
            assertThat(repo.deviceId("box")).isEqualTo(dev);
            Repository.Stored first = repo.addMeasurements(dev, "upload a.csv", List.of(ms(A, 1, 3.5), ms(A, 2, 3.6), ms(B, 1, 1.25)));
            assertThat(first).isEqualTo(new Repository.Stored(3, 0));
            // the same rows again (a re-upload, a re-import) change nothing
            Repository.Stored again = repo.addMeasurements(dev, "upload a.csv", List.of(ms(A, 1, 9.9), ms(B, 2, 1.3)));
            assertThat(again).isEqualTo(new Repository.Stored(1, 1));
            List<Repository.Measurement> rows = repo.measurements(dev, "nasbench201", 100);
            assertThat(rows).hasSize(4);
            Repository.Measurement a1 = rows.stream().filter(r -> r.arch().equals(A) && r.round() == 1).findFirst().orElseThrow();
            assertThat(a1.medianMs()).isEqualTo(3.5);
            assertThat(a1.minMs()).isEqualTo(3.5 * 0.9);
            assertThat(a1.runs()).isEqualTo(10);
            assertThat(a1.source()).isEqualTo("upload a.csv");
            assertThat(a1.settings()).isEqualTo("{\"threads\":1}");
            assertThat(a1.robustCv()).isEqualTo(0.04);
            assertThat(a1.medianRelCi()).isEqualTo(0.01);
            assertThat(a1.startedAt()).isEqualTo("2026-01-01T00:00:00Z");
            assertThat(a1.measuredAt()).isEqualTo("2026-01-01T00:00:01Z");
            assertThat(a1.device()).isEqualTo("box");
            assertThat(repo.measurements(dev, "fbnet", 100)).isEmpty();
            assertThat(repo.measurements(dev, null, 2)).hasSize(2);
            assertThat(repo.countMeasurements()).isEqualTo(4);
        }
    }

    @ParameterizedTest
    @FieldSource("backends")
    void aBatchWithABadRowStoresNothing(String backend) {
        try (Database db = TestDatabases.open(backend, dir)) {
            Repository repo = new Repository(db);
            long dev = repo.deviceId("box");
            // a failure row must not carry a latency: the schema's CHECK refuses it, and the whole batch rolls back
            NewMeasurement bad = new NewMeasurement("nasbench201", B, 1, null, null, 2.0, null, null, null, null, null, "crashed", null, null, null);
            assertThatThrownBy(() -> repo.addMeasurements(dev, "x", List.of(ms(A, 1, 3.5), bad))).isInstanceOf(Repository.DatabaseException.class);
            assertThat(repo.countMeasurements()).isZero();
            NewMeasurement failed = new NewMeasurement("nasbench201", B, 1, null, null, null, null, null, null, null, null, "session failed", null, null, null);
            assertThat(repo.addMeasurements(dev, "x", List.of(failed)).inserted()).isEqualTo(1);
            assertThat(repo.measurements(dev, null, 10).get(0).failure()).isEqualTo("session failed");
        }
    }

    @ParameterizedTest
    @FieldSource("backends")
    void devicesGetTheirFingerprintProfilesAndPredictions(String backend) {
        try (Database db = TestDatabases.open(backend, dir)) {
            Repository repo = new Repository(db);
            long up = repo.deviceId("phone");
            long fp = repo.device("phone", "abc123", "{\"cpu\":\"x\"}", "x, 2 cores");
            assertThat(fp).isEqualTo(up);
            Repository.Device d = repo.device(up).orElseThrow();
            assertThat(d.fingerprintId()).isEqualTo("abc123");
            assertThat(d.label()).isEqualTo("x, 2 cores");
            assertThat(repo.deviceByName("phone")).contains(d);
            assertThat(repo.device(up + 1000)).isEmpty();
            assertThat(repo.latestProfile(up)).isEmpty();

            long p1 = repo.addProfile(up, "nasbench201", "op-costs", "{\"v\":1}", null, "upload");
            long p2 = repo.addProfile(up, "nasbench201", "op-costs", "{\"v\":2}", "{\"within10\":0.8}", "job j1",
                    List.of(new NewPrediction(A, 3.4, 3.0, 3.9), new NewPrediction(B, 1.2, Double.NaN, Double.NaN)));
            assertThat(p2).isGreaterThan(p1);
            Repository.Profile latest = repo.latestProfile(up).orElseThrow();
            assertThat(latest.id()).isEqualTo(p2);
            assertThat(latest.content()).isEqualTo("{\"v\":2}");
            assertThat(latest.validation()).isEqualTo("{\"within10\":0.8}");
            assertThat(repo.predictions(p2)).containsExactlyInAnyOrder(
                    new Repository.StoredPrediction(A, 3.4, 3.0, 3.9), new Repository.StoredPrediction(B, 1.2, null, null));
            assertThat(repo.devices()).extracting(Repository.Device::name).containsExactly("phone");
        }
    }

    @ParameterizedTest
    @FieldSource("backends")
    void jobsMoveThroughTheirStatesAndUnfinishedOnesAreTakenOverAfterARestartUntilTheirLimit(String backend) {
        try (Database db = TestDatabases.open(backend, dir)) {
            Repository repo = new Repository(db);
            repo.addJob("j1", "search", "{}");
            repo.addJob("j2", "onboard", "{}");
            repo.addJob("j3", "onboard", "{}");
            assertThat(repo.job("j1").orElseThrow().state()).isEqualTo(JobState.queued);
            assertThat(repo.setJobState("j1", JobState.running)).isTrue();
            repo.jobProgress("j1", "measure", 3, 10, "3 of 10");
            Repository.Job j1 = repo.job("j1").orElseThrow();
            assertThat(j1.done()).isEqualTo(3);
            assertThat(j1.total()).isEqualTo(10);
            assertThat(j1.stage()).isEqualTo("measure");
            assertThat(repo.finishJob("j1", JobState.succeeded, null, "{\"ok\":true}")).isTrue();
            assertThat(repo.finishJob("j1", JobState.failed, "late", null)).as("a finished job keeps its outcome").isFalse();
            assertThat(repo.job("j1").orElseThrow().result()).isEqualTo("{\"ok\":true}");
            repo.setJobState("j2", JobState.running);

            // a restart: the running job counts an interruption, the queued one (never started) none; both are queued again
            List<Repository.Job> left = repo.takeOverUnfinishedJobs(2, "stopped twice");
            assertThat(left).extracting(Repository.Job::id).containsExactly("j2", "j3");
            assertThat(left).extracting(Repository.Job::interruptions).containsExactly(1, 0);
            assertThat(left).extracting(Repository.Job::state).containsOnly(JobState.queued);
            assertThat(repo.job("j2").orElseThrow().state()).isEqualTo(JobState.queued);
            assertThat(repo.job("j2").orElseThrow().interruptions()).isEqualTo(1);
            // j2 runs and the server stops again: its second interruption reaches the limit
            repo.setJobState("j2", JobState.running);
            assertThat(repo.takeOverUnfinishedJobs(2, "stopped twice")).extracting(Repository.Job::state).containsExactly(JobState.failed, JobState.queued);
            Repository.Job gaveUp = repo.job("j2").orElseThrow();
            assertThat(gaveUp.state()).isEqualTo(JobState.failed);
            assertThat(gaveUp.error()).isEqualTo("stopped twice");
            assertThat(gaveUp.interruptions()).isEqualTo(2);
            assertThat(repo.job("j3").orElseThrow().state()).isEqualTo(JobState.queued);
            assertThat(repo.job("j1").orElseThrow().state()).isEqualTo(JobState.succeeded);
            assertThat(repo.job("j1").orElseThrow().interruptions()).isZero();
            assertThat(repo.job("nope")).isEmpty();
        }
    }

    @ParameterizedTest
    @FieldSource("backends")
    void concurrentWritersNeitherFailNorDuplicate(String backend) throws Exception {
        try (Database db = TestDatabases.open(backend, dir)) {
            Repository repo = new Repository(db);
            long dev = repo.deviceId("box");
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<Repository.Stored>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) fs.add(pool.submit(() -> repo.addMeasurements(dev, "race", List.of(ms(A, 1, 3.5), ms(B, 1, 1.0)))));
            int inserted = 0;
            for (Future<Repository.Stored> f : fs) inserted += f.get(30, TimeUnit.SECONDS).inserted();
            pool.shutdown();
            assertThat(inserted).isEqualTo(2);
            assertThat(repo.countMeasurements()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @FieldSource("backends")
    void reopeningMigratesNothingTwiceAndKeepsTheData(String backend) {
        String url = TestDatabases.url(backend, dir);
        try (Database db = Database.open(url)) {
            new Repository(db).deviceId("kept");
        }
        try (Database db = Database.open(url)) {
            assertThat(new Repository(db).devices()).extracting(Repository.Device::name).containsExactly("kept");
        }
    }

    @ParameterizedTest
    @FieldSource("backends")
    void aDevicesKernelModelIsStoredReplacedAndListedWithoutItsJson(String backend) {
        try (Database db = TestDatabases.open(backend, dir)) {
            Repository repo = new Repository(db);
            assertThat(repo.kernelModel("box")).isEmpty();
            long other = repo.deviceId("other");
            // the device is created on first use
            assertThat(repo.putKernelModel("box", "{\"v\":1}", "model one", "fp1")).isFalse();
            long box = repo.deviceByName("box").orElseThrow().id();
            Repository.KernelModel k = repo.kernelModel("box").orElseThrow();
            assertThat(k.deviceId()).isEqualTo(box);
            assertThat(k.json()).isEqualTo("{\"v\":1}");
            assertThat(k.describe()).isEqualTo("model one");
            assertThat(k.modelDevice()).isEqualTo("fp1");
            assertThat(k.bytes()).isEqualTo(7);
            // storing another replaces it: one per device
            String big = "{\"v\":\"" + "é".repeat(100_000) + "\"}";
            assertThat(repo.putKernelModel("box", big, "model two", "fp2")).isTrue();
            k = repo.kernelModel("box").orElseThrow();
            assertThat(k.json()).isEqualTo(big);
            assertThat(k.bytes()).isEqualTo(big.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
            assertThat(k.describe()).isEqualTo("model two");
            var all = repo.kernelModels();
            assertThat(all).containsOnlyKeys(box).doesNotContainKey(other);
            assertThat(all.get(box).json()).isNull();
            assertThat(all.get(box).describe()).isEqualTo("model two");
            assertThat(repo.kernelModel("other")).isEmpty();
        }
    }
}
