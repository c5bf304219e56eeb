package dev.halo.server;

import dev.halo.BadInputException;
import dev.halo.app.zoo.Zoo;
import dev.halo.kernel.KernelModelFile;
import dev.halo.space.Architecture;
import dev.halo.space.Nb201Space;
import dev.halo.space.Spaces;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * {@code halo bench serve}: latency percentiles and throughput of {@code POST /api/predict} on loopback, for one
 * architecture and for 100 per request, and for an uploaded ResNet-50-size ONNX model, at several numbers of
 * concurrent clients (each sends its next request as soon as the last one is answered). The server runs in this JVM on
 * a fresh SQLite database with one synthetic device: for architectures, latency a linear function of the
 * architecture's FLOPs, fitted with op-costs; for models, a kernel model made without measuring
 * ({@link SyntheticKernelModels}). What a prediction costs does not depend on those values, so this times the server,
 * not a device.
 *
 * <p>The architecture cases run for a given time each; the model case for a given number of requests (at least one per
 * client), since one model prediction can take about a second. The clients ({@link HttpLoad}) run in this JVM or, asked
 * to, in one of their own.
 */
public final class ServeBenchmark {
    private ServeBenchmark() {}

    /** The uploaded model the issue asks for: ResNet-50 at 224x224, batch 1 (~100 MB of float weights), from halo's zoo. */
    public static final String RESNET50 = "resnet50";

    /**
     * One case: the request ("1 arch", "100 archs", the model), clients, requests sent, percentiles in ms of every
     * answer, requests answered 200 per second, answers that were not 200 (e.g. 503 for a model that waited too long).
     */
    public record Row(String request, int clients, int requests, double p50Ms, double p99Ms, double perSecond, int errors) {}

    /**
     * Runs every architecture case for {@code seconds} (after a warm-up of a third of that, and one of 1.5 times that
     * before all), then, unless {@code modelRequests} is 0, the uploaded-model case with at least {@code modelRequests}
     * requests per number of clients (after one warm-up request); {@code clients} e.g. 1, 8, 64; {@code model} a zoo
     * spec or preset ({@link #RESNET50}; the tests use a small one); {@code clientsProcess}: the clients run in a JVM
     * of their own (one per case) instead of this one.
     */
    public static List<Row> run(Path dataDir, double seconds, int[] clients, String model, int modelRequests, boolean clientsProcess) {
        // shorter cases time nothing but the clock (and would still pay for the model case's export and requests)
        if (!(seconds >= 0.1 && seconds <= 600)) throw new BadInputException("--seconds must be in [0.1, 600], got " + seconds);
        for (int c : clients) if (c < 1 || c > 512) throw new BadInputException("--clients must be 1..512, got " + c);
        if (modelRequests < 0 || modelRequests > 10_000) throw new BadInputException("--model-requests must be 0..10000, got " + modelRequests);
        String token = HaloServer.generateToken();
        int maxClients = Arrays.stream(clients).max().orElse(1);
        HttpLoad.Clients load = clientsProcess ? HttpLoad.separateJvm(dataDir) : HttpLoad::inProcess;
        try (HaloServer server = HaloServer.create(ServerConfig.local(dataDir, token)).start()) {
            // setting up: a few requests, through the JDK's client
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            Nb201Space space = (Nb201Space) Spaces.byName(Nb201Space.NAME);
            List<dev.halo.space.Nb201Arch> all = space.all();
            Random rng = new Random(7);
            StringBuilder csv = new StringBuilder("arch,latency_ms\n");
            for (int i = 0; i < 60; i++) {
                dev.halo.space.Nb201Arch a = all.get(rng.nextInt(all.size()));
                csv.append(a.canonical()).append(',').append(String.format(Locale.ROOT, "%.6f", 0.5 + space.mflops(a) / 50)).append('\n');
            }
            send(http, server.url() + "/api/measurements?device=synthetic", "text/csv", csv.toString(), token, 201);
            send(http, server.url() + "/api/devices/1/profile", "application/json", "{\"method\": \"op-costs\"}", token, 201);
            URI predict = URI.create(server.url() + "/api/predict");
            HttpLoad.Request one = HttpLoad.Request.json(predict, body(List.of(all.get(rng.nextInt(all.size())))));
            List<Architecture> hundred = new ArrayList<>();
            for (int i = 0; i < 100; i++) hundred.add(all.get(rng.nextInt(all.size())));
            HttpLoad.Request many = HttpLoad.Request.json(predict, body(hundred));
            List<Row> rows = new ArrayList<>();
            // one warm-up over both requests before any case, so that the first case does not pay for the server's JIT
            load.measure(one, maxClients, 0, seconds, Integer.MAX_VALUE);
            load.measure(many, maxClients, 0, seconds / 2, Integer.MAX_VALUE);
            for (Case k : List.of(new Case("1 arch", one), new Case("100 archs", many)))
                for (int c : clients) // each after a warm-up of a third as long, discarded
                    rows.add(row(k.label(), c, load.measure(k.request(), c, seconds / 3, seconds, Integer.MAX_VALUE)));
            if (modelRequests > 0) {
                send(http, "PUT", server.url() + "/api/devices/synthetic/kernel-model", "application/json",
                        KernelModelFile.toJson(SyntheticKernelModels.baseline("synthetic", 1)), token, 201);
                Path file = Zoo.export(List.of(model), Files.createDirectories(dataDir.resolve("zoo")), 1, 7).getFirst().file();
                HttpLoad.Request upload = new HttpLoad.Request("POST", URI.create(predict + "?device=synthetic&name=model.onnx"),
                        "application/octet-stream", token, null, file);
                String label = String.format(Locale.ROOT, "%s model (%.1f MB)", model, Files.size(file) / 1e6);
                load.measure(upload, 1, 0, 600, 1); // warm-up, discarded
                for (int c : clients) rows.add(row(label, c, load.measure(upload, c, 0, 600, (modelRequests + c - 1) / c)));
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the benchmark's model under " + dataDir, e);
        }
    }

    private record Case(String label, HttpLoad.Request request) {}

    private static String body(List<? extends Architecture> archs) {
        StringBuilder b = new StringBuilder("{\"devices\": [\"synthetic\"], \"archs\": [");
        for (int i = 0; i < archs.size(); i++) b.append(i == 0 ? "" : ", ").append('"').append(archs.get(i).canonical()).append('"');
        return b.append("]}").toString();
    }

    private static void send(HttpClient http, String url, String type, String body, String token, int expected) {
        send(http, "POST", url, type, body, token, expected);
    }

    private static void send(HttpClient http, String method, String url, String type, String body, String token, int expected) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", type).header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(60)).method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != expected) throw new IllegalStateException("setting up the benchmark: " + url + " answered " + r.statusCode() + ": " + r.body());
        } catch (IOException e) {
            throw new IllegalStateException("setting up the benchmark: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Row row(String request, int clients, HttpLoad.Sampled s) {
        return new Row(request, clients, s.ms().length, percentile(s.ms(), 0.50), percentile(s.ms(), 0.99), (s.ms().length - s.errors()) / s.seconds(), s.errors());
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) return Double.NaN;
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
