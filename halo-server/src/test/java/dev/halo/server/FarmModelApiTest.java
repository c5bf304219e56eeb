package dev.halo.server;

import static dev.halo.onnx.model.TestModels.FLOAT;
import static dev.halo.onnx.model.TestModels.convRelu;
import static dev.halo.onnx.model.TestModels.external;
import static dev.halo.onnx.model.TestModels.value;
import static dev.halo.server.FarmApiTest.postAs;
import static dev.halo.server.FarmApiTest.runAgent;
import static dev.halo.server.FarmApiTest.stats;
import static dev.halo.server.TestServer.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.halo.app.zoo.Zoo;
import dev.halo.server.FarmApiTest.Agent;
import dev.halo.server.TestServer.Reply;
import dev.halo.server.farm.FarmAgent;
import dev.halo.server.farm.OfflineAgent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Farm tasks that measure an uploaded ONNX model: upload once by SHA-256, measured by an agent, stored once; every bad upload refused. */
@Timeout(120)
class FarmModelApiTest {
    /** A small ResNet of halo's zoo: 32x32 input, a few hundred KB at most. */
    static final String TINY = "resnet:block=basic:depth=1-1:width=8-16:res=32";
    static final Map<String, Object> QUICK = Map.of("warmupRuns", 1, "minRuns", 3, "maxRuns", 10, "maxSecondsPerArch", 0.5);

    @TempDir Path dir;

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    byte[] tinyModel() throws IOException {
        return Files.readAllBytes(Zoo.export(List.of(TINY), Files.createDirectories(dir.resolve("zoo")), 1, 0).getFirst().file());
    }

    static Reply upload(TestServer t, String sha, byte[] bytes, String token) {
        return t.putBytes("/api/farm/models/" + sha, "application/octet-stream", bytes, token);
    }

    static Reply queueModel(TestServer t, String device, String sha, int rounds) {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("device", device);
        req.put("model", sha);
        req.put("rounds", rounds);
        req.put("settings", QUICK);
        return t.postJson("/api/farm/measure", req);
    }

