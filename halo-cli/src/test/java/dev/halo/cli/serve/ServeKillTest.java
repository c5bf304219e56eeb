package dev.halo.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halo.data.LatencyDataset;
import dev.halo.kernel.KernelModelFile;
import dev.halo.measure.MeasurementStore;
import dev.halo.server.SyntheticKernelModels;
import dev.halo.testing.SharedData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code halo serve} killed with SIGKILL during an onboarding job and an upload, then started again on the same
 * database: what the job measured is in the database at once, the job resumes by itself and finishes from where it
 * was (no measurement lost or duplicated), the upload is there whole or not at all, and onboarding the device again
 * measures nothing twice; killed while a large ONNX model is being uploaded, the part of it on disk is gone after the
 * restart.
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

    /** Validation archs of the killed onboarding: enough that it is far from done when killed, few enough to finish after the restart. */
    static final int VALIDATE = 12;

    JsonNode awaitJob(String base, String id, double seconds) throws Exception {
        JsonNode j = get(base + "/api/jobs/" + id);
        for (long end = System.nanoTime() + (long) (seconds * 1e9); System.nanoTime() < end && List.of("queued", "running").contains(j.get("state").asText()); ) {
            Thread.sleep(100);
            j = get(base + "/api/jobs/" + id);
        }
        return j;
    }

    @Test
    void killedDuringAnOnboardingAndAnUploadItRestartsAndResumesWithNothingHalfWrittenLostOrDuplicated() throws Exception {
        Process[] first = new Process[1];
        String base = serve(first);
        String job = JSON.readTree(post(base + "/api/jobs/onboard", "application/json", onboard(VALIDATE)).body()).get("id").asText();
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
        // the killed job is resumed under its id; what it had measured went into the database before it went on
        JsonNode after = get(again + "/api/jobs/" + job);
        assertThat(after.get("interruptions").asInt()).isEqualTo(1);
        assertThat(after.get("state").asText()).as(after.toString()).isIn("queued", "running", "succeeded");
        JsonNode finished = awaitJob(again, job, 300);
        assertThat(finished.get("state").asText()).as(finished.toString()).isEqualTo("succeeded");

        // every arch-round in the store is in the database, once: those measured before the kill recovered at the
        // restart, the rest stored by the resumed job
        int inStore;
        Path store = dir.resolve("onboard/box/measurements.db");
        try (MeasurementStore s = MeasurementStore.open(store)) {
            inStore = (int) s.count();
        }
        assertThat(inStore).isGreaterThanOrEqualTo((10 + 4 + VALIDATE) * 2);
        JsonNode rows = get(again + "/api/measurements?device=box&limit=100000");
        assertThat(rows.size()).as("no row lost or duplicated").isEqualTo(inStore);
        List<String> sources = rows.findValuesAsText("source");
        assertThat(sources.stream().filter(s -> s.contains("recovered after the server stopped")).count()).isGreaterThanOrEqualTo(4);
        assertThat(sources).allMatch(s -> s.startsWith("onboard job " + job));
        assertThat(finished.get("result").get("within10").isNumber()).as(finished.toString()).isTrue();

        // the upload is all there or not there at all
        JsonNode uploaded = get(again + "/api/measurements?device=uploaded&limit=100000");
        assertThat(uploaded.isArray() ? uploaded.size() : 0).isIn(0, 3000);

        // onboarding the device again measures nothing twice (its 3 validation archs are the resumed job's first 3)
        String more = JSON.readTree(post(again + "/api/jobs/onboard", "application/json", onboard(3)).body()).get("id").asText();
        JsonNode done = awaitJob(again, more, 120);
        assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(done.get("interruptions").asInt()).isZero();
        try (MeasurementStore s = MeasurementStore.open(store)) {
            assertThat((int) s.count()).isEqualTo(inStore);
        }
        assertThat(get(again + "/api/measurements?device=box&limit=100000").size()).isEqualTo(inStore);
        second[0].destroy();
        assertThat(second[0].waitFor(20, TimeUnit.SECONDS)).as("a plain SIGTERM stops it").isTrue();
    }

    /** The partly written model files under the server's upload folder, with their sizes. */
    static long largestUpload(Path uploads) throws IOException {
        if (!Files.isDirectory(uploads)) return -1;
        try (Stream<Path> files = Files.walk(uploads)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).max().orElse(-1);
        }
    }

    @Test
    void killedDuringALargeModelUploadTheRestartedServerLeavesNoPartOfItOnDisk() throws Exception {
        Process[] first = new Process[1];
        String base = serve(first);
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(base + "/api/devices/box/kernel-model")).header("Authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(30)).PUT(HttpRequest.BodyPublishers.ofString(KernelModelFile.toJson(SyntheticKernelModels.baseline("box", 1)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);

        // a model upload (no length announced) that sends 48 MB and then waits: the server has part of it on disk
        long sendFirst = 48L << 20;
        CountDownLatch killed = new CountDownLatch(1);
        InputStream stalling = new InputStream() {
            long sent;

            @Override
            public int read() {
                throw new UnsupportedOperationException("read in blocks");
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (sent >= sendFirst) {
                    try {
                        killed.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return -1;
                }
                int n = (int) Math.min(len, sendFirst - sent);
                java.util.Arrays.fill(b, off, off + n, (byte) 7);
                sent += n;
                return n;
            }
        };
        CompletableFuture<?> upload = CompletableFuture.runAsync(() -> {
            try {
                http.send(HttpRequest.newBuilder(URI.create(base + "/api/predict?device=box&name=big.onnx")).header("Authorization", "Bearer " + TOKEN)
                        .header("Content-Type", "application/octet-stream").timeout(Duration.ofSeconds(90))
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> stalling)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (Exception ignored) {
                // the server was killed under it
            }
        });
        Path uploads = dir.resolve("model-uploads");
        for (int i = 0; i < 600 && largestUpload(uploads) < (32L << 20); i++) Thread.sleep(50);
        assertThat(largestUpload(uploads)).as("part of the model is on disk").isGreaterThanOrEqualTo(32L << 20);
        first[0].destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
        assertThat(first[0].waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(largestUpload(uploads)).as("the killed server left its partial upload").isGreaterThanOrEqualTo(32L << 20);
        killed.countDown();
        upload.get(60, TimeUnit.SECONDS);

        Process[] second = new Process[1];
        serve(second);
        try (Stream<Path> left = Files.list(uploads)) {
            assertThat(left).as("nothing of the killed upload after the restart").isEmpty();
        }
        second[0].destroy();
        assertThat(second[0].waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
}
