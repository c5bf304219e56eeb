package dev.halo.server;

import static dev.halo.onnx.model.TestModels.FLOAT;
import static dev.halo.onnx.model.TestModels.convRelu;
import static dev.halo.onnx.model.TestModels.external;
import static dev.halo.onnx.model.TestModels.value;
import static dev.halo.onnx.model.TestModels.weight;
import static dev.halo.server.TestServer.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.halo.app.zoo.Zoo;
import dev.halo.server.TestServer.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /api/models/describe}: an uploaded ONNX model described as {@code halo model describe --kernels} does, and every bad upload refused. */
class ModelApiTest {
    /** A small ResNet of halo's zoo: 32x32 input, a few hundred KB at most. */
    static final String TINY = "resnet:block=basic:depth=1-1:width=8-16:res=32";

    @TempDir static Path dir;
    static TestServer s;
    static Zoo.Exported tiny;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws IOException {
        s = new TestServer(ServerConfig.local(dir.resolve("data"), TOKEN));
        tiny = Zoo.export(List.of(TINY), Files.createDirectories(dir.resolve("zoo")), 1, 0).getFirst();
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    /** Posts {@code bytes} as the model, with the query string {@code query} (already encoded) and the token if given. */
    Reply describe(byte[] bytes, String query, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url() + "/api/models/describe" + query)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (token != null) b.header("Authorization", "Bearer " + token);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aZooModelIsDescribedWithItsNodesKernelsAndTotalsAndNoMadeUpLatency() throws IOException {
        byte[] bytes = Files.readAllBytes(tiny.file());
        Reply r = describe(bytes, "?name=" + URLEncoder.encode("tiny resnet.onnx", StandardCharsets.UTF_8), TOKEN);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode d = r.json();
        assertThat(d.get("name").asText()).isEqualTo("tiny resnet.onnx");
        assertThat(d.get("fileBytes").asLong()).isEqualTo(bytes.length);
        assertThat(d.get("sha256").asText()).isEqualTo(tiny.sha256());
        assertThat(d.get("inputs").get(0).get("shape").asText()).isEqualTo("1x3x32x32");

        // the graph as exported: what the zoo says it costs
        JsonNode graph = d.get("graph");
        assertThat(graph.get("totals").get("macs").asLong()).isEqualTo(tiny.macs());
        assertThat(graph.get("totals").get("params").asLong()).isEqualTo(tiny.params());
        assertThat(graph.get("problems")).isEmpty();
        JsonNode conv = graph.get("nodes").get(0);
        assertThat(conv.get("op").asText()).isEqualTo("Conv");
        assertThat(conv.get("inputs").get(0).asText()).isEqualTo("1x3x32x32");
        assertThat(conv.get("macs").asLong()).isPositive();
        assertThat(conv.get("bytesMoved").asLong()).isPositive();

        // the kernels ONNX Runtime runs: batch norms folded and activations fused away; the MACs of its convolutions
        // are never fewer (its NCHWc layout pads channels to blocks of 8: this 3-channel input costs more)
        JsonNode kernels = d.get("kernels");
        assertThat(graph.get("opCounts").has("BatchNormalization")).isTrue();
        assertThat(kernels.get("opCounts").has("BatchNormalization")).isFalse();
        assertThat(kernels.get("totals").get("nodes").asInt()).isLessThan(graph.get("totals").get("nodes").asInt());
        assertThat(kernels.get("totals").get("macs").asLong()).isGreaterThanOrEqualTo(tiny.macs());
        assertThat(kernels.get("nodes").size()).isEqualTo(kernels.get("totals").get("nodes").asInt());

        // where a prediction will go: empty, and saying why
        JsonNode latency = d.get("latency");
        assertThat(latency.get("totalMs").isNull()).isTrue();
        assertThat(latency.get("kernelMs").isNull()).isTrue();
        assertThat(latency.get("note").asText()).contains("not predicted yet");
        // nothing of the upload stays on the server
        try (var left = Files.list(dir.resolve("data/model-uploads"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void badUploadsAreRefusedNamingTheFieldWithoutServerPaths() throws IOException {
        byte[] bytes = Files.readAllBytes(tiny.file());
        assertThat(describe(bytes, "", null).status()).isEqualTo(401);
        // the farm's per-route access: describing a model needs the server's token, a farm agent's own is not it
        assertThat(describe(bytes, "", FarmApiTest.register(s, "describer", "some-device").token()).status()).isEqualTo(401);
        assertThat(describe(bytes, "", "wrong").status()).isEqualTo(401);

        Reply notOnnx = describe("just some text, not a model\n".getBytes(StandardCharsets.UTF_8), "?name=notes.onnx", TOKEN);
        assertThat(notOnnx.status()).as(notOnnx.body()).isEqualTo(400);
        assertThat(notOnnx.json().get("field").asText()).isEqualTo("body");
        assertThat(notOnnx.json().get("error").asText()).startsWith("notes.onnx: ").doesNotContain(dir.toString());

        Reply empty = describe(new byte[0], "", TOKEN);
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().get("field").asText()).isEqualTo("body");

        Reply badShape = describe(bytes, "?input=" + URLEncoder.encode("input=1xfoo", StandardCharsets.UTF_8), TOKEN);
        assertThat(badShape.status()).as(badShape.body()).isEqualTo(400);
        assertThat(badShape.json().get("field").asText()).isEqualTo("input");
        assertThat(badShape.json().get("error").asText()).doesNotContain("--input");

        // external data that climbs out of the upload's folder is refused before anything is read
        Path secret = Files.writeString(dir.resolve("data/secret.bin"), "x".repeat(4 * 4 * 3 * 3 * 3));
        assertThat(secret).exists();
        byte[] traversal = convRelu(value("x", FLOAT, 1, 3, 8, 8), external("w", "../../secret.bin", 0, 4 * 4 * 27, 4, 3, 3, 3)).toByteArray();
        Reply climbing = describe(traversal, "?name=climb.onnx", TOKEN);
        assertThat(climbing.status()).as(climbing.body()).isEqualTo(400);
        assertThat(climbing.json().get("error").asText()).contains("points outside the model's folder").doesNotContain(dir.toString());
        // a file that names external data it does not come with
        byte[] alone = convRelu(value("x", FLOAT, 1, 3, 8, 8), external("w", "weights.bin", 0, 4 * 4 * 27, 4, 3, 3, 3)).toByteArray();
        Reply missing = describe(alone, "?name=alone.onnx", TOKEN);
        assertThat(missing.status()).as(missing.body()).isEqualTo(400);
        assertThat(missing.json().get("error").asText()).contains("not found");
        // and a plain small model of the same shape is fine
        assertThat(describe(convRelu(value("x", FLOAT, 1, 3, 8, 8), weight("w", 4, 3, 3, 3)).toByteArray(), "", TOKEN).status()).isEqualTo(200);
    }

    @Test
    void aModelOverTheModelLimitIs413() throws IOException {
        try (TestServer small = new TestServer(ServerConfig.local(dir.resolve("small"), TOKEN).withModelLimit(16 * 1024))) {
            byte[] bytes = Files.readAllBytes(tiny.file());
            assertThat(bytes.length).isGreaterThan(16 * 1024);
            Reply r = small.post("/api/models/describe", "application/octet-stream", new String(bytes, StandardCharsets.ISO_8859_1), TOKEN);
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.json().get("field").asText()).isEqualTo("body");
            assertThat(r.json().get("error").asText()).contains("16384 bytes").contains("--max-model-mb");
        }
    }
}
