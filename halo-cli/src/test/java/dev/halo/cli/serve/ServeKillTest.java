package dev.halo.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halo.data.LatencyDataset;
import dev.halo.measure.MeasurementStore;
import dev.halo.testing.SharedData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code halo serve} killed with SIGKILL during an onboarding job and an upload, then started again on the same
 * database: the job is failed with its reason, what it measured is in the database once, the upload is there whole or
 * not at all, and onboarding the device again continues from what was measured.
 */
class ServeKillTest {
    static final String TOKEN = "kill-test-token-42";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;
    final List<Process> started = new ArrayList<>();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void killAll() {
        started.forEach(Process::destroyForcibly);
    }

    /** Starts {@code halo serve} as its own JVM; returns its URL once it listens (at most 60 s). */
    String serve(Process[] handle) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                "dev.halo.cli.HaloCommand", "serve", "--port", "0", "--data", dir.toString(), "--token", TOKEN).redirectErrorStream(true);
        Process p = pb.start();
        started.add(p);
        handle[0] = p;
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Pattern url = Pattern.compile("halo serve: (http://127\\.0\\.0\\.1:\\d+)");
        CompletableFuture<String> found = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    Matcher m = url.matcher(line);
                    if (m.find()) {
                        // keep draining the output so that the server never blocks on a full pipe
                        Thread drain = new Thread(() -> {
                            try {
                                while (out.readLine() != null) { /* discard */ }
                            } catch (IOException ignored) {
                                // the process ended
                            }
                        });
                        drain.setDaemon(true);
                        drain.start();
                        return m.group(1);
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            throw new IllegalStateException("halo serve exited without listening");
        });
        try {
            return found.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("halo serve did not start", e);
        }
    }

    JsonNode get(String url) throws Exception {
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    HttpResponse<String> post(String url, String type, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", type).header("Authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String onboard(int validate) {
        return "{\"name\": \"box\", \"predictor\": \"op-costs\", \"samples\": 4, \"validate\": " + validate
                + ", \"rounds\": 2, \"warmupRuns\": 0, \"minRuns\": 2, \"maxRuns\": 2, \"maxSecondsPerArch\": 0.2}";
    }

    @Test
    void killedDuringAnOnboardingAndAnUploadItRestartsWithNothingHalfWrittenLostOrDuplicated() throws Exception {
        Process[] first = new Process[1];
        String base = serve(first);
        String job = JSON.readTree(post(base + "/api/jobs/onboard", "application/json", onboard(200)).body()).get("id").asText();
        JsonNode j = get(base + "/api/jobs/" + job);
        for (int i = 0; i < 600 && j.get("done").asLong() < 4 && List.of("queued", "running").contains(j.get("state").asText()); i++) {
            Thread.sleep(50);
            j = get(base + "/api/jobs/" + job);
        }
        assertThat(j.get("state").asText()).as(j.toString()).isEqualTo("running");

        // a 3,000-row upload in flight, then SIGKILL
        LatencyDataset nb = LatencyDataset.load(SharedData.path("help/nasbench201"), "nasbench201");
        double[] lat = nb.latencies("titan_rtx_256");
        StringBuilder csv = new StringBuilder("arch,latency_ms\n");
        for (int i = 0; i < 3000; i++) csv.append(nb.archString(i)).append(',').append(lat[i]).append('\n');
        CompletableFuture<?> upload = CompletableFuture.runAsync(() -> {
            try {
                post(base + "/api/measurements?device=uploaded", "text/csv", csv.toString());
            } catch (Exception ignored) {
                // the server was killed under it
            }
        });
        Thread.sleep(150);
        first[0].destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertThat(first[0].waitFor(20, TimeUnit.SECONDS)).isTrue();
        upload.get(40, TimeUnit.SECONDS);

        Process[] second = new Process[1];
        String again = serve(second);
        JsonNode after = get(again + "/api/jobs/" + job);
        assertThat(after.get("state").asText()).isEqualTo("failed");
        assertThat(after.get("error").asText()).contains("the server stopped while this job was queued or running");

        // every arch-round the killed job had stored is in the database, once
        int inStore;
        Path store = dir.resolve("onboard/box/measurements.db");
        try (MeasurementStore s = MeasurementStore.open(store)) {
            inStore = (int) s.count();
        }
        assertThat(inStore).isGreaterThanOrEqualTo(4);
        JsonNode rows = get(again + "/api/measurements?device=box&limit=100000");
        assertThat(rows.size()).isEqualTo(inStore);
        assertThat(rows.findValuesAsText("source")).allMatch(s -> s.contains("recovered after the server stopped"));

        // the upload is all there or not there at all
        JsonNode uploaded = get(again + "/api/measurements?device=uploaded&limit=100000");
        assertThat(uploaded.isArray() ? uploaded.size() : 0).isIn(0, 3000);

        // onboarding the device again continues from its store (the first 3 validation archs are the killed job's first 3)
        String resumed = JSON.readTree(post(again + "/api/jobs/onboard", "application/json", onboard(3)).body()).get("id").asText();
        JsonNode done = get(again + "/api/jobs/" + resumed);
        for (int i = 0; i < 1200 && List.of("queued", "running").contains(done.get("state").asText()); i++) {
            Thread.sleep(50);
            done = get(again + "/api/jobs/" + resumed);
        }
        assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("succeeded");
        try (MeasurementStore s = MeasurementStore.open(store)) {
            inStore = (int) s.count();
        }
        assertThat(get(again + "/api/measurements?device=box&limit=100000").size()).as("no row lost or duplicated").isEqualTo(inStore);
        assertThat(inStore).isGreaterThanOrEqualTo((10 + 4 + 3) * 2);
        second[0].destroy();
        assertThat(second[0].waitFor(20, TimeUnit.SECONDS)).as("a plain SIGTERM stops it").isTrue();
    }
}
