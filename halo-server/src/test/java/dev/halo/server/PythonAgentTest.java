package dev.halo.server;

import static dev.halo.onnx.model.TestModels.FLOAT;
import static dev.halo.onnx.model.TestModels.convRelu;
import static dev.halo.onnx.model.TestModels.value;
import static dev.halo.onnx.model.TestModels.weight;
import static dev.halo.server.TestServer.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.halo.server.TestServer.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python reference agent ({@code agents/python/halo_agent.py}) with {@code --fake} against a server on loopback, run
 * with {@code python3 -S} (no site-packages, so the standard library must do): it registers, uses its own token, is
 * leased only the settings it offers, and uploads. Skipped, saying so on stderr, where no {@code python3} runs.
 */
@Timeout(120)
class PythonAgentTest {
    static final Path SCRIPT = Path.of("..", "agents", "python", "halo_agent.py").toAbsolutePath().normalize();

    @TempDir Path dir;

    @BeforeAll
    static void needsPython() {
        String why = null;
        try {
            Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) why = "python3 --version failed";
        } catch (IOException e) {
            why = "no python3 on PATH (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why = "interrupted";
        }
        if (why != null) System.err.println("PythonAgentTest SKIPPED: " + why + ": the Python reference agent is not tested here");
        Assumptions.assumeTrue(why == null, why);
        assertThat(SCRIPT).exists();
    }

    record Run(int exit, String output) {}

    static Run agent(String... args) throws Exception {
        // -S: no site-packages, only the standard library can be imported (what --fake and the protocol may need)
        List<String> cmd = new ArrayList<>(List.of("python3", "-S", SCRIPT.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        // read while it runs: a full pipe would block it
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the agent stops").isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void thePythonAgentDrainsTheTasksItOffersWithItsOwnTokenAndAWrongTokenIsOneLine() throws Exception {
        ServerConfig c = ServerConfig.local(dir, TOKEN).withFarm(1_000, 3);
        try (TestServer t = new TestServer(c)) {
            List<String> archs = FarmApiTest.archs(5, 1009);
            FarmApiTest.enqueue(t, "py-device", archs.subList(0, 4), Map.of("threads", 1, "batch", 1));
            FarmApiTest.enqueue(t, "py-device", archs.subList(4, 5), Map.of("threads", 2));
            // an ONNX model task with settings it offers: the Python agent measures with PyTorch, does not offer models, is not leased it
            byte[] model = convRelu(value("x", FLOAT, 1, 3, 8, 8), weight("w", 4, 3, 3, 3)).toByteArray();
            String sha = FarmModelApiTest.sha256(model);
            assertThat(FarmModelApiTest.upload(t, sha, model, TOKEN).status()).isEqualTo(201);
            Reply queued = t.postJson("/api/farm/measure", Map.of("device", "py-device", "model", sha, "settings", Map.of("threads", 1, "batch", 1)));
            assertThat(queued.status()).as(queued.body()).isEqualTo(201);

            Run wrong = agent("--server", t.url(), "--token", "not-the-token", "--name", "py-x", "--fake", "0", "--retry", "2");
            assertThat(wrong.exit()).as(wrong.output()).isEqualTo(2);
            assertThat(wrong.output().strip()).isEqualTo("halo_agent: registering: the server answered 401: wrong token");

            // each task takes 1.5 lease lengths: only the agent's heartbeats (with its own token) keep them
            Run run = agent("--server", t.url(), "--token", TOKEN, "--name", "py-1", "--device", "py-device", "--threads", "1", "--batch", "1",
                    "--fake", "1500", "--idle-exit", "1.5");
            assertThat(run.exit()).as(run.output()).isZero();
            assertThat(run.output()).contains("agent py-1 stopped (idle for 1.5 s): 4 stored, 0 already stored, 0 failed, 0 refused");

            JsonNode rows = t.get("/api/measurements?device=py-device").json();
            assertThat(rows).hasSize(4).allSatisfy(m -> {
                assertThat(archs.subList(0, 4)).contains(m.get("arch").asText());
                assertThat(m.get("source").asText()).contains("by agent py-1");
            });
            JsonNode tasks = t.get("/api/tasks").json();
            assertThat(tasks.get("counts").get("done").asInt()).isEqualTo(4);
            assertThat(tasks.get("counts").get("queued").asInt()).as("threads 2 and models are not offered").isEqualTo(2);
            assertThat(tasks.get("tasks")).filteredOn(x -> x.get("space").asText().equals("onnx-model")).singleElement()
                    .satisfies(x -> assertThat(x.get("attempts").asInt()).as("never leased").isZero());
            assertThat(tasks.get("tasks")).allSatisfy(x -> assertThat(x.get("attempts").asInt()).isLessThanOrEqualTo(1));
            long device = t.get("/api/devices").json().get(0).get("id").asLong();
            JsonNode fp = t.get("/api/devices/" + device).json().get("fingerprint");
            assertThat(fp.get("agent").asText()).isEqualTo("python");
            assertThat(fp.get("fake_measurements").asBoolean()).isTrue();
        }
    }
}
