package dev.halo.server.farm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.halo.BadInputException;
import dev.halo.Halo;
import dev.halo.app.measure.ArchTimer;
import dev.halo.app.model.ModelTimer;
import dev.halo.app.onboard.Onboarding;
import dev.halo.graph.TensorShape;
import dev.halo.io.Leftovers;
import dev.halo.measure.DeviceFingerprint;
import dev.halo.measure.LatencyStats;
import dev.halo.measure.MeasureSettings;
import dev.halo.measure.Outcome;
import dev.halo.server.db.Repository;
import dev.halo.space.Nb201Space;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code halo agent}: registers this machine with a halo server as a device, then leases measurement tasks, measures
 * each with halo's harness (halo-app's {@link ArchTimer}: ONNX Runtime with the task's {@link MeasureSettings}, the same timing loop as
 * {@code halo measure} and {@code halo onboard}; for a model file, fetched for the task, halo-app's {@link ModelTimer},
 * one round of {@code halo measure --model}), heartbeats while measuring, and uploads the statistics. The protocol
 * is in docs/farm.md. Every wait is bounded: a lost server is retried for {@code retrySeconds}, then the agent stops.
 */
public final class FarmAgent {
    /**
     * @param server       base URL, e.g. http://127.0.0.1:7070
     * @param token        the server's token (for registering; the agent's own token, answered then, is used after)
     * @param name         this agent's name
     * @param device       the device it measures as (tasks queued for it come here)
     * @param threads      the intra-op thread counts it offers to measure with (null: any)
     * @param batch        the batch sizes it offers (null: any)
     * @param maxJobs      stop after this many tasks (0: no limit)
     * @param idleExitS    stop after this many seconds without a task (0: never)
     * @param fakeMs       tests and benchmarks only: no measuring; each task "takes" this many ms and gets a made-up
     *                     latency derived from the arch string. Null: real measurements.
     * @param retrySeconds how long a request is retried while the server cannot be reached (e.g. restarting)
     */
    public record Config(String server, String token, String name, String device, List<Integer> threads, List<Integer> batch, int maxJobs, double idleExitS,
                         Double fakeMs, double retrySeconds) {
        public Config {
            threads = threads == null ? null : List.copyOf(threads);
            batch = batch == null ? null : List.copyOf(batch);
            if (server == null || !(server.startsWith("http://") || server.startsWith("https://")))
                throw new BadInputException("--server must be an http:// or https:// URL, got " + server);
            if (token == null || token.isBlank()) throw new BadInputException("--token is required (the server's token)");
            if (maxJobs < 0) throw new BadInputException("--max-jobs must be >= 0");
            if (idleExitS < 0) throw new BadInputException("--idle-exit must be >= 0");
            if (fakeMs != null && !(fakeMs >= 0)) throw new BadInputException("--fake must be >= 0 ms");
            server = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
        }
    }

    /** What a run did: tasks stored, stored earlier (a retried upload), failed, refused (409), and why it stopped. */
    public record Summary(int stored, int already, int failed, int refused, String stopped) {}

    /** Measures one task: an architecture of a built-in space, or a model file. */
    public interface Measurer {
        Outcome measure(String space, String arch, int round, MeasureSettings settings);

        /**
         * A kernel-check task ({@link Repository#KERNEL_CHECK_SPACE}): the first of the NB201 {@code archs} whose optimised
         * ONNX Runtime graph here runs other kernels than halo's kernel model works out, as {@code halo onboard --features
         * auto} checks it; empty when every one agrees.
         */
        Optional<String> kernelMismatch(List<String> archs);

        /** One round of the model file {@code model} fed {@code inputs}, as {@code halo measure --model} times it; {@code identity} is the task's. */
        Outcome measureModel(Path model, String identity, Map<String, TensorShape> inputs, MeasureSettings settings);
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Config config;
    private final PrintWriter log;
    private final Measurer measurer;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public FarmAgent(Config config, PrintWriter log) {
        this.config = config;
        this.log = log;
        this.measurer = measurer(config.fakeMs());
    }

