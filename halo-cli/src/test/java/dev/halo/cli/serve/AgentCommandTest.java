package dev.halo.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.app.zoo.Zoo;
import dev.halo.cli.CliRun;
import dev.halo.server.HaloServer;
import dev.halo.server.ServerConfig;
import dev.halo.server.db.Database;
import dev.halo.server.db.Repository;
import dev.halo.space.Nb201Space;
import dev.halo.space.Spaces;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code halo agent} against a server on loopback: drains its device's queue and stops when idle; a wrong token stops it
 * with one line. Offline: {@code halo farm export-job}, {@code halo agent --offline}, {@code halo farm import-result}.
 */
@Timeout(120)
class AgentCommandTest {
    static final String TOKEN = "agent-test-token-42";
    @TempDir Path dir;

    @Test
    void anAgentDrainsItsDevicesQueueAndAWrongTokenStopsItWithOneLine() throws Exception {
        ServerConfig config = ServerConfig.local(dir, TOKEN);
        try (HaloServer server = HaloServer.create(config).start()) {
            String archs = ((Nb201Space) Spaces.byName("nasbench201")).all().stream().limit(5).map(a -> "\"" + a.canonical() + "\"")
                    .collect(Collectors.joining(","));
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> q = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/farm/measure")).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString("{\"device\":\"box\",\"archs\":[" + archs + "],\"rounds\":2}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(q.statusCode()).as(q.body()).isEqualTo(201);

            CliRun wrong = CliRun.of("agent", "--server", server.url(), "--token", "not-the-token", "--name", "x", "--retry", "2");
            assertThat(wrong.exit()).isEqualTo(2);
            assertThat(wrong.err()).contains("registering: the server answered 401: wrong token");

            CliRun run = CliRun.of("agent", "--server", server.url(), "--token", TOKEN, "--name", "a1", "--device", "box", "--idle-exit", "1", "--fake", "0",
                    "--threads", "1", "--batch", "1");
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out()).contains("agent a1 stopped (idle for 1.0 s): 10 stored, 0 already stored, 0 failed, 0 refused");
            try (Database db = Database.open(config.db())) {
                Repository repo = new Repository(db);
                assertThat(repo.countMeasurements()).isEqualTo(10);
                assertThat(repo.taskCounts()).containsEntry(Repository.TaskState.done, 10L);
            }
        }
    }

