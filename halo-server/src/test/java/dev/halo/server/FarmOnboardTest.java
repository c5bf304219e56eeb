package dev.halo.server;

import static dev.halo.server.FarmApiTest.postAs;
import static dev.halo.server.FarmApiTest.register;
import static dev.halo.server.TestServer.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.halo.app.onboard.Onboarding;
import dev.halo.measure.LatencyStats;
import dev.halo.measure.MeasurementStore;
import dev.halo.measure.Outcome;
import dev.halo.server.TestServer.Reply;
import dev.halo.server.db.Database;
import dev.halo.server.db.Repository;
import dev.halo.server.farm.FarmAgent;
import dev.halo.server.farm.FarmSettings;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Onboarding through the farm ({@code POST /api/farm/onboard}): agents with fake measurements (a known cost per NB201
 * operation) measure halo onboard's plan; the profile stored is halo-app's fit of the same rows, and the job goes on
 * through a server restart.
 */
@Timeout(300)
class FarmOnboardTest {
    @TempDir Path dir;

    private static final Map<String, Object> PLAN = Map.of("device", "box", "samples", 10, "validate", 20, "rounds", 2);

    @Test
    void agentsMeasureTheOnboardingPlanThroughARestartAndTheProfileIsHaloAppsFitOfTheirRows() throws Exception {
        ServerConfig config = ServerConfig.local(dir, TOKEN).withFarm(2_000, 3);
        ExecutorService agents = Executors.newFixedThreadPool(3);
        TestServer t = new TestServer(config);
        try (Database db = Database.open(config.db())) {
            Repository repo = new Repository(db);
            // the first agent registers the device, then stops after 25 tasks: the kernel check and 24 measurements
            Future<FarmAgent.Summary> first = agents.submit(() -> FarmApiTest.runAgent(t, "a", "box", 25, 60, 0.0, new ByteArrayOutputStream()));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (repo.deviceByName("box").isEmpty() && System.nanoTime() < end) Thread.sleep(20);
            Reply started = t.postJson("/api/farm/onboard", PLAN);
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            String job = started.json().get("id").asText();
            assertThat(first.get(60, TimeUnit.SECONDS).stored()).isEqualTo(25);

            // the job looks at its tasks four times a second: its progress follows
            JsonNode running = t.get("/api/jobs/" + job).json();
            while (running.get("done").asLong() < 24 && System.nanoTime() < end) {
                Thread.sleep(50);
                running = t.get("/api/jobs/" + job).json();
            }
            assertThat(running.get("state").asText()).isEqualTo("running");
            assertThat(running.get("done").asLong()).as(running.toString()).isEqualTo(24);
            assertThat(repo.tasks(repo.deviceByName("box").orElseThrow().id(), Repository.KERNEL_CHECK_SPACE))
                    .singleElement().satisfies(c -> assertThat(c.result()).isEqualTo("{\"mismatch\":null}"));
            int port = t.server.port();
            t.close();
            assertThat(repo.job(job).orElseThrow().state()).as("a stop interrupts the job, it does not cancel it").isEqualTo(Repository.JobState.running);

            TestServer again = new TestServer(config.withPort(port));
            try {
                List<Future<FarmAgent.Summary>> rest = new ArrayList<>();
                for (String name : List.of("b", "c"))
                    rest.add(agents.submit(() -> FarmApiTest.runAgent(again, name, "box", 0, 3, 0.0, new ByteArrayOutputStream())));
                JsonNode done = again.awaitJob(job, 180);
                assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("succeeded");
                for (Future<FarmAgent.Summary> f : rest) f.get(60, TimeUnit.SECONDS);
                JsonNode result = done.get("result");
                assertThat(result.get("features").asText()).isEqualTo("executed-kernels");
                assertThat(result.get("validated").asInt()).isEqualTo(20);

                Repository.Device box = repo.deviceByName("box").orElseThrow();
                List<Repository.Measurement> measured = repo.measurements(box.id(), "nasbench201", Integer.MAX_VALUE);
                List<Repository.Task> tasks = repo.tasks(box.id(), "nasbench201");
                assertThat(tasks).allSatisfy(x -> assertThat(x.state()).isEqualTo(Repository.TaskState.done));
                assertThat(measured).hasSize(tasks.size());
                assertThat(measured.stream().map(Repository.Measurement::arch).distinct().count()).isEqualTo(tasks.size() / 2);

                // halo-app's fit and validation of the same rows, as halo onboard would run them on the same measurements
                Onboarding.Plan plan = Onboarding.plan("nasbench201", "box", new Onboarding.Choices("auto", "auto", null, 10, 20, 2, 0, "median", 20, 0.8,
                        Path.of("the server's database (farm tasks)"), dir.resolve("expected")), new FarmSettings(null, null, null, null, null, null)
                        .toMeasureSettings()).plan();
                Onboarding.Result expected = new Onboarding(plan).fitMeasured((space, archs) -> Optional.empty(),
                        new Onboarding.Machine(box.fingerprintId(), box.label(), box.fingerprint()), rows(measured), message -> {});
                Repository.Profile profile = repo.latestProfile(box.id()).orElseThrow();
                assertThat(profile.id()).isEqualTo(result.get("profile").asLong());
                assertThat(profile.method()).isEqualTo("op-costs");
                assertThat(withoutTimes(profile.content())).isEqualTo(withoutTimes(Files.readString(expected.deviceModel())));
                JsonNode validation = TestServer.JSON.readTree(profile.validation());
                assertThat(validation.get("spearman").asDouble()).isEqualTo(expected.validation().spearman()).isGreaterThan(0.8);
                assertThat(validation.get("mape").asDouble()).isEqualTo(expected.validation().mape());
                assertThat(validation.get("stability_spearman").asDouble()).isEqualTo(expected.validation().stability().spearman());

                // the device shows the held-out validation, and predict answers for it
                JsonNode device = again.get("/api/devices/" + box.id()).json();
                assertThat(device.get("check").get("kind").asText()).isEqualTo("validation archs (not used by the fit)");
                assertThat(device.get("check").get("points")).hasSize(20);
                Reply p = again.postJson("/api/predict", Map.of("archs", FarmApiTest.archs(2, 5003), "devices", List.of("box")));
                assertThat(p.status()).as(p.body()).isEqualTo(200);
                assertThat(p.json().get("devices").get(0).get("predictions")).hasSize(2).allSatisfy(r -> assertThat(r.get("ms").asDouble()).isPositive());
            } finally {
                again.close();
            }
        } finally {
            agents.shutdownNow();
            t.close();
        }
    }