    /** halo's harness, or with {@code fakeMs} set the made-up measurer of tests and benchmarks. */
    static Measurer measurer(Double fakeMs) {
        return fakeMs != null ? fake(fakeMs) : harness();
    }

    /** halo's harness: halo-app's {@link ArchTimer} for architectures, its {@link ModelTimer} for model files. */
    private static Measurer harness() {
        ArchTimer archs = new ArchTimer();
        ModelTimer models = new ModelTimer();
        return new Measurer() {
            @Override
            public Outcome measure(String space, String arch, int round, MeasureSettings settings) {
                return archs.measure(space, arch, settings);
            }

            @Override
            public Optional<String> kernelMismatch(List<String> checked) {
                Nb201Space nb201 = new Nb201Space();
                return Onboarding.KernelCheck.ONNX_RUNTIME.firstMismatch(nb201, checked.stream().map(nb201::parse).toList());
            }

            @Override
            public Outcome measureModel(Path model, String identity, Map<String, TensorShape> inputs, MeasureSettings settings) {
                ModelTimer.Timed t = models.measure(model, inputs, settings);
                // the same file fed the same shapes has the task's identity; anything else would store a row under the wrong model
                if (t.identity() != null && !t.identity().equals(identity))
                    return new Outcome.Failed("the model measured here is " + t.identity() + ", the task's is " + identity);
                return t.outcome();
            }
        };
    }

    /**
     * Tests and benchmarks only: sleeps {@code ms} and answers a latency made up from the task (clearly not a measurement;
     * its fingerprint says so). A NAS-Bench-201 arch gets a known cost per operation ({@link #madeUpNb201Ms}), so that a
     * profile fitted to fake measurements is a meaningful one; anything else a number hashed from its string. The kernel
     * check answers that the kernels agree.
     */
    static Measurer fake(double ms) {
        return new Measurer() {
            @Override
            public Outcome measure(String space, String arch, int round, MeasureSettings settings) {
                pause();
                return stats(space.equals("nasbench201") ? madeUpNb201Ms(arch, round) : hashed(arch));
            }

            @Override
            public Optional<String> kernelMismatch(List<String> archs) {
                pause();
                return Optional.empty();
            }

            @Override
            public Outcome measureModel(Path model, String identity, Map<String, TensorShape> inputs, MeasureSettings settings) {
                pause();
                return stats(hashed(identity));
            }

            private void pause() {
                try {
                    if (ms > 0) Thread.sleep((long) ms, (int) ((ms % 1) * 1e6));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            private static double hashed(String key) {
                return 1 + Math.floorMod(key.hashCode(), 1000) / 100.0;
            }

            private static Outcome stats(double median) {
                return new Outcome.Measured(new LatencyStats(10, median * 0.95, median, median * 1.05, median, 0.02, 0.02, 0.01));
            }
        };
    }

    /** The made-up cost of one NAS-Bench-201 cell operation, in ms (convolutions dear, pooling and skips cheap, none free). */
    private static final Map<String, Double> FAKE_OP_MS = Map.of("nor_conv_3x3", 0.40, "nor_conv_1x1", 0.12, "avg_pool_3x3", 0.06, "skip_connect", 0.01, "none", 0.0);

    /**
     * {@code --fake}'s latency of a NAS-Bench-201 arch: 0.2 ms plus the cost of each cell operation, times a noise of
     * about 2 % seeded by the arch and the round (so rounds differ a little, and the same task always gets the same number).
     */
    static double madeUpNb201Ms(String arch, int round) {
        double ms = 0.2;
        for (String edge : arch.split("\\|")) {
            int tilde = edge.indexOf('~');
            if (tilde > 0) ms += FAKE_OP_MS.getOrDefault(edge.substring(0, tilde), 0.0);
        }
        return ms * (1 + 0.02 * new java.util.Random(arch.hashCode() * 31L + round).nextGaussian());
    }

    /**
     * Measures a model task's file ({@code bytes}, as fetched): its SHA-256 must be the task's, and it is measured alone
     * in a fresh folder (deleted after), so that no external-data reference in it can reach another file of this machine.
     */
    static Outcome measureModel(Measurer measurer, JsonNode task, byte[] bytes, MeasureSettings settings) {
        JsonNode model = task.get("model");
        String sha = model.path("sha256").asText();
        String actual = FarmModels.sha256(bytes);
        if (!actual.equals(sha)) return new Outcome.Failed("the model file fetched has SHA-256 " + actual + ", the task's is " + sha);
        Map<String, TensorShape> inputs = new LinkedHashMap<>();
        try {
            model.path("inputs").fields().forEachRemaining(e -> inputs.put(e.getKey(), TensorShape.parse(e.getValue().asText())));
        } catch (BadInputException e) {
            return new Outcome.Failed("the task's model inputs: " + e.getMessage());
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("halo-agent-model-");
            Path file = Files.write(dir.resolve("model.onnx"), bytes);
            return measurer.measureModel(file, task.path("arch").asText(), inputs, settings);
        } catch (IOException e) {
            return new Outcome.Failed("cannot write the model to a temporary folder: " + e.getMessage());
        } finally {
            if (dir != null) Leftovers.deleteRecursively(dir);
        }
    }

    /** The fingerprint this agent registers: halo's {@link DeviceFingerprint} under default settings, plus memory and versions. */
    static ObjectNode fingerprint(boolean fake) throws IOException {
        DeviceFingerprint f = fake ? fakeFingerprint() : DeviceFingerprint.current(MeasureSettings.defaults());
        ObjectNode fp = (ObjectNode) JSON.readTree(f.toJson());
        fp.put("id", f.id());
        fp.put("label", f.label());
        fp.put("memory_bytes", memoryBytes());
        fp.put("halo", Halo.version());
        fp.put("agent", "java");
        if (fake) fp.put("fake_measurements", true);
        return fp;
    }

    private static DeviceFingerprint fakeFingerprint() {
        return new DeviceFingerprint("fake (halo agent --fake: no measurements)", 1, System.getProperty("os.name"), System.getProperty("java.vm.version"), "none",
                "fake", 1, 1, "all", false, "fp32");
    }

    private static long memoryBytes() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)
            return os.getTotalMemorySize();
        return -1;
    }

