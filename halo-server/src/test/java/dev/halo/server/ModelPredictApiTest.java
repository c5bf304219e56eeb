package dev.halo.server;

import static dev.halo.server.TestServer.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.halo.app.model.PredictModel;
import dev.halo.app.zoo.Zoo;
import dev.halo.server.TestServer.Reply;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/predict} with an ONNX model as the body (issue 16): the latency halo-app's {@link PredictModel}
 * predicts on each device's stored kernel model, every bad upload refused naming the field, and nothing of an upload
 * left on the server's disk afterwards.
 */
class ModelPredictApiTest {
    @TempDir static Path shared;
    @TempDir Path dir;
    static Zoo.Exported tiny;
    static byte[] tinyBytes;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void exportModel() throws IOException {
        tiny = Zoo.export(List.of(ModelApiTest.TINY), Files.createDirectories(shared.resolve("zoo")), 1, 0).getFirst();
        tinyBytes = Files.readAllBytes(tiny.file());
    }

    static Reply predict(TestServer t, byte[] model, String query, String token) {
        return t.postBytes("/api/predict" + query, "application/octet-stream", model, token);
    }

    /** The upload folder holds nothing once the requests have been answered. */
    static void assertNothingLeft(Path dataDir) throws IOException {
        Path uploads = dataDir.resolve("model-uploads");
        if (!Files.exists(uploads)) return;
        try (Stream<Path> left = Files.list(uploads)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aModelTheEmulationDoesNotCoverIsPredictedThroughOnnxRuntimeAndTheAnswerSaysWhy() throws IOException {
        byte[] vit = dev.halo.onnx.zoo.ModelZoo.parse("vit:patch=16:dim=64:depth=1:heads=2:mlp=2:res=32").export(1, 0).bytes();
        try (TestServer t = new TestServer(ServerConfig.local(dir.resolve("data"), TOKEN))) {
            assertThat(t.put("/api/devices/a/kernel-model", "application/json", TestKernelModels.json("a"), TOKEN).status()).isEqualTo(201);
            Reply r = predict(t, vit, "?name=vit.onnx&device=a", TOKEN);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode m = r.json().get("model");
            assertThat(m.get("kernelsFrom").asText()).isEqualTo("ort");
            // the reason names the node, not where the server keeps the upload
            assertThat(m.get("notEmulatedBecause").asText()).startsWith("the emulated ONNX Runtime rewrites do not cover ")
                    .doesNotContain(dir.toString());
            assertThat(m.get("executedKernels").asInt()).isPositive();
            assertThat(r.json().get("devices").get(0).get("ms").asDouble()).isPositive();
        }
        assertNothingLeft(dir.resolve("data"));
    }

    @Test
    void anUploadedModelIsPredictedOnEachDeviceWithAKernelModelAsPredictModelPredictsIt() throws IOException {
        // bodies of CSV and JSON stay small (16 KiB); the model limit is its own (512 MiB by default)
        ServerConfig config = ServerConfig.local(dir.resolve("data"), TOKEN).withLimits(16 * 1024, 2);
        assertThat((long) tinyBytes.length).isGreaterThan(config.maxUploadBytes());
        try (TestServer t = new TestServer(config)) {
            String a = TestKernelModels.json("a"), b = TestKernelModels.json("b", 2);
            assertThat(t.put("/api/devices/a/kernel-model", "application/json", a, TOKEN).status()).isEqualTo(201);
            assertThat(t.put("/api/devices/b/kernel-model", "application/json", b, TOKEN).status()).isEqualTo(201);
            // a device without a kernel model is not among the defaults
            assertThat(t.post("/api/measurements?device=plain", "text/csv", TestServer.nb201Csv(ApiTest.DEVICE, 3, 37), TOKEN).status()).isEqualTo(201);

            Reply r = predict(t, tinyBytes, "?name=tiny.onnx", TOKEN);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode p = r.json();

            // what halo model predict gives for the same file and kernel models
            Path fa = Files.writeString(dir.resolve("a.kernel-model.json"), a), fb = Files.writeString(dir.resolve("b.kernel-model.json"), b);
            PredictModel.Result direct = PredictModel.run(new PredictModel.Request(tiny.file(), Map.of(), List.of(fa, fb)));
            assertThat(p.get("model").get("name").asText()).isEqualTo("tiny.onnx");
            assertThat(p.get("model").get("sha256").asText()).isEqualTo(tiny.sha256());
            assertThat(p.get("model").get("bytes").asLong()).isEqualTo(tinyBytes.length);
            assertThat(p.get("model").get("executedKernels").asInt()).isPositive().isEqualTo(direct.kernels().size());
            // found as halo model predict --kernels auto finds them (emulated here unless this CPU's layout is unknown)
            assertThat(p.get("model").get("kernelsFrom").asText()).isEqualTo(direct.source().label());
            assertThat(p.get("model").get("notEmulatedBecause").isNull()).isEqualTo(direct.fallback().isEmpty());
            assertThat(p.get("level").asDouble()).isEqualTo(0.9);
            assertThat(p.get("seconds").asDouble()).isPositive();
            JsonNode devices = p.get("devices");
            assertThat(devices).hasSize(2);
            for (int i = 0; i < 2; i++) {
                JsonNode d = devices.get(i);
                var expected = direct.devices().get(i).prediction();
                assertThat(d.get("device").asText()).isEqualTo(List.of("a", "b").get(i));
                assertThat(d.get("kernelModel").asText()).isEqualTo(direct.devices().get(i).device().describe());
                // the same kernels; summed in another order when ONNX Runtime orders independent branches differently
                assertThat(d.get("ms").asDouble()).isCloseTo(expected.ms(), Percentage.withPercentage(1e-9));
                assertThat(d.get("lowerMs").asDouble()).isCloseTo(expected.lowMs(), Percentage.withPercentage(1e-9));
                assertThat(d.get("upperMs").asDouble()).isCloseTo(expected.highMs(), Percentage.withPercentage(1e-9));
                assertThat(d.get("lowerMs").asDouble()).isLessThan(d.get("ms").asDouble());
                assertThat(d.get("upperMs").asDouble()).isGreaterThan(d.get("ms").asDouble());
            }

            // devices named: in the order asked, each once; application/onnx is a model too
            Reply asked = t.postBytes("/api/predict?device=b&device=a&device=b", "application/onnx", tinyBytes, TOKEN);
            assertThat(asked.status()).as(asked.body()).isEqualTo(200);
            assertThat(asked.json().get("devices").findValuesAsText("device")).containsExactly("b", "a");
            assertThat(asked.json().get("devices").get(0).get("ms").asDouble()).isEqualTo(devices.get(1).get("ms").asDouble());
            // a model without a name is "the upload"
            assertThat(predict(t, tinyBytes, "?device=a", TOKEN).json().get("model").get("name").asText()).isEqualTo("the upload");

        }
        assertNothingLeft(dir.resolve("data"));
    }

    @Test
    void badUploadsUnknownDevicesAndMissingTokensAreRefusedNamingTheFieldAndLeaveNothingBehind() throws IOException {
        try (TestServer t = new TestServer(ServerConfig.local(dir.resolve("data"), TOKEN))) {
            // no device has a kernel model yet
            Reply none = predict(t, tinyBytes, "", TOKEN);
            assertThat(none.status()).as(none.body()).isEqualTo(404);
            assertThat(none.json().get("field").asText()).isEqualTo("device");
            assertThat(none.json().get("error").asText()).contains("no device has a kernel model");

            assertThat(t.put("/api/devices/box/kernel-model", "application/json", TestKernelModels.json("box"), TOKEN).status()).isEqualTo(201);
            t.post("/api/measurements?device=plain", "text/csv", TestServer.nb201Csv(ApiTest.DEVICE, 3, 37), TOKEN);

            // a model runs ONNX Runtime on this machine: the server's token, checked before the upload is read
            for (String token : Arrays.asList(null, "wrong")) {
                Reply r = predict(t, tinyBytes, "", token);
                assertThat(r.status()).isEqualTo(401);
                assertThat(r.json().get("field").asText()).isEqualTo("Authorization");
            }
            for (String device : List.of("nowhere", "plain")) {
                Reply r = predict(t, tinyBytes, "?device=box&device=" + device, TOKEN);
                assertThat(r.status()).as(r.body()).isEqualTo(404);
                assertThat(r.json().get("field").asText()).isEqualTo("device");
                assertThat(r.json().get("error").asText()).contains("'" + device + "'");
            }

            Reply notOnnx = predict(t, "arch,latency_ms\nnot a model,1\n".getBytes(StandardCharsets.UTF_8), "?name=notes.onnx", TOKEN);
            assertThat(notOnnx.status()).as(notOnnx.body()).isEqualTo(400);
            assertThat(notOnnx.json().get("field").asText()).isEqualTo("body");
            assertThat(notOnnx.json().get("error").asText()).startsWith("notes.onnx: ").doesNotContain(dir.toString());

            Reply truncated = predict(t, Arrays.copyOf(tinyBytes, tinyBytes.length / 2), "?name=half.onnx", TOKEN);
            assertThat(truncated.status()).as(truncated.body()).isEqualTo(400);
            assertThat(truncated.json().get("field").asText()).isEqualTo("body");
            assertThat(truncated.json().get("error").asText()).startsWith("half.onnx: ").doesNotContain(dir.toString());

            Reply empty = predict(t, new byte[0], "", TOKEN);
            assertThat(empty.status()).isEqualTo(400);
            assertThat(empty.json().get("field").asText()).isEqualTo("body");

            Reply badShape = predict(t, tinyBytes, "?input=input%3D1xfoo", TOKEN);
            assertThat(badShape.status()).as(badShape.body()).isEqualTo(400);
            assertThat(badShape.json().get("field").asText()).isEqualTo("input");
            assertThat(badShape.json().get("error").asText()).doesNotContain("--input");
        }
        assertNothingLeft(dir.resolve("data"));
    }

    @Test
    void aModelOverTheModelLimitIs413NamingTheLimitWhetherOrNotItsLengthIsAnnounced() throws Exception {
        Path data = dir.resolve("small");
        try (TestServer t = new TestServer(ServerConfig.local(data, TOKEN).withModelLimit(16 * 1024))) {
            assertThat(t.put("/api/devices/box/kernel-model", "application/json", TestKernelModels.json("box"), TOKEN).status()).isEqualTo(201);
            Reply announced = predict(t, tinyBytes, "", TOKEN);
            assertThat(announced.status()).as(announced.body()).isEqualTo(413);
            assertThat(announced.json().get("field").asText()).isEqualTo("body");
            assertThat(announced.json().get("error").asText()).contains("16384 bytes").contains("--max-model-mb");

            // chunked: no Content-Length, so the limit is found while the body is written to disk
            HttpRequest chunked = HttpRequest.newBuilder(URI.create(t.url() + "/api/predict")).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/octet-stream").header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(tinyBytes))).build();
            HttpResponse<String> r = http.send(chunked, HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
            JsonNode problem = TestServer.JSON.readTree(r.body());
            assertThat(problem.get("field").asText()).isEqualTo("body");
            assertThat(problem.get("error").asText()).contains("more than 16384 bytes").contains("--max-model-mb");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertNothingLeft(data);
    }

    @Test
    void uploadsAStoppedServerLeftBehindAreRemovedWhenTheNextOneStarts() throws Exception {
        Path data = dir.resolve("data");
        Path uploads = Files.createDirectories(data.resolve("model-uploads"));
        // a process that has ended, whose id a killed server might have had; and this process's own id (reused)
        Process ended = new ProcessBuilder("true").start();
        assertThat(ended.waitFor()).isZero();
        Path dead = Files.createDirectories(uploads.resolve("upload-" + ended.pid() + "-1f2e"));
        Files.write(dead.resolve("model.onnx"), tinyBytes);
        Path reused = Files.createDirectories(uploads.resolve("upload-" + ProcessHandle.current().pid() + "-3a"));
        Files.write(reused.resolve("model.onnx"), tinyBytes);
        Path other = Files.writeString(uploads.resolve("notes.txt"), "not an upload");
        try (TestServer t = new TestServer(ServerConfig.local(data, TOKEN))) {
            assertThat(dead).doesNotExist();
            assertThat(reused).doesNotExist();
            assertThat(other).exists();
        }
    }
}
