package dev.halo.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halo.data.LatencyDataset;
import dev.halo.testing.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A started server on loopback plus a small HTTP client for it; every call has a timeout. */
public final class TestServer implements AutoCloseable {
    public static final String TOKEN = "test-token-0123456789";
    public static final ObjectMapper JSON = new ObjectMapper();

    public final HaloServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public TestServer(ServerConfig config) {
        this.server = HaloServer.create(config).start();
    }

    public String url() {
        return server.url();
    }

    public record Reply(int status, String body, String contentType) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON (" + status + "): " + body, e);
            }
        }
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url() + path)).GET());
    }

    public Reply post(String path, String contentType, String body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return send(b);
    }

    public Reply postBytes(String path, String contentType, byte[] body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return send(b);
    }

    public Reply put(String path, String contentType, String body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).header("Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return send(b);
    }

    public Reply putBytes(String path, String contentType, byte[] body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).header("Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return send(b);
    }

    public Reply postJson(String path, Object body) {
        try {
            return post(path, "application/json", body instanceof String s ? s : JSON.writeValueAsString(body), TOKEN);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Reply delete(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).DELETE();
        if (token != null) b.header("Authorization", "Bearer " + token);
        return send(b);
    }

    /** Sends any request (for what the helpers above do not cover, e.g. a body without a length). */
    public Reply send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The server-sent events of a job, read until the stream closes (at most {@code seconds}): "type data" lines. */
    public List<String> events(String jobId, double seconds) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url() + "/api/jobs/" + jobId + "/events"))
                .header("Accept", "text/event-stream").timeout(Duration.ofMillis((long) (seconds * 1000))).GET().build();
        List<String> out = new ArrayList<>();
        try {
            HttpResponse<java.util.stream.Stream<String>> r = http.send(req, HttpResponse.BodyHandlers.ofLines());
            String type = "message";
            for (var it = r.body().iterator(); it.hasNext(); ) {
                String line = it.next();
                if (line.startsWith("event:")) type = line.substring(6).strip();
                else if (line.startsWith("data:")) out.add(type + " " + line.substring(5).strip());
            }
        } catch (IOException e) {
            out.add("closed " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** Polls a job until it has finished (at most {@code seconds}). */
    public JsonNode awaitJob(String id, double seconds) throws InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        JsonNode j = get("/api/jobs/" + id).json();
        while (System.nanoTime() < end && List.of("queued", "running").contains(j.get("state").asText())) {
            Thread.sleep(50);
            j = get("/api/jobs/" + id).json();
        }
        return j;
    }

    /** NB201 latencies of a HELP device as the upload CSV ({@code arch,latency_ms}): {@code n} archs, every {@code step}-th. */
    public static String nb201Csv(String device, int n, int step) {
        LatencyDataset nb = LatencyDataset.load(SharedData.path("help/nasbench201"), "nasbench201");
        double[] lat = nb.latencies(device);
        StringBuilder csv = new StringBuilder("arch,latency_ms\n");
        for (int i = 0, k = 0; k < n; i += step, k++) csv.append(nb.archString(i)).append(',').append(lat[i]).append('\n');
        return csv.toString();
    }

    @Override
    public void close() {
        server.close();
    }
}