    public Summary run() throws IOException, InterruptedException {
        Map<String, Object> reg = new LinkedHashMap<>();
        reg.put("name", config.name());
        reg.put("device", config.device());
        reg.put("fingerprint", fingerprint(config.fakeMs() != null));
        Map<String, Object> offers = new LinkedHashMap<>();
        if (config.threads() != null) offers.put("threads", config.threads());
        if (config.batch() != null) offers.put("batch", config.batch());
        // halo's harness measures model files too (ModelTimer)
        offers.put("models", true);
        reg.put("offers", offers);
        JsonNode r = expect(call("POST", "/api/agents", reg, config.token()), 201, "registering");
        long agent = r.get("agent").asLong();
        String agentToken = r.get("token").asText();
        double leaseSeconds = r.get("leaseSeconds").asDouble();
        log.printf(Locale.ROOT, "agent %s #%d: device %s, fingerprint %s, lease %.1f s%n", config.name(), agent, config.device(),
                r.get("fingerprintId").asText(), leaseSeconds);
        int stored = 0, already = 0, failed = 0, refused = 0;
        long idleSince = System.nanoTime();
        ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(t -> {
            Thread th = new Thread(t, "halo-agent-heartbeat");
            th.setDaemon(true);
            return th;
        });
        try {
            while (true) {
                int done = stored + already + failed + refused;
                if (config.maxJobs() > 0 && done >= config.maxJobs()) return new Summary(stored, already, failed, refused, "max-jobs reached");
                double idle = (System.nanoTime() - idleSince) / 1e9;
                if (config.idleExitS() > 0 && idle >= config.idleExitS()) return new Summary(stored, already, failed, refused, "idle for " + config.idleExitS() + " s");
                long wait = config.idleExitS() > 0 ? (long) Math.ceil(Math.min(20, config.idleExitS() - idle)) : 20;
                JsonNode lease = expect(call("POST", "/api/agents/" + agent + "/lease?wait=" + Math.max(0, wait), null, agentToken), 200, "leasing");
                if (lease.get("tasks").isEmpty()) continue;
                for (JsonNode t : lease.get("tasks")) {
                    long id = t.get("id").asLong();
                    String token = t.get("leaseToken").asText();
                    MeasureSettings settings = JSON.treeToValue(t.get("settings"), FarmSettings.class).toMeasureSettings();
                    long beatMs = Math.max(50, (long) (leaseSeconds * 1000 / 3));
                    ScheduledFuture<?> beat = beats.scheduleAtFixedRate(() -> {
                        try {
                            call("POST", "/api/tasks/" + id + "/heartbeat", Map.of("leaseToken", token), agentToken);
                        } catch (IOException | InterruptedException | RuntimeException e) {
                            // the next beat or the upload tries again
                        }
                    }, beatMs, beatMs, TimeUnit.MILLISECONDS);
                    String started = Instant.now().toString();
                    Outcome o;
                    String model = t.hasNonNull("model") ? t.get("model").path("sha256").asText() : null;
                    Map<String, Object> result;
                    try {
                        if (t.get("space").asText().equals(Repository.KERNEL_CHECK_SPACE)) {
                            o = null;
                            result = kernelCheck(measurer, t, token, started);
                        } else {
                            o = model == null ? measurer.measure(t.get("space").asText(), t.get("arch").asText(), t.get("round").asInt(), settings)
                                    : fetchAndMeasure(t, settings, agentToken);
                            result = result(token, o, model, started);
                        }
                    } finally {
                        beat.cancel(false);
                    }
                    Reply up = call("POST", "/api/tasks/" + id + "/result", result, agentToken);
                    if (up.status() == 201) stored++;
                    else if (up.status() == 200 && result.containsKey("failure")) failed++;
                    else if (up.status() == 200) already++;
                    else if (up.status() == 409) refused++;
                    else expect(up, 201, "uploading task " + id);
                    log.printf(Locale.ROOT, "task %d %s round %d: %s -> %d%n", id, t.get("arch").asText(), t.get("round").asInt(), outcome(o, result), up.status());
                }
                // idle means without work: counted from the end of the last task, not from its lease
                idleSince = System.nanoTime();
            }
        } finally {
            beats.shutdownNow();
            log.flush();
        }
    }

