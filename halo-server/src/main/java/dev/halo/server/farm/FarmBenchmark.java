package dev.halo.server.farm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halo.BadInputException;
import dev.halo.server.HaloServer;
import dev.halo.server.ServerConfig;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Space;
import dev.halo.space.Spaces;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code halo bench farm}: how many tasks per second the farm's queue sustains. A server in this JVM on a fresh
 * SQLite file gets {@code tasks} tasks; {@code agents} simulated agents (threads, each its own HTTP loop) register,
 * then lease one task at a time and upload a fake result at once (no measuring) until the queue is empty. The
 * queue's added latency per task is the time of its lease request plus its result request.
 */
public final class FarmBenchmark {
    private FarmBenchmark() {}

    /** Tasks done, seconds, tasks per second, per-task queue overhead (lease + result round trips) p50/p99 in ms, non-2xx answers. */
    public record Result(int agents, int tasks, double seconds, double perSecond, double p50Ms, double p99Ms, int errors) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    public static Result run(Path dataDir, int agents, int tasks) {
        if (agents < 1 || agents > 256) throw new BadInputException("--agents must be 1..256, got " + agents);
        if (tasks < 1 || tasks > 15_625) throw new BadInputException("--tasks must be 1..15625 (NB201 archs), got " + tasks);
        String token = HaloServer.generateToken();
        try (HaloServer server = HaloServer.create(ServerConfig.local(dataDir, token)).start()) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).executor(Executors.newFixedThreadPool(Math.max(4, agents / 2))).build();
            List<Nb201Arch> all = ((Nb201Space) Spaces.byName(Nb201Space.NAME)).all();
            List<String> archs = new ArrayList<>();
            for (int i = 0; i < tasks; i++) archs.add(all.get(i).canonical());
            try {
                if (post(http, server.url() + "/api/farm/measure", token, java.util.Map.of("device", "bench", "archs", archs), 201) == null)
                    throw new IllegalStateException("setting up the benchmark: queuing the tasks failed");
            } catch (IOException e) {
                throw new IllegalStateException("setting up the benchmark: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            ExecutorService pool = Executors.newFixedThreadPool(agents);
            AtomicInteger errors = new AtomicInteger();
            long start = System.nanoTime();
            List<Future<double[]>> fs = new ArrayList<>();
            for (int a = 0; a < agents; a++) {
                int n = a;
                fs.add(pool.submit(() -> agent(http, server.url(), token, "sim-" + n, errors)));
            }
            List<Double> ms = new ArrayList<>();
            try {
                for (Future<double[]> f : fs) for (double v : f.get(600, TimeUnit.SECONDS)) ms.add(v);
            } catch (Exception e) {
                throw new IllegalStateException("a simulated agent failed: " + e.getMessage(), e);
            } finally {
                pool.shutdownNow();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double[] sorted = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new Result(agents, sorted.length, seconds, sorted.length / seconds, percentile(sorted, 0.5), percentile(sorted, 0.99), errors.get());
        }
    }

    /** One simulated agent: lease, upload at once, until a lease comes back empty; the ms of each task's two requests. */
    private static double[] agent(HttpClient http, String url, String token, String name, AtomicInteger errors) throws Exception {
        JsonNode reg = post(http, url + "/api/agents", token, java.util.Map.of("name", name, "device", "bench",
                "fingerprint", java.util.Map.of("cpu_model", "simulated", "fake_measurements", true)), 201);
        long agent = reg.get("agent").asLong();
        String agentToken = reg.get("token").asText();
        List<Double> out = new ArrayList<>();
        for (int guard = 0; guard < 100_000; guard++) {
            long t0 = System.nanoTime();
            JsonNode lease = post(http, url + "/api/agents/" + agent + "/lease?wait=0", agentToken, null, 200);
            if (lease == null) {
                errors.incrementAndGet();
                continue;
            }
            if (lease.get("tasks").isEmpty()) break;
            JsonNode t = lease.get("tasks").get(0);
            JsonNode done = post(http, url + "/api/tasks/" + t.get("id").asLong() + "/result", agentToken,
                    java.util.Map.of("leaseToken", t.get("leaseToken").asText(), "stats", java.util.Map.of("runs", 10, "medianMs", 1.0)), 201);
            if (done == null) errors.incrementAndGet();
            out.add((System.nanoTime() - t0) / 1e6);
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The answer's JSON, or null when its status is not {@code expected}. */
    private static JsonNode post(HttpClient http, String url, String token, Object body, int expected) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == expected ? JSON.readTree(r.body()) : null;
    }

    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) return Double.NaN;
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1))];
    }

}
