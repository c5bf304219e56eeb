package dev.halo.server;

import static dev.halo.server.TestServer.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.halo.server.TestServer.Reply;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Onboarding this machine as a job: real ONNX Runtime measurements with few runs (plumbing, not the machine's numbers). */
class OnboardJobTest {
    @TempDir Path dir;

    static Map<String, Object> tiny(String name, int validate) {
        return Map.of("name", name, "predictor", "op-costs", "samples", 4, "validate", validate, "rounds", 2,
                "warmupRuns", 0, "minRuns", 2, "maxRuns", 2, "maxSecondsPerArch", 0.2);
    }

    @Test
    void onboardingStoresTheFingerprintMeasurementsProfileAndValidation() throws Exception {
        try (TestServer t = new TestServer(ServerConfig.local(dir, TOKEN))) {
            Reply started = t.postJson("/api/jobs/onboard", tiny("box", 3));
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            String id = started.json().get("id").asText();
            List<String> events = t.events(id, 120);
            assertThat(events).as(events + " / " + t.get("/api/jobs/" + id).body()).anyMatch(e -> e.startsWith("phase") && e.contains("[1/4]"));
            assertThat(events).anyMatch(e -> e.startsWith("progress"));
            JsonNode job = t.awaitJob(id, 120);
            assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("succeeded");
            JsonNode r = job.get("result");
            // 10 references + 4 samples + 3 validation archs, 2 rounds each
            assertThat(r.get("measurements_stored").asInt()).isEqualTo((10 + 4 + 3) * 2);

            JsonNode devices = t.get("/api/devices").json();
            assertThat(devices).hasSize(1);
            JsonNode d = devices.get(0);
            assertThat(d.get("name").asText()).isEqualTo("box");
            assertThat(d.get("fingerprintId").asText()).isNotBlank();
            assertThat(d.get("profile").get("method").asText()).isEqualTo("op-costs");
            JsonNode v = d.get("profile").get("validation");
            assertThat(v.get("validated").asInt()).isEqualTo(3);
            assertThat(v.get("within10").asDouble()).isBetween(0.0, 1.0);

            JsonNode device = t.get("/api/devices/" + d.get("id").asLong()).json();
            assertThat(device.get("fingerprint").isObject()).isTrue();
            assertThat(device.get("check").get("kind").asText()).startsWith("validation archs");
            assertThat(device.get("check").get("points")).hasSize(3);
            JsonNode rows = t.get("/api/measurements?device=box").json();
            assertThat(rows).hasSize(34);
            assertThat(rows.get(0).get("settings").asText()).contains("intra_op_threads");
            assertThat(rows.get(0).get("source").asText()).isEqualTo("onboard job " + id);
            assertThat(rows.get(0).get("runs").asInt()).isEqualTo(2);
        }
    }

    @Test
    void cancellingAnOnboardingStopsItAndKeepsWhatWasMeasured() throws Exception {
        try (TestServer t = new TestServer(ServerConfig.local(dir, TOKEN))) {
            String id = t.postJson("/api/jobs/onboard", tiny("box", 200)).json().get("id").asText();
            // wait for the first measured arch-round, then cancel
            JsonNode j = t.get("/api/jobs/" + id).json();
            for (int i = 0; i < 600 && j.get("done").asLong() < 1 && List.of("queued", "running").contains(j.get("state").asText()); i++) {
                Thread.sleep(50);
                j = t.get("/api/jobs/" + id).json();
            }
            assertThat(j.get("state").asText()).isEqualTo("running");
            assertThat(t.delete("/api/jobs/" + id, TOKEN).status()).isEqualTo(202);
            JsonNode job = t.awaitJob(id, 60);
            assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("cancelled");
            int stored = job.get("result").get("measurements_stored").asInt();
            assertThat(stored).isPositive().isLessThan((10 + 4 + 200) * 2);
            assertThat(t.get("/api/measurements?device=box").json()).hasSize(stored);
            assertThat(t.get("/api/devices").json().get(0).get("profile").isNull()).as("no profile from half an onboarding").isTrue();
        }
    }
}