    /** A model task's file fetched with this agent's token (the task's {@code model.url}), then measured; a refused fetch is a failed outcome. */
    private Outcome fetchAndMeasure(JsonNode task, MeasureSettings settings, String agentToken) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(config.server() + task.get("model").path("url").asText())).timeout(Duration.ofSeconds(300))
                .header("Authorization", "Bearer " + agentToken).GET().build();
        HttpResponse<byte[]> r = send(req, HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            String body = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
            return new Outcome.Failed("fetching the model answered " + r.statusCode() + ": " + body.lines().findFirst().orElse(""));
        }
        return measureModel(measurer, task, r.body(), settings);
    }

    /**
     * The answer to a kernel-check task: whether ONNX Runtime here runs the kernel model's kernels for the task's archs
     * (comma-separated in its {@code arch}); a check that cannot run is a failure, retried like a measurement.
     */
    static Map<String, Object> kernelCheck(Measurer measurer, JsonNode task, String leaseToken, String startedAt) {
        Optional<String> mismatch;
        try {
            mismatch = measurer.kernelMismatch(List.of(task.path("arch").asText().split(",")));
        } catch (RuntimeException e) {
            return result(leaseToken, new Outcome.Failed("the kernel check failed: " + e.getMessage()), null, startedAt);
        }
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("mismatch", mismatch.orElse(null));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("leaseToken", leaseToken);
        result.put("kernelCheck", check);
        result.put("startedAt", startedAt);
        result.put("measuredAt", Instant.now().toString());
        return result;
    }

    /** One line for the log: a measurement's median, a kernel check's answer, or why it failed. */
    static String outcome(Outcome o, Map<String, Object> result) {
        if (result.get("kernelCheck") instanceof Map<?, ?> check)
            return check.get("mismatch") == null ? "kernels agree" : "kernels differ: " + check.get("mismatch");
        if (o instanceof Outcome.Measured m) return String.format(Locale.ROOT, "%.3f ms", m.stats().medianMs());
        return "failed: " + result.get("failure");
    }

    /**
     * A result as the protocol sends it: the lease token, the statistics or the failure, the SHA-256 of the model file
     * measured ({@code model}; null for an architecture), and when it was measured.
     */
    static Map<String, Object> result(String leaseToken, Outcome o, String model, String startedAt) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("leaseToken", leaseToken);
        switch (o) {
            case Outcome.Measured m -> result.put("stats", stats(m.stats()));
            case Outcome.Failed f -> result.put("failure", f.reason());
        }
        if (model != null) result.put("model", model);
        result.put("startedAt", startedAt);
        result.put("measuredAt", Instant.now().toString());
        return result;
    }

    private static Map<String, Object> stats(LatencyStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runs", s.runs());
        m.put("minMs", s.minMs());
        m.put("medianMs", s.medianMs());
        m.put("p90Ms", s.p90Ms());
        m.put("meanMs", s.meanMs());
        m.put("cv", s.cv());
        m.put("robustCv", s.robustCv());
        // infinite below 6 runs: JSON has no infinity, so it is left out
        if (Double.isFinite(s.medianRelCi())) m.put("medianRelCi", s.medianRelCi());
        return m;
    }

    record Reply(int status, JsonNode body) {}

    /** One JSON request, retried while the server cannot be reached ({@link #send}). */
    Reply call(String method, String path, Object body, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(config.server() + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> r = send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body() == null || r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body()));
    }

    /** One request, retried (with backoff) while the server cannot be reached or answers 5xx, up to {@code retrySeconds}. */
    private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
        long end = System.nanoTime() + (long) (config.retrySeconds() * 1e9);
        long backoff = 100;
        while (true) {
            try {
                HttpResponse<T> r = http.send(req, handler);
                if (r.statusCode() >= 500 && System.nanoTime() < end) {
                    Thread.sleep(backoff);
                    backoff = Math.min(2000, backoff * 2);
                    continue;
                }
                return r;
            } catch (ConnectException | HttpTimeoutException | java.io.EOFException e) {
                if (System.nanoTime() >= end) throw new IOException(config.server() + " cannot be reached (" + e + "), retried " + config.retrySeconds() + " s", e);
            } catch (IOException e) {
                // e.g. the connection was reset by a server that stopped mid-request
                if (System.nanoTime() >= end) throw e;
            }
            Thread.sleep(backoff);
            backoff = Math.min(2000, backoff * 2);
        }
    }

    private static JsonNode expect(Reply r, int status, String what) {
        if (r.status() != status)
            throw new BadInputException(what + ": the server answered " + r.status() + ": " + (r.body().has("error") ? r.body().get("error").asText() : r.body()));
        return r.body();
    }

    /** For tests that start agents as separate processes: {@code --server URL --token T --name N --device D [--max-jobs N] [--idle-exit S] [--fake MS]}. */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) a.put(args[i], args[i + 1]);
        Config c = new Config(a.get("--server"), a.get("--token"), a.getOrDefault("--name", "agent"), a.getOrDefault("--device", "agent"), null, null,
                Integer.parseInt(a.getOrDefault("--max-jobs", "0")), Double.parseDouble(a.getOrDefault("--idle-exit", "0")),
                a.containsKey("--fake") ? Double.parseDouble(a.get("--fake")) : null, Double.parseDouble(a.getOrDefault("--retry", "60")));
        Summary s = new FarmAgent(c, new PrintWriter(System.out, true)).run();
        System.out.println("summary " + s);
        System.exit(0);
    }

}