    @Test
    void badPlansAreRefusedNamingTheFieldAndAParkedTaskFailsTheJobWithItsReason() throws Exception {
        ServerConfig config = ServerConfig.local(dir, TOKEN).withFarm(5_000, 1);
        try (TestServer t = new TestServer(config)) {
            Reply unknown = t.postJson("/api/farm/onboard", Map.of("device", "nobody"));
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().get("field").asText()).isEqualTo("device");
            FarmApiTest.Agent agent = register(t, "a", "box");
            Reply few = t.postJson("/api/farm/onboard", Map.of("device", "box", "samples", 1));
            assertThat(few.status()).isEqualTo(400);
            assertThat(few.json().get("field").asText()).isEqualTo("samples");
            Reply features = t.postJson("/api/farm/onboard", Map.of("device", "box", "features", "lut"));
            assertThat(features.status()).isEqualTo(400);
            assertThat(features.json().get("field").asText()).isEqualTo("features");
            Reply asAgent = postAs(t, agent, "/api/farm/onboard", PLAN);
            assertThat(asAgent.status()).isEqualTo(401);
            assertThat(t.get("/api/tasks").json().get("counts").get("queued").asInt()).as("nothing queued").isZero();

            // the default features need no kernel check: the plan's archs are queued at once
            Reply started = t.postJson("/api/farm/onboard", Map.of("device", "box", "features", "op-counts", "samples", 10, "validate", 20));
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            String job = started.json().get("id").asText();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (t.get("/api/tasks").json().get("counts").get("queued").asInt() == 0 && System.nanoTime() < end) Thread.sleep(20);
            JsonNode task = FarmApiTest.leaseOne(t, agent);
            assertThat(task.get("space").asText()).isEqualTo("nasbench201");
            // a kernel check's answer is no measurement's
            Reply wrong = postAs(t, agent, "/api/tasks/" + task.get("id").asLong() + "/result",
                    Map.of("leaseToken", task.get("leaseToken").asText(), "kernelCheck", java.util.Collections.singletonMap("mismatch", null)));
            assertThat(wrong.status()).isEqualTo(400);
            assertThat(wrong.json().get("field").asText()).isEqualTo("kernelCheck");
            Reply failed = postAs(t, agent, "/api/tasks/" + task.get("id").asLong() + "/result",
                    Map.of("leaseToken", task.get("leaseToken").asText(), "failure", "ORT ran out of memory"));
            assertThat(failed.json().get("state").asText()).isEqualTo("parked");
            JsonNode j = t.awaitJob(job, 60);
            assertThat(j.get("state").asText()).isEqualTo("failed");
            assertThat(j.get("error").asText()).contains("task " + task.get("id").asLong()).contains("parked after 1 attempts").contains("ORT ran out of memory");
        }
    }

    /** The stored measurements as a measurement store's rows, independently of the server's own conversion. */
    private static List<MeasurementStore.Row> rows(List<Repository.Measurement> measured) {
        List<MeasurementStore.Row> rows = new ArrayList<>();
        for (Repository.Measurement m : measured)
            rows.add(new MeasurementStore.Row(m.arch(), m.round(), new Outcome.Measured(new LatencyStats(m.runs(), m.minMs(), m.medianMs(), m.p90Ms(),
                    m.meanMs(), m.cv(), m.robustCv(), m.medianRelCi())), m.measuredAt()));
        return rows;
    }

    private static JsonNode withoutTimes(String json) throws Exception {
        JsonNode doc = TestServer.JSON.readTree(json);
        strip(doc);
        return doc;
    }

    private static void strip(JsonNode n) {
        if (n instanceof ObjectNode o) o.remove("created");
        n.forEach(FarmOnboardTest::strip);
    }
}
