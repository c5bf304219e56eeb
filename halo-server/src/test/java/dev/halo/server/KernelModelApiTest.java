package dev.halo.server;

import static dev.halo.server.TestServer.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.halo.app.zoo.Zoo;
import dev.halo.kernel.KernelModelFile;
import dev.halo.server.TestServer.Reply;
import dev.halo.server.db.TestDatabases;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Issue 16: devices' kernel latency models stored in the database ({@code PUT/GET /api/devices/{name}/kernel-model})
 * and an uploaded ONNX model's latency predicted with them ({@code POST /api/models/describe?device=NAME}).
 */
class KernelModelApiTest {
    static final List<String> backends = TestDatabases.BACKENDS;

    @TempDir Path dir;

    static byte[] tinyModel(Path dir) throws IOException {
        return Files.readAllBytes(Zoo.export(List.of(ModelApiTest.TINY), Files.createDirectories(dir.resolve("zoo")), 1, 0).getFirst().file());
    }

    static Reply describe(TestServer t, byte[] model, String query) {
        return t.postBytes("/api/models/describe" + query, "application/octet-stream", model, TOKEN);
    }

    @ParameterizedTest
    @FieldSource("backends")
    void aStoredKernelModelIsReadBackListedAndPredictsAnUploadedModelPerKernel(String backend) throws IOException {
        try (TestServer t = new TestServer(ServerConfig.local(dir.resolve("data"), TOKEN).withDb(TestDatabases.url(backend, dir)))) {
            String json = TestKernelModels.json("box one");
            Reply first = t.put("/api/devices/box/kernel-model", "application/json", json, TOKEN);
            assertThat(first.status()).as(first.body()).isEqualTo(201);
            assertThat(first.json().get("replaced").asBoolean()).isFalse();
            assertThat(first.json().get("describe").asText()).contains("box one");
            assertThat(first.json().get("modelDevice").asText()).isEqualTo("fp-box one");
            // storing another replaces it
            String second = TestKernelModels.json("box two");
            Reply again = t.put("/api/devices/box/kernel-model", "application/json", second, TOKEN);
            assertThat(again.status()).as(again.body()).isEqualTo(200);
            assertThat(again.json().get("replaced").asBoolean()).isTrue();
            Reply got = t.get("/api/devices/box/kernel-model");
            assertThat(got.status()).isEqualTo(200);
            assertThat(got.contentType()).startsWith("application/json");
            assertThat(got.body()).isEqualTo(second);
            assertThat(KernelModelFile.read(new java.io.ByteArrayInputStream(got.body().getBytes(StandardCharsets.UTF_8)), "got").describe())
                    .contains("box two");

            // the device list says which devices have one
            t.post("/api/measurements?device=plain", "text/csv", TestServer.nb201Csv(ApiTest.DEVICE, 3, 37), TOKEN);
            JsonNode devices = t.get("/api/devices").json();
            assertThat(devices).hasSize(2);
            for (JsonNode d : devices) {
                if (d.get("name").asText().equals("box")) assertThat(d.get("kernelModel").get("describe").asText()).contains("box two");
                else assertThat(d.get("kernelModel").isNull()).isTrue();
            }
            long boxId = devices.get(0).get("name").asText().equals("box") ? devices.get(0).get("id").asLong() : devices.get(1).get("id").asLong();
            assertThat(t.get("/api/devices/" + boxId).json().get("kernelModel").get("bytes").asLong()).isEqualTo(second.length());

            // an uploaded model's latency on that device, per kernel, matched to the executed kernels
            Reply r = describe(t, tinyModel(dir), "?name=tiny.onnx&device=box");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode d = r.json();
            JsonNode latency = d.get("latency");
            assertThat(latency.get("device").asText()).isEqualTo("box");
            assertThat(latency.get("model").asText()).contains("box two");
            double total = latency.get("totalMs").asDouble();
            assertThat(total).isPositive();
            assertThat(latency.get("lowMs").asDouble()).isLessThan(total);
            assertThat(latency.get("highMs").asDouble()).isGreaterThan(total);
            JsonNode nodes = d.get("kernels").get("nodes");
            JsonNode kernelMs = latency.get("kernelMs");
            assertThat(kernelMs.size()).isEqualTo(nodes.size());
            double sum = 0;
            int predicted = 0;
            for (int i = 0; i < nodes.size(); i++) {
                // a kernel has a time exactly when it could be costed
                assertThat(kernelMs.get(i).isNull()).as(nodes.get(i).get("name").asText()).isEqualTo(nodes.get(i).get("macs").isNull());
                if (!kernelMs.get(i).isNull()) {
                    sum += kernelMs.get(i).asDouble();
                    predicted++;
                }
            }
            assertThat(predicted).isPositive().isEqualTo(latency.get("predictedKernels").asInt());
            // the test model: total = Σ kernels + 0.05 ms overhead
            assertThat(total).isCloseTo(sum + 0.05, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(d.get("latencies")).hasSize(1);
        }
    }

    @ParameterizedTest
    @FieldSource("backends")
    void badKernelModelsUnknownDevicesAndMissingTokensAreRefused(String backend) throws IOException {
        try (TestServer t = new TestServer(ServerConfig.local(dir.resolve("data"), TOKEN).withDb(TestDatabases.url(backend, dir)))) {
            String json = TestKernelModels.json("box");
            assertThat(t.put("/api/devices/box/kernel-model", "application/json", json, null).status()).isEqualTo(401);
            assertThat(t.put("/api/devices/box/kernel-model", "application/json", json, "wrong").status()).isEqualTo(401);

            // a damaged file: 400 naming the field, nothing stored
            ObjectNode damaged = (ObjectNode) TestServer.JSON.readTree(json);
            ((ObjectNode) damaged.get("profiled").get("calibration")).put("scale", -1);
            Reply bad = t.put("/api/devices/box/kernel-model", "application/json", damaged.toString(), TOKEN);
            assertThat(bad.status()).as(bad.body()).isEqualTo(400);
            assertThat(bad.json().get("field").asText()).isEqualTo("profiled.calibration.scale");
            Reply notModel = t.put("/api/devices/box/kernel-model", "application/json", "{\"format\": \"something else\"}", TOKEN);
            assertThat(notModel.status()).isEqualTo(400);
            assertThat(notModel.json().get("field").asText()).isEqualTo("format");
            Reply notJson = t.put("/api/devices/box/kernel-model", "application/json", "not json", TOKEN);
            assertThat(notJson.status()).isEqualTo(400);
            assertThat(notJson.json().get("field").asText()).isEqualTo("body");
            assertThat(t.put("/api/devices/box/kernel-model", "application/json", "", TOKEN).json().get("field").asText()).isEqualTo("body");
            Reply badName = t.put("/api/devices/two%20words/kernel-model", "application/json", json, TOKEN);
            assertThat(badName.status()).isEqualTo(400);
            assertThat(badName.json().get("field").asText()).isEqualTo("name");
            Reply none = t.get("/api/devices/box/kernel-model");
            assertThat(none.status()).isEqualTo(404);
            assertThat(none.json().get("error").asText()).contains("no device called 'box'");

            // a device without a kernel model, and one that does not exist: 404 naming device, before the upload is read
            t.post("/api/measurements?device=plain", "text/csv", TestServer.nb201Csv(ApiTest.DEVICE, 3, 37), TOKEN);
            assertThat(t.get("/api/devices/plain/kernel-model").json().get("error").asText()).contains("has no kernel model");
            byte[] model = tinyModel(dir);
            for (String d : List.of("plain", "nowhere")) {
                Reply r = describe(t, model, "?device=" + d);
                assertThat(r.status()).as(r.body()).isEqualTo(404);
                assertThat(r.json().get("field").asText()).isEqualTo("device");
                assertThat(r.json().get("error").asText()).contains(d);
            }
            // without a device: the description as before, no made-up latency
            Reply plain = describe(t, model, "");
            assertThat(plain.status()).isEqualTo(200);
            assertThat(plain.json().get("latency").get("totalMs").isNull()).isTrue();
            assertThat(plain.json().get("latencies")).isEmpty();
        }
    }

    @Test
    void twoDevicesArePredictedInTheOrderAskedAndAKernelModelOverTheUploadLimitIs413() throws IOException {
        try (TestServer t = new TestServer(ServerConfig.local(dir.resolve("data"), TOKEN))) {
            assertThat(t.put("/api/devices/a/kernel-model", "application/json", TestKernelModels.json("a"), TOKEN).status()).isEqualTo(201);
            // a device twice as slow per MAC, byte and kernel
            String slow = TestKernelModels.json("b", 2);
            assertThat(t.put("/api/devices/b/kernel-model", "application/json", slow, TOKEN).status()).isEqualTo(201);
            Reply r = describe(t, tinyModel(dir), "?device=b&device=a");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            List<String> order = new ArrayList<>();
            r.json().get("latencies").forEach(l -> order.add(l.get("device").asText()));
            assertThat(order).containsExactly("b", "a");
            assertThat(r.json().get("latency").get("device").asText()).isEqualTo("b");
            double a = r.json().get("latencies").get(1).get("totalMs").asDouble(), b = r.json().get("latencies").get(0).get("totalMs").asDouble();
            assertThat(b - 0.05).isCloseTo(2 * (a - 0.05), org.assertj.core.data.Offset.offset(1e-9));
            // a model stored again replaces the parsed one the server kept for the device
            assertThat(t.put("/api/devices/a/kernel-model", "application/json", TestKernelModels.json("a3", 3), TOKEN).status()).isEqualTo(200);
            JsonNode again = describe(t, tinyModel(dir.resolve("again")), "?device=a").json().get("latency");
            assertThat(again.get("model").asText()).contains("a3");
            assertThat(again.get("totalMs").asDouble() - 0.05).isCloseTo(3 * (a - 0.05), org.assertj.core.data.Offset.offset(1e-9));
        }
        try (TestServer small = new TestServer(ServerConfig.local(dir.resolve("small"), TOKEN).withLimits(16 * 1024, 2))) {
            String big = TestKernelModels.json("x") + " ".repeat(20_000);
            Reply r = small.put("/api/devices/x/kernel-model", "application/json", big, TOKEN);
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.json().get("field").asText()).isEqualTo("body");
        }
    }
}