    @Test
    void farmOnboardWaitsForTheAgentsAndPrintsTheStoredProfile() throws Exception {
        ServerConfig config = ServerConfig.local(dir, TOKEN);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (HaloServer server = HaloServer.create(config).start(); Database db = Database.open(config.db())) {
            CliRun unknown = CliRun.of("farm", "onboard", "--server", server.url(), "--token", TOKEN, "--device", "box");
            assertThat(unknown.exit()).isEqualTo(2);
            assertThat(unknown.err().strip()).startsWith("halo: the server answered 404: no device called 'box'").endsWith("(field device)").doesNotContain("\n");

            java.util.concurrent.Future<CliRun> agent = pool.submit(() -> CliRun.of("agent", "--server", server.url(), "--token", TOKEN, "--name", "a1",
                    "--device", "box", "--idle-exit", "10", "--fake", "0"));
            Repository repo = new Repository(db);
            long end = System.nanoTime() + 30_000_000_000L;
            while (repo.deviceByName("box").isEmpty() && System.nanoTime() < end) Thread.sleep(20);
            CliRun onboard = CliRun.of("farm", "onboard", "--server", server.url(), "--token", TOKEN, "--device", "box", "--features", "op-counts",
                    "--samples", "4", "--validate", "8", "--wait");
            assertThat(onboard.exit()).as(onboard.err()).isZero();
            assertThat(onboard.out()).contains("onboarding box through its agents").contains("device box: profile 1 (op-costs, op-counts), validated on 8 held-out archs");
            // 10 references + 4 samples + 8 validation archs, 2 rounds each
            assertThat(agent.get(60, java.util.concurrent.TimeUnit.SECONDS).out()).contains("44 stored");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anOfflineJobGoesOutAsAFileIsMeasuredWithoutTheServerAndComesBackOnce() throws Exception {
        ServerConfig config = ServerConfig.local(dir, TOKEN);
        try (HaloServer server = HaloServer.create(config).start()) {
            String archs = ((Nb201Space) Spaces.byName("nasbench201")).all().stream().skip(100).limit(3).map(a -> "\"" + a.canonical() + "\"")
                    .collect(Collectors.joining(","));
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> q = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/farm/measure")).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString("{\"device\":\"remote\",\"archs\":[" + archs + "]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(q.statusCode()).as(q.body()).isEqualTo(201);
            Path job = dir.resolve("job.json"), result = dir.resolve("result.json");

            CliRun export = CliRun.of("farm", "export-job", "--server", server.url(), "--token", TOKEN, "--device", "remote", "--out", job.toString());
            assertThat(export.exit()).as(export.err()).isZero();
            assertThat(export.out()).containsPattern("job \\d+: 3 tasks of device remote, leased until ");

            CliRun noJob = CliRun.of("agent", "--offline", "--job", dir.resolve("missing.json").toString(), "--result", result.toString());
            assertThat(noJob.exit()).isEqualTo(2);
            assertThat(noJob.err().strip()).startsWith("halo: --job ").endsWith("missing.json: no such file").doesNotContain("\n");
            assertThat(CliRun.of("agent", "--offline", "--server", server.url(), "--job", job.toString(), "--result", result.toString()).exit()).isEqualTo(2);

            // the server is not asked for anything while the job is measured (it could be stopped: the agent has no URL)
            CliRun measure = CliRun.of("agent", "--offline", "--job", job.toString(), "--result", result.toString(), "--fake", "0");
            assertThat(measure.exit()).as(measure.err()).isZero();
            assertThat(measure.out()).contains("3 measured, 0 failed, 0 already in");

            Path bad = dir.resolve("bad.json");
            Files.writeString(bad, Files.readString(result).replaceFirst("\"medianMs\" : [0-9.]+", "\"medianMs\" : 0"));
            CliRun refused = CliRun.of("farm", "import-result", "--server", server.url(), "--token", TOKEN, bad.toString());
            assertThat(refused.exit()).isEqualTo(2);
            assertThat(refused.err()).contains("the server answered 400").contains("(field results[0].stats.medianMs)");

            CliRun imported = CliRun.of("farm", "import-result", "--server", server.url(), "--token", TOKEN, result.toString());
            assertThat(imported.exit()).as(imported.err()).isZero();
            assertThat(imported.out()).containsPattern("job \\d+: 3 stored, 0 already stored, 0 failed");
            CliRun again = CliRun.of("farm", "import-result", "--server", server.url(), "--token", TOKEN, result.toString());
            assertThat(again.out()).containsPattern("job \\d+: 0 stored, 3 already stored, 0 failed");
            try (Database db = Database.open(config.db())) {
                Repository repo = new Repository(db);
                assertThat(repo.countMeasurements()).isEqualTo(3);
                assertThat(repo.taskCounts()).containsEntry(Repository.TaskState.done, 3L);
            }
        }
    }

    @Test
    void farmMeasureUploadsAModelOnceAndAnOfflineJobCarriesItsFileBesideTheJob() throws Exception {
        ServerConfig config = ServerConfig.local(dir.resolve("data"), TOKEN);
        Path model = Zoo.export(List.of("resnet:block=basic:depth=1-1:width=8-16:res=32"), Files.createDirectories(dir.resolve("zoo")), 1, 0).getFirst().file();
        try (HaloServer server = HaloServer.create(config).start()) {
            String[] base = {"farm", "measure", "--server", server.url(), "--token", TOKEN, "--device", "remote"};
            CliRun neither = CliRun.of(base);
            assertThat(neither.exit()).isEqualTo(2);
            assertThat(neither.err().strip()).isEqualTo("halo: give either --arch (repeatable) or --model FILE.onnx");
            CliRun queued = CliRun.of(concat(base, "--model", model.toString(), "--rounds", "2", "--threads", "1"));
            assertThat(queued.exit()).as(queued.err()).isZero();
            assertThat(queued.out()).containsPattern("device remote: 2 tasks queued, 0 already queued \\(model sha256:[0-9a-f]{64};.*=1x3x32x32\\)");
            CliRun again = CliRun.of(concat(base, "--model", model.toString(), "--rounds", "2", "--threads", "1"));
            assertThat(again.out()).as("the file is stored once and its tasks queued once").contains("0 tasks queued, 2 already queued");

            Path carried = Files.createDirectories(dir.resolve("carried"));
            Path job = carried.resolve("job.json"), result = carried.resolve("result.json");
            CliRun export = CliRun.of("farm", "export-job", "--server", server.url(), "--token", TOKEN, "--device", "remote", "--out", job.toString());
            assertThat(export.exit()).as(export.err()).isZero();
            try (var files = Files.list(carried)) {
                assertThat(files.map(f -> f.getFileName().toString())).as("the model beside the job file")
                        .containsExactlyInAnyOrder("job.json", dev.halo.app.model.MeasureModel.sha256(model) + ".onnx");
            }
            CliRun measure = CliRun.of("agent", "--offline", "--job", job.toString(), "--result", result.toString(), "--fake", "0");
            assertThat(measure.exit()).as(measure.err()).isZero();
            assertThat(measure.out()).contains("2 measured, 0 failed, 0 already in");
            CliRun imported = CliRun.of("farm", "import-result", "--server", server.url(), "--token", TOKEN, result.toString());
            assertThat(imported.out()).as(imported.err()).containsPattern("job \\d+: 2 stored, 0 already stored, 0 failed");
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
