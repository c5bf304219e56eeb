package dev.halo.server;

import static dev.halo.server.TestServer.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.halo.server.TestServer.Reply;
import dev.halo.server.db.Database;
import dev.halo.server.db.Repository;
import dev.halo.server.farm.FarmAgent;
import dev.halo.server.farm.OfflineAgent;
import dev.halo.space.Architecture;
import dev.halo.space.Nb201Space;
import dev.halo.space.Spaces;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The farm over a real server on loopback: the agent end to end (real ORT and fake), and every refusal writing nothing. */
@Timeout(120)
class FarmApiTest {
    @TempDir Path dir;

    static List<String> archs(int n, int step) {
        List<? extends Architecture> all = ((Nb201Space) Spaces.byName("nasbench201")).all();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(all.get((i * step) % all.size()).canonical());
        return out;
    }

    static Map<String, Object> fingerprint(String cpu) {
        return Map.of("cpu_model", cpu, "logical_cores", 2, "os", "test");
    }

    /** A registered agent: its id and its own token. */
    record Agent(long id, String token) {}

    static Agent register(TestServer t, String name, String device) {
        Reply r = t.postJson("/api/agents", Map.of("name", name, "device", device, "fingerprint", fingerprint("test cpu")));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("token").asText()).hasSizeGreaterThan(30);
        return new Agent(r.json().get("agent").asLong(), r.json().get("token").asText());
    }

    /** A request as an agent: with its own token, not the server's. */
    static Reply postAs(TestServer t, Agent a, String path, Object body) {
        try {
            return t.post(path, "application/json", body instanceof String s ? s : TestServer.JSON.writeValueAsString(body), a.token());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void enqueue(TestServer t, String device, List<String> archs, Map<String, Object> settings) {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("device", device);
        req.put("archs", archs);
        if (settings != null) req.put("settings", settings);
        Reply r = t.postJson("/api/farm/measure", req);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("queued").asInt()).isEqualTo(archs.size());
    }

    static JsonNode leaseOne(TestServer t, Agent agent) {
        Reply r = postAs(t, agent, "/api/agents/" + agent.id() + "/lease?wait=2", "");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("tasks")).hasSize(1);
        return r.json().get("tasks").get(0);
    }

    static Map<String, Object> stats(double median) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("runs", 12);
        s.put("minMs", median * 0.9);
        s.put("medianMs", median);
        s.put("p90Ms", median * 1.2);
        return s;
    }

    static long measurements(ServerConfig c) {
        try (Database db = Database.open(c.db())) {
            return new Repository(db).countMeasurements();
        }
    }

    static FarmAgent.Summary runAgent(TestServer t, String name, String device, int maxJobs, double idleExit, Double fakeMs, ByteArrayOutputStream log)
            throws Exception {
        FarmAgent.Config c = new FarmAgent.Config(t.url(), TOKEN, name, device, null, null, maxJobs, idleExit, fakeMs, 10);
        return new FarmAgent(c, new java.io.PrintWriter(new java.io.OutputStreamWriter(log, StandardCharsets.UTF_8), true)).run();
    }

    @Test
    void anAgentMeasuresThreeTinyArchsWithTheOrtHarnessEndToEnd() throws Exception {
        ServerConfig c = ServerConfig.local(dir, TOKEN);
        try (TestServer t = new TestServer(c)) {
            List<String> three = archs(3, 4001);
            enqueue(t, "box", three, Map.of("warmupRuns", 1, "minRuns", 3, "maxRuns", 10, "maxSecondsPerArch", 0.5));
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            FarmAgent.Summary s = runAgent(t, "real-1", "box", 3, 30, null, log);
            assertThat(s.stored()).as(log.toString(StandardCharsets.UTF_8)).isEqualTo(3);
            assertThat(s.failed() + s.refused() + s.already()).isZero();
            JsonNode rows = t.get("/api/measurements?device=box").json();
            assertThat(rows).hasSize(3);
            for (JsonNode m : rows) {
                assertThat(three).contains(m.get("arch").asText());
                assertThat(m.get("medianMs").asDouble()).isPositive();
                assertThat(m.get("runs").asInt()).isBetween(3, 10);
                assertThat(m.get("minMs").asDouble()).isLessThanOrEqualTo(m.get("medianMs").asDouble());
                assertThat(m.get("source").asText()).startsWith("farm task ").contains("by agent real-1");
                // the row carries the harness settings the task asked for, as halo measure stores them
                assertThat(m.get("settings").asText()).contains("\"max_runs\":10").contains("\"warmup_runs\":1").contains("\"provider\":\"cpu\"");
            }
            JsonNode tasks = t.get("/api/tasks?state=done").json();
            assertThat(tasks.get("counts").get("done").asInt()).isEqualTo(3);
            JsonNode device = t.get("/api/devices").json().get(0);
            assertThat(device.get("name").asText()).isEqualTo("box");
            assertThat(device.get("fingerprintId").asText()).as("the agent's fingerprint became the device's").isNotBlank();
            JsonNode fp = t.get("/api/devices/" + device.get("id").asLong()).json().get("fingerprint");
            assertThat(fp.get("provider").asText()).as("measured by ONNX Runtime, not the fake").isEqualTo("cpu");
            assertThat(fp.has("fake_measurements")).isFalse();
            assertThat(fp.get("memory_bytes").asLong()).isPositive();
        }
    }

    @Test
    void heartbeatsKeepALeaseLongerThanItsLengthAndFakeAgentsDrainTheQueue() throws Exception {
        ServerConfig c = ServerConfig.local(dir, TOKEN).withFarm(1_200, 3);
        try (TestServer t = new TestServer(c)) {
            enqueue(t, "fake", archs(2, 7), null);
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            // each task takes 3 s, 2.5 leases: only the heartbeats (every 0.4 s) keep it
            FarmAgent.Summary s = runAgent(t, "slow", "fake", 2, 5, 3000.0, log);
            assertThat(s.stored()).as(log.toString(StandardCharsets.UTF_8)).isEqualTo(2);
            assertThat(s.refused()).isZero();
            JsonNode done = t.get("/api/tasks?state=done").json().get("tasks");
            assertThat(done).hasSize(2).allSatisfy(x -> assertThat(x.get("attempts").asInt()).isEqualTo(1));

            enqueue(t, "fake", archs(30, 11).subList(2, 30), null);
            FarmAgent.Summary quick = runAgent(t, "quick", "fake", 0, 1.5, 0.0, log);
            assertThat(quick.stored()).isEqualTo(28);
            assertThat(quick.stopped()).startsWith("idle");
            assertThat(measurements(c)).isEqualTo(30);
        }
    }

    @Test
    void aDeviceMeasuredByAgentsGetsAProfileAndPredictAnswersForIt() throws Exception {
        ServerConfig c = ServerConfig.local(dir, TOKEN);
        try (TestServer t = new TestServer(c)) {
            enqueue(t, "farmed", archs(40, 389), null);
            FarmAgent.Summary s = runAgent(t, "f1", "farmed", 40, 10, 0.0, new ByteArrayOutputStream());
            assertThat(s.stored()).isEqualTo(40);
            long id = t.get("/api/devices").json().get(0).get("id").asLong();
            Reply fit = t.postJson("/api/devices/" + id + "/profile", Map.of("method", "op-costs"));
            assertThat(fit.status()).as(fit.body()).isEqualTo(201);
            Reply p = t.postJson("/api/predict", Map.of("archs", archs(2, 5003), "devices", List.of("farmed")));
            assertThat(p.status()).as(p.body()).isEqualTo(200);
            JsonNode rows = p.json().get("devices").get(0).get("predictions");
            assertThat(rows).hasSize(2).allSatisfy(r -> assertThat(r.get("ms").asDouble()).isPositive());
        }
    }

    @Test
    void aWrongTokenIsRefusedAndWritesNothing() {
        ServerConfig c = ServerConfig.local(dir, TOKEN);
        try (TestServer t = new TestServer(c)) {
            Reply r = t.post("/api/agents", "application/json", "{\"name\":\"a\",\"device\":\"d\",\"fingerprint\":{}}", "wrong-token-123");
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.json().get("error").asText()).isEqualTo("wrong token");
            assertThat(t.get("/api/devices").json()).isEmpty();
            Agent agent = register(t, "a", "d");
            enqueue(t, "d", archs(1, 1), null);
            JsonNode task = leaseOne(t, agent);
            String result = "{\"leaseToken\":\"" + task.get("leaseToken").asText() + "\",\"stats\":{\"runs\":3,\"medianMs\":1.0}}";
            Reply up = t.post("/api/tasks/" + task.get("id").asLong() + "/result", "application/json", result, "wrong-token-123");
            assertThat(up.status()).isEqualTo(401);
            assertThat(up.json().get("field").asText()).isEqualTo("Authorization");
            assertThat(up.json().get("error").asText()).contains("not an agent's token");
            // the server's token is not an agent's: it cannot lease or upload either
            Reply admin = t.post("/api/tasks/" + task.get("id").asLong() + "/result", "application/json", result, TOKEN);
            assertThat(admin.status()).isEqualTo(401);
            assertThat(admin.json().get("error").asText()).contains("server's token");
            Reply lease = t.post("/api/agents/" + agent.id() + "/lease", "application/json", "", null);
            assertThat(lease.status()).isEqualTo(401);
            assertThat(t.post("/api/agents/" + agent.id() + "/lease", "application/json", "", TOKEN).status()).isEqualTo(401);
            // and an agent's token does no admin work
            Reply enqueue = t.post("/api/farm/measure", "application/json", "{\"device\":\"d\",\"archs\":[\"" + archs(2, 1).get(1) + "\"]}", agent.token());
            assertThat(enqueue.status()).isEqualTo(401);
            assertThat(enqueue.json().get("field").asText()).isEqualTo("Authorization");
            assertThat(measurements(c)).isZero();
            assertThat(t.get("/api/tasks?state=leased").json().get("tasks")).hasSize(1);
        }
    }

    @Test
    void aResultForATaskTheAgentDoesNotHoldIs409AndWritesNothing() {
        ServerConfig c = ServerConfig.local(dir, TOKEN);
        try (TestServer t = new TestServer(c)) {
            Agent a = register(t, "a", "d");
            Agent b = register(t, "b", "d");
            enqueue(t, "d", archs(2, 3), null);
            JsonNode ta = leaseOne(t, a);
            JsonNode tb = leaseOne(t, b);
            // b uploads for a's task with its own lease token
            Reply r = postAs(t, b, "/api/tasks/" + ta.get("id").asLong() + "/result", Map.of("leaseToken", tb.get("leaseToken").asText(), "stats", stats(2.0)));
            assertThat(r.status()).as(r.body()).isEqualTo(409);
            assertThat(r.json().get("field").asText()).isEqualTo("leaseToken");
            assertThat(r.json().get("error").asText()).contains("task " + ta.get("id").asLong()).contains("not held");
            Reply hb = postAs(t, b, "/api/tasks/" + ta.get("id").asLong() + "/heartbeat", Map.of("leaseToken", tb.get("leaseToken").asText()));
            assertThat(hb.status()).isEqualTo(409);
            Reply unknown = postAs(t, a, "/api/tasks/999999/result", Map.of("leaseToken", "x", "stats", stats(2.0)));
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(measurements(c)).isZero();
            // a's own upload is stored once; its retry answers 200 and writes nothing more
            Map<String, Object> mine = Map.of("leaseToken", ta.get("leaseToken").asText(), "stats", stats(2.0));
            assertThat(postAs(t, a, "/api/tasks/" + ta.get("id").asLong() + "/result", mine).status()).isEqualTo(201);
            Reply retry = postAs(t, a, "/api/tasks/" + ta.get("id").asLong() + "/result", mine);
            assertThat(retry.status()).isEqualTo(200);
            assertThat(retry.json().get("stored").asBoolean()).isFalse();
            assertThat(measurements(c)).isEqualTo(1);
        }
    }

    @Test
    void oversizedOrMalformedResultsAreRefusedNamingTheFieldAndWriteNothing() {
        ServerConfig c = ServerConfig.local(dir, TOKEN);
        try (TestServer t = new TestServer(c)) {
            Agent a = register(t, "a", "d");
            enqueue(t, "d", archs(1, 1), null);
            JsonNode task = leaseOne(t, a);
            String path = "/api/tasks/" + task.get("id").asLong() + "/result";
            String token = task.get("leaseToken").asText();

            // refused for its size while the client is still sending: before the server drained such bodies, 23 of 300
            // of these posts reached the client as a reset connection instead of the 413
            for (int i = 0; i < 200; i++) {
                Reply big = postAs(t, a, path, Map.of("leaseToken", token, "failure", "x".repeat(70_000 + i * 1_000)));
                assertThat(big.status()).as("post " + i).isEqualTo(413);
                assertThat(big.json().get("error").asText()).contains("exceeds the limit of 65536 bytes");
            }

            Map<String, Reply> bad = new LinkedHashMap<>();
            bad.put("body", postAs(t, a, path, "{not json"));
            bad.put("leaseToken", postAs(t, a, path, Map.of("stats", stats(1.0))));
            bad.put("stats", postAs(t, a, path, Map.of("leaseToken", token)));
            Map<String, Object> noMedian = stats(1.0);
            noMedian.remove("medianMs");
            bad.put("stats.medianMs", postAs(t, a, path, Map.of("leaseToken", token, "stats", noMedian)));
            Map<String, Object> minAbove = stats(1.0);
            minAbove.put("minMs", 5.0);
            bad.put("stats.minMs", postAs(t, a, path, Map.of("leaseToken", token, "stats", minAbove)));
            Map<String, Object> noRuns = stats(1.0);
            noRuns.put("runs", 0);
            bad.put("stats.runs", postAs(t, a, path, Map.of("leaseToken", token, "stats", noRuns)));
            Map<String, Object> extra = stats(1.0);
            extra.put("latency", 3);
            bad.put("stats.latency", postAs(t, a, path, Map.of("leaseToken", token, "stats", extra)));
            bad.put("measuredAt", postAs(t, a, path, Map.of("leaseToken", token, "stats", stats(1.0), "measuredAt", "yesterday")));
            bad.forEach((field, r) -> {
                assertThat(r.status()).as(field + ": " + r.body()).isEqualTo(400);
                assertThat(r.json().get("field").asText()).as(r.body()).isEqualTo(field);
            });
            assertThat(measurements(c)).isZero();
            JsonNode still = t.get("/api/tasks?state=leased").json().get("tasks");
            assertThat(still).hasSize(1);
            assertThat(still.get(0).get("attempts").asInt()).as("refusals cost the task no attempt").isEqualTo(1);
            Reply badArch = t.postJson("/api/farm/measure", Map.of("device", "d", "archs", List.of(archs(1, 1).get(0), "|nope~0|")));
            assertThat(badArch.status()).isEqualTo(400);
            assertThat(badArch.json().get("field").asText()).isEqualTo("archs[1]");
            assertThat(t.get("/api/tasks").json().get("tasks")).hasSize(1);
        }
    }

    /** A refusal decided from the headers alone (a wrong token), before any of the body was read, still reaches the client. */
    @Test
    void aWrongTokenIsAnsweredWith401NotWithAResetConnectionWhateverTheBody() {
        try (TestServer t = new TestServer(ServerConfig.local(dir, TOKEN))) {
            String big = "x".repeat(200_000);
            for (int i = 0; i < 200; i++) {
                Reply r = t.post("/api/farm/measure", "application/json", "{\"device\":\"d\",\"archs\":[\"" + big + "\"]}", "wrong-" + i);
                assertThat(r.status()).as("post " + i).isEqualTo(401);
            }
        }
    }

    @Test
    void anExpiredLeaseReturnsTheTaskToTheQueueAndAFailingTaskIsParked() throws Exception {
        ServerConfig c = ServerConfig.local(dir, TOKEN).withFarm(1_500, 2);
        try (TestServer t = new TestServer(c)) {
            Agent a = register(t, "a", "d");
            Agent b = register(t, "b", "d");
            enqueue(t, "d", archs(1, 1), null);
            JsonNode first = leaseOne(t, a);
            Thread.sleep(2_500);
            JsonNode queued = t.get("/api/tasks?state=queued").json().get("tasks");
            assertThat(queued).hasSize(1);
            assertThat(queued.get(0).get("lastError").asText()).contains("lease expired");
            JsonNode second = leaseOne(t, b);
            assertThat(second.get("id").asLong()).isEqualTo(first.get("id").asLong());
            assertThat(second.get("attempt").asInt()).isEqualTo(2);
            Reply late = postAs(t, a, "/api/tasks/" + first.get("id").asLong() + "/result", Map.of("leaseToken", first.get("leaseToken").asText(), "stats", stats(1.0)));
            assertThat(late.status()).isEqualTo(409);
            Reply failed = postAs(t, b, "/api/tasks/" + second.get("id").asLong() + "/result",
                    Map.of("leaseToken", second.get("leaseToken").asText(), "failure", "session creation failed"));
            assertThat(failed.status()).as(failed.body()).isEqualTo(200);
            assertThat(failed.json().get("state").asText()).as("2 leases of 2: parked").isEqualTo("parked");
            JsonNode parked = t.get("/api/tasks?state=parked").json().get("tasks").get(0);
            assertThat(parked.get("lastError").asText()).isEqualTo("agent: session creation failed");
            Reply none = postAs(t, a, "/api/agents/" + a.id() + "/lease?wait=1", "");
            assertThat(none.json().get("tasks")).isEmpty();
            assertThat(measurements(c)).isZero();
        }
    }

    @Test
    void anAgentsTokenActsOnlyForItselfAndOnlyItsHashIsStored() throws Exception {
        ServerConfig c = ServerConfig.local(dir, TOKEN);
        try (TestServer t = new TestServer(c)) {
            Agent a = register(t, "a", "d");
            Agent b = register(t, "b", "d");
            enqueue(t, "d", archs(2, 3), null);
            Reply asB = postAs(t, a, "/api/agents/" + b.id() + "/lease?wait=0", "");
            assertThat(asB.status()).as(asB.body()).isEqualTo(403);
            assertThat(asB.json().get("field").asText()).isEqualTo("Authorization");
            assertThat(asB.json().get("error").asText()).contains("agent #" + a.id()).contains("only as itself");
            assertThat(t.get("/api/tasks?state=leased").json().get("tasks")).as("nothing leased").isEmpty();

            JsonNode tb = leaseOne(t, b);
            // a got hold of b's lease token: its token still cannot heartbeat or upload for b's task
            String path = "/api/tasks/" + tb.get("id").asLong();
            Reply hb = postAs(t, a, path + "/heartbeat", Map.of("leaseToken", tb.get("leaseToken").asText()));
            assertThat(hb.status()).as(hb.body()).isEqualTo(403);
            assertThat(hb.json().get("field").asText()).isEqualTo("Authorization");
            Reply up = postAs(t, a, path + "/result", Map.of("leaseToken", tb.get("leaseToken").asText(), "stats", stats(1.0)));
            assertThat(up.status()).as(up.body()).isEqualTo(403);
            assertThat(up.json().get("error").asText()).contains("leased to agent #" + b.id());
            Reply fail = postAs(t, a, path + "/result", Map.of("leaseToken", tb.get("leaseToken").asText(), "failure", "sabotage"));
            assertThat(fail.status()).isEqualTo(403);
            assertThat(measurements(c)).isZero();
            assertThat(t.get("/api/tasks?state=leased").json().get("tasks")).hasSize(1);
            assertThat(postAs(t, b, path + "/result", Map.of("leaseToken", tb.get("leaseToken").asText(), "stats", stats(1.0))).status()).isEqualTo(201);

            // the database holds the tokens' hashes, never the tokens
            try (Database db = Database.open(c.db()); java.sql.Connection conn = db.dataSource().getConnection();
                    java.sql.ResultSet rs = conn.createStatement().executeQuery("SELECT token_hash, fingerprint FROM agents ORDER BY id")) {
                for (Agent x : List.of(a, b)) {
                    assertThat(rs.next()).isTrue();
                    String hash = java.util.HexFormat.of().formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(x.token().getBytes(StandardCharsets.UTF_8)));
                    assertThat(rs.getString(1)).isEqualTo(hash).doesNotContain(x.token());
                    assertThat(rs.getString(2)).doesNotContain(x.token());
                }
            }
        }
    }

    @Test
    void theSweeperReturnsAnExpiredLeaseToTheQueueWithoutAnyRequestAndParksItAfterTheLastAttempt() throws Exception {
        ServerConfig c = ServerConfig.local(dir, TOKEN).withFarm(400, 2);
        try (TestServer t = new TestServer(c); Database db = Database.open(c.db())) {
            Repository repo = new Repository(db);
            Agent a = register(t, "a", "d");
            enqueue(t, "d", archs(1, 1), null);
            long id = leaseOne(t, a).get("id").asLong();
            // no lease or listing request from here on: only the server's sweeper can move the task
            Repository.Task back = awaitState(repo, id, Repository.TaskState.queued, 5_000);
            assertThat(back.lastError()).contains("lease expired");
            assertThat(back.leaseToken()).isNull();
            assertThat(leaseOne(t, a).get("attempt").asInt()).isEqualTo(2);
            Repository.Task parked = awaitState(repo, id, Repository.TaskState.parked, 5_000);
            assertThat(parked.attempts()).isEqualTo(2);
            assertThat(measurements(c)).isZero();
        }
    }

    /** Polls the database (not the API, whose listing also expires leases) until the task is in {@code state}. */
    static Repository.Task awaitState(Repository repo, long id, Repository.TaskState state, long ms) throws InterruptedException {
        long end = System.currentTimeMillis() + ms;
        Repository.Task task = repo.task(id).orElseThrow();
        while (task.state() != state && System.currentTimeMillis() < end) {
            Thread.sleep(25);
            task = repo.task(id).orElseThrow();
        }
        assertThat(task.state()).as("task " + id + " after " + ms + " ms").isEqualTo(state);
        return task;
    }

    @Test
    void anAgentIsLeasedOnlyTasksWhoseSettingsItOffers() {
        ServerConfig c = ServerConfig.local(dir, TOKEN);
        try (TestServer t = new TestServer(c)) {
            Reply reg = t.postJson("/api/agents", Map.of("name", "two", "device", "d", "fingerprint", fingerprint("x"),
                    "offers", Map.of("threads", List.of(2, 4), "batch", List.of(1))));
            assertThat(reg.status()).as(reg.body()).isEqualTo(201);
            assertThat(reg.json().get("offers").get("threads")).hasSize(2);
            Agent two = new Agent(reg.json().get("agent").asLong(), reg.json().get("token").asText());
            Agent any = register(t, "any", "d");
            List<String> archs = archs(4, 17);
            enqueue(t, "d", archs.subList(0, 2), Map.of("threads", 1));
            enqueue(t, "d", archs.subList(2, 3), Map.of("threads", 4, "batch", 1));
            enqueue(t, "d", archs.subList(3, 4), Map.of("threads", 2, "batch", 8));

            Reply lease = postAs(t, two, "/api/agents/" + two.id() + "/lease?wait=0&max=10", "");
            assertThat(lease.json().get("tasks")).hasSize(1);
            JsonNode got = lease.json().get("tasks").get(0);
            assertThat(got.get("arch").asText()).isEqualTo(archs.get(2));
            assertThat(got.get("settings").get("threads").asInt()).isEqualTo(4);
            Reply rest = postAs(t, any, "/api/agents/" + any.id() + "/lease?wait=0&max=10", "");
            assertThat(rest.json().get("tasks")).as("an agent offering anything takes the rest").hasSize(3);

            Map<String, Reply> bad = new LinkedHashMap<>();
            bad.put("offers.threads[0]", t.postJson("/api/agents", Map.of("name", "x", "device", "d", "fingerprint", Map.of(), "offers",
                    Map.of("threads", List.of(0, 2)))));
            bad.put("offers.threads[1]", t.postJson("/api/agents", "{\"name\":\"x\",\"device\":\"d\",\"fingerprint\":{},\"offers\":{\"threads\":[1,null]}}"));
            bad.put("offers.batch", t.postJson("/api/agents", Map.of("name", "x", "device", "d", "fingerprint", Map.of(), "offers", Map.of("batch", List.of()))));
            bad.put("offers.cores", t.postJson("/api/agents", Map.of("name", "x", "device", "d", "fingerprint", Map.of(), "offers", Map.of("cores", 2))));
            bad.put("name", t.postJson("/api/agents", Map.of("name", "offline-job", "device", "d", "fingerprint", Map.of())));
            bad.forEach((field, r) -> {
                assertThat(r.status()).as(field + ": " + r.body()).isEqualTo(400);
                assertThat(r.json().get("field").asText()).as(r.body()).isEqualTo(field);
            });
            assertThat(t.get("/api/devices").json()).hasSize(1);
        }
    }

    @Test
    void anOfflineJobIsMeasuredWithoutTheServerAndItsResultFileImportedOnceAllOrNothing() throws Exception {
        ServerConfig c = ServerConfig.local(dir, TOKEN);
        try (TestServer t = new TestServer(c)) {
            enqueue(t, "remote", archs(5, 211), null);
            Reply export = t.postJson("/api/farm/jobs", Map.of("device", "remote", "max", 4, "leaseHours", 2));
            assertThat(export.status()).as(export.body()).isEqualTo(201);
            JsonNode job = export.json();
            assertThat(job.get("format").asText()).isEqualTo("halo-farm-job/1");
            assertThat(job.get("tasks")).hasSize(4);
            assertThat(t.get("/api/tasks?state=leased").json().get("tasks")).as("the file's tasks are leased to it").hasSize(4);
            Path jobFile = dir.resolve("job.json");
            java.nio.file.Files.writeString(jobFile, job.toString());
            Path resultFile = dir.resolve("result.json");
            java.io.StringWriter log = new java.io.StringWriter();
            OfflineAgent.Summary s = OfflineAgent.run(jobFile, resultFile, 0.0, new java.io.PrintWriter(log));
            assertThat(s.measured()).as(log.toString()).isEqualTo(4);
            com.fasterxml.jackson.databind.node.ObjectNode result = (com.fasterxml.jackson.databind.node.ObjectNode) TestServer.JSON.readTree(resultFile.toFile());
            assertThat(result.get("results")).hasSize(4);
            assertThat(result.get("fingerprint").get("fake_measurements").asBoolean()).isTrue();
            assertThat(OfflineAgent.run(jobFile, resultFile, 0.0, new java.io.PrintWriter(log)).resumed()).as("a second run measures nothing again").isEqualTo(4);

            // refusals name the entry and field, and store nothing (not even the entries before the bad one)
            com.fasterxml.jackson.databind.node.ObjectNode badStats = result.deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) badStats.get("results").get(1).get("stats")).put("medianMs", -1);
            com.fasterxml.jackson.databind.node.ObjectNode badToken = result.deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) badToken.get("results").get(2)).put("leaseToken", "not-the-lease");
            Reply r1 = t.postJson("/api/farm/results", badStats.toString());
            assertThat(r1.status()).as(r1.body()).isEqualTo(400);
            assertThat(r1.json().get("field").asText()).isEqualTo("results[1].stats.medianMs");
            Reply r2 = t.postJson("/api/farm/results", badToken.toString());
            assertThat(r2.status()).as(r2.body()).isEqualTo(409);
            assertThat(r2.json().get("field").asText()).isEqualTo("results[2].leaseToken");
            Reply agentToken = t.post("/api/farm/results", "application/json", result.toString(), register(t, "x", "remote").token());
            assertThat(agentToken.status()).as("the server's token only").isEqualTo(401);
            assertThat(measurements(c)).isZero();

            Reply ok = t.postJson("/api/farm/results", result.toString());
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
            assertThat(ok.json().get("stored").asInt()).isEqualTo(4);
            Reply again = t.postJson("/api/farm/results", result.toString());
            assertThat(again.json().get("stored").asInt()).isZero();
            assertThat(again.json().get("already").asInt()).isEqualTo(4);
            assertThat(measurements(c)).isEqualTo(4);
            JsonNode rows = t.get("/api/measurements?device=remote").json();
            assertThat(rows).hasSize(4).allSatisfy(m -> assertThat(m.get("source").asText()).contains("by agent offline-job #" + job.get("job").asLong()));
            JsonNode counts = t.get("/api/tasks").json().get("counts");
            assertThat(counts.get("done").asInt()).isEqualTo(4);
            assertThat(counts.get("queued").asInt()).as("the fifth task was not in the file").isEqualTo(1);
        }
    }
}