    /** An agent registered through the API that offers model files (as halo's Java agent does). */
    static Agent registerModelAgent(TestServer t, String name, String device) {
        Reply r = t.postJson("/api/agents", Map.of("name", name, "device", device, "fingerprint", FarmApiTest.fingerprint("test cpu"),
                "offers", Map.of("models", true)));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("offers").get("models").asBoolean()).isTrue();
        return new Agent(r.json().get("agent").asLong(), r.json().get("token").asText());
    }

    static HttpResponse<byte[]> getBytes(TestServer t, String path, String token) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(t.url() + path)).header("Authorization", "Bearer " + token).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aZooModelIsUploadedOnceMeasuredByAnAgentWithTheHarnessAndItsResultStoredOnce() throws Exception {
        byte[] bytes = tinyModel();
        String sha = sha256(bytes);
        try (TestServer t = new TestServer(ServerConfig.local(dir.resolve("data"), TOKEN))) {
            Reply first = upload(t, sha, bytes, TOKEN);
            assertThat(first.status()).as(first.body()).isEqualTo(201);
            assertThat(first.json().get("bytes").asLong()).isEqualTo(bytes.length);
            assertThat(first.json().get("inputs").get(0).get("shape").asText()).isEqualTo("1x3x32x32");
            Reply again = upload(t, sha, bytes, TOKEN);
            assertThat(again.status()).as("stored once: the same file again is 200, stored false").isEqualTo(200);
            assertThat(again.json().get("stored").asBoolean()).isFalse();

            Reply queued = queueModel(t, "box", sha, 2);
            assertThat(queued.status()).as(queued.body()).isEqualTo(201);
            String identity = queued.json().get("identity").asText();
            String input = first.json().get("inputs").get(0).get("name").asText();
            assertThat(identity).as("the identity halo measure --model stores").isEqualTo("sha256:" + sha + ";" + input + "=1x3x32x32");
            assertThat(queued.json().get("queued").asInt()).isEqualTo(2);

            // an agent that does not offer models (as the Python agent) is not leased them
            Agent torch = FarmApiTest.register(t, "torch", "box");
            Reply none = postAs(t, torch, "/api/agents/" + torch.id() + "/lease?wait=0", "");
            assertThat(none.json().get("tasks")).as(none.body()).isEmpty();

            ByteArrayOutputStream log = new ByteArrayOutputStream();
            FarmAgent.Summary s = runAgent(t, "real-1", "box", 2, 30, null, log);
            assertThat(s.stored()).as(log.toString(StandardCharsets.UTF_8)).isEqualTo(2);
            JsonNode rows = t.get("/api/measurements?device=box").json();
            assertThat(rows).hasSize(2).allSatisfy(m -> {
                assertThat(m.get("space").asText()).isEqualTo("onnx-model");
                assertThat(m.get("arch").asText()).isEqualTo(identity);
                assertThat(m.get("medianMs").asDouble()).isPositive();
                assertThat(m.get("runs").asInt()).isBetween(3, 10);
                assertThat(m.get("settings").asText()).contains("\"max_runs\":10");
                assertThat(m.get("source").asText()).startsWith("farm task ").contains("by agent real-1").contains("fingerprint ");
            });
            assertThat(rows).extracting(m -> m.get("round").asInt()).containsExactlyInAnyOrder(1, 2);
        }
    }

    @Test
    void anAgentFetchesOnlyTheModelOfATaskItHoldsAndAResultNamesTheModelAndIsStoredOnce() throws Exception {
        byte[] bytes = tinyModel();
        String sha = sha256(bytes);
        try (TestServer t = new TestServer(ServerConfig.local(dir.resolve("data"), TOKEN))) {
            assertThat(upload(t, sha, bytes, TOKEN).status()).isEqualTo(201);
            assertThat(queueModel(t, "manual", sha, 1).status()).isEqualTo(201);
            Agent a = registerModelAgent(t, "a", "manual");
            Agent b = registerModelAgent(t, "b", "manual");
            JsonNode task = FarmApiTest.leaseOne(t, a);
            JsonNode model = task.get("model");
            assertThat(model.get("sha256").asText()).isEqualTo(sha);
            assertThat(model.get("inputs").fields().next().getValue().asText()).isEqualTo("1x3x32x32");
            long id = task.get("id").asLong();
            assertThat(model.get("url").asText()).isEqualTo("/api/tasks/" + id + "/model");

            HttpResponse<byte[]> fetched = getBytes(t, model.get("url").asText(), a.token());
            assertThat(fetched.statusCode()).isEqualTo(200);
            assertThat(fetched.body()).isEqualTo(bytes);
            assertThat(getBytes(t, model.get("url").asText(), b.token()).statusCode()).as("b does not hold the task").isEqualTo(403);
            assertThat(getBytes(t, model.get("url").asText(), TOKEN).statusCode()).as("the server's token is not an agent's").isEqualTo(401);
            assertThat(getBytes(t, "/api/farm/models/" + sha, a.token()).statusCode()).as("the admin route wants the server's token").isEqualTo(401);
            assertThat(getBytes(t, "/api/farm/models/" + sha, TOKEN).body()).isEqualTo(bytes);

            Map<String, Object> result = new LinkedHashMap<>();
            result.put("leaseToken", task.get("leaseToken").asText());
            result.put("stats", stats(3.0));
            Reply missing = postAs(t, a, "/api/tasks/" + id + "/result", result);
            assertThat(missing.status()).as(missing.body()).isEqualTo(400);
            assertThat(missing.json().get("field").asText()).isEqualTo("model");
            result.put("model", "0".repeat(64));
            Reply wrong = postAs(t, a, "/api/tasks/" + id + "/result", result);
            assertThat(wrong.status()).as("a result for another file").isEqualTo(400);
            assertThat(wrong.json().get("field").asText()).isEqualTo("model");
            assertThat(t.get("/api/measurements?device=manual").json()).isEmpty();

            result.put("model", sha);
            Reply stored = postAs(t, a, "/api/tasks/" + id + "/result", result);
            assertThat(stored.status()).as(stored.body()).isEqualTo(201);
            Reply twice = postAs(t, a, "/api/tasks/" + id + "/result", result);
            assertThat(twice.status()).as("uploaded twice: answered, not stored again").isEqualTo(200);
            assertThat(twice.json().get("stored").asBoolean()).isFalse();
            assertThat(t.get("/api/measurements?device=manual").json()).hasSize(1);
            assertThat(getBytes(t, model.get("url").asText(), a.token()).statusCode()).as("done: no longer held").isEqualTo(403);
        }
    }

    @Test
    void aWrongShaAnOversizedOrUnreadableModelAndBadRequestsAreRefusedNamingTheFieldAndStoreNothing() throws Exception {
        byte[] bytes = tinyModel();
        String sha = sha256(bytes);
        try (TestServer t = new TestServer(ServerConfig.local(dir.resolve("data"), TOKEN))) {
            String other = sha256("another file".getBytes(StandardCharsets.UTF_8));
            Reply wrongSha = upload(t, other, bytes, TOKEN);
            assertThat(wrongSha.status()).as(wrongSha.body()).isEqualTo(400);
            assertThat(wrongSha.json().get("field").asText()).isEqualTo("sha256");
            assertThat(wrongSha.json().get("error").asText()).contains(sha).contains(other);
            assertThat(upload(t, "not-a-hash", bytes, TOKEN).json().get("field").asText()).isEqualTo("sha256");

            byte[] huge = new byte[(int) ServerConfig.DEFAULT_MAX_UPLOAD + 1];
            Reply oversized = upload(t, sha256(huge), huge, TOKEN);
            assertThat(oversized.status()).as(oversized.body()).isEqualTo(413);
            assertThat(oversized.json().get("field").asText()).isEqualTo("body");
            // without a Content-Length (chunked), the limit holds while the body streams to disk
            HttpResponse<String> chunked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(t.url() + "/api/farm/models/" + sha256(huge)))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(huge))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(413);
            assertThat(chunked.body()).contains("\"field\":\"body\"").contains("--max-upload-mb");
            try (var left = Files.list(dir.resolve("data").resolve("farm-model-uploads"))) {
                assertThat(left).as("the upload's folder is gone").isEmpty();
            }

            byte[] garbage = "not an onnx model".getBytes(StandardCharsets.UTF_8);
            Reply unreadable = upload(t, sha256(garbage), garbage, TOKEN);
            assertThat(unreadable.status()).as(unreadable.body()).isEqualTo(400);
            assertThat(unreadable.json().get("field").asText()).isEqualTo("body");
            // external data that climbs out of the upload's folder is refused before anything is read
            byte[] traversal = convRelu(value("x", FLOAT, 1, 3, 8, 8), external("w", "../../secret.bin", 0, 4 * 4 * 27, 4, 3, 3, 3)).toByteArray();
            Reply climbs = upload(t, sha256(traversal), traversal, TOKEN);
            assertThat(climbs.status()).as(climbs.body()).isEqualTo(400);
            assertThat(climbs.body()).doesNotContain(dir.toString());
            assertThat(upload(t, sha, bytes, FarmApiTest.register(t, "x", "box").token()).status()).as("the server's token only").isEqualTo(401);
            for (String s : List.of(other, sha256(huge), sha256(garbage), sha256(traversal), sha))
                assertThat(getBytes(t, "/api/farm/models/" + s, TOKEN).statusCode()).as("nothing stored").isEqualTo(404);

            Reply unknown = queueModel(t, "box", sha, 1);
            assertThat(unknown.status()).as(unknown.body()).isEqualTo(404);
            assertThat(unknown.json().get("field").asText()).isEqualTo("model");
            assertThat(upload(t, sha, bytes, TOKEN).status()).isEqualTo(201);
            Reply both = t.postJson("/api/farm/measure", Map.of("device", "box", "model", sha, "archs", FarmApiTest.archs(1, 1)));
            assertThat(both.json().get("field").asText()).as(both.body()).isEqualTo("archs");
            Reply badInput = t.postJson("/api/farm/measure", Map.of("device", "box", "model", sha, "inputs", Map.of("nope", "1x3x32x32")));
            assertThat(badInput.status()).as(badInput.body()).isEqualTo(400);
            assertThat(badInput.json().get("field").asText()).isEqualTo("inputs");
            assertThat(t.get("/api/tasks").json().get("tasks")).as("nothing queued").isEmpty();
        }
    }

    @Test
    void anOfflineJobCarriesTheModelFileBesideItAndItsResultIsImportedWithTheSameChecks() throws Exception {
        byte[] bytes = tinyModel();
        String sha = sha256(bytes);
        try (TestServer t = new TestServer(ServerConfig.local(dir.resolve("data"), TOKEN))) {
            assertThat(upload(t, sha, bytes, TOKEN).status()).isEqualTo(201);
            assertThat(queueModel(t, "remote", sha, 2).status()).isEqualTo(201);
            Reply export = t.postJson("/api/farm/jobs", Map.of("device", "remote", "offers", Map.of("models", true)));
            assertThat(export.status()).as(export.body()).isEqualTo(201);
            assertThat(export.json().get("tasks")).hasSize(2);
            Path jobDir = Files.createDirectories(dir.resolve("carried"));
            Path jobFile = jobDir.resolve("job.json");
            Files.writeString(jobFile, export.json().toString());
            Path resultFile = jobDir.resolve("result.json");
            StringWriter log = new StringWriter();

            // without the model file beside the job: one line naming it, nothing measured
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> OfflineAgent.run(jobFile, resultFile, 0.0, new PrintWriter(log))))
                    .hasMessageContaining(sha + ".onnx").hasMessageContaining("does not exist");
            assertThat(resultFile).doesNotExist();
            Files.write(jobDir.resolve(sha + ".onnx"), bytes);
            OfflineAgent.Summary s = OfflineAgent.run(jobFile, resultFile, 0.0, new PrintWriter(log));
            assertThat(s.measured()).as(log.toString()).isEqualTo(2);
            ObjectNode result = (ObjectNode) TestServer.JSON.readTree(resultFile.toFile());
            assertThat(result.get("results")).allSatisfy(r -> assertThat(r.get("model").asText()).isEqualTo(sha));

            ObjectNode otherModel = result.deepCopy();
            ((ObjectNode) otherModel.get("results").get(1)).put("model", "1".repeat(64));
            Reply refused = t.postJson("/api/farm/results", otherModel.toString());
            assertThat(refused.status()).as(refused.body()).isEqualTo(400);
            assertThat(refused.json().get("field").asText()).isEqualTo("results[1].model");
            assertThat(t.get("/api/measurements?device=remote").json()).as("all or nothing").isEmpty();

            Reply ok = t.postJson("/api/farm/results", result.toString());
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
            assertThat(ok.json().get("stored").asInt()).isEqualTo(2);
            assertThat(t.postJson("/api/farm/results", result.toString()).json().get("already").asInt()).isEqualTo(2);
            assertThat(t.get("/api/measurements?device=remote").json()).hasSize(2)
                    .allSatisfy(m -> assertThat(m.get("arch").asText()).startsWith("sha256:" + sha + ";"));
        }
    }
}
