package dev.halo.server.farm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halo.BadInputException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operator's side of the farm from a command line ({@code halo farm measure | export-job | import-result}): queue
 * architectures or an ONNX model file for a device, fetch a job file (with the model files its tasks measure) for a
 * machine the server cannot reach, and hand a result file back. Refusals come back as one line with the field.
 */
public final class FarmFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FarmFiles() {}

    /** What to queue: the device, architectures or a model file (with shapes for its dynamic inputs), rounds and settings. */
    public record Measure(String device, String space, List<String> archs, Path model, Map<String, String> inputs, int rounds, FarmSettings settings) {}

    /**
     * Queues the architectures, or uploads the model file (stored once by its SHA-256: {@code PUT /api/farm/models})
     * and queues its rounds; the server's answer (queued, already queued, and for a model its identity).
     */
    public static JsonNode measure(String server, String token, Measure m) throws IOException, InterruptedException {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("device", m.device());
        if (m.space() != null) req.put("space", m.space());
        if (m.model() != null) {
            if (!Files.isRegularFile(m.model())) throw new BadInputException("--model " + m.model() + ": no such file");
            byte[] bytes = Files.readAllBytes(m.model());
            String sha = FarmModels.sha256(bytes);
            try {
                send(server, token, "PUT", "/api/farm/models/" + sha, "application/octet-stream", bytes, HttpResponse.BodyHandlers.ofString(), 201, 200);
            } catch (BadInputException e) {
                throw new BadInputException("--model " + m.model() + ": " + e.getMessage(), e);
            }
            req.put("model", sha);
            if (!m.inputs().isEmpty()) req.put("inputs", m.inputs());
        } else {
            req.put("archs", m.archs());
        }
        req.put("rounds", m.rounds());
        req.put("settings", m.settings());
        return post(server, token, "/api/farm/measure", JSON.writeValueAsBytes(req), 201);
    }

    /**
     * Writes a job file of up to {@code max} of the device's queued tasks, leased for {@code leaseHours}, and the model
     * file of each model task beside it ({@code SHA256.onnx}, where {@code halo agent --offline} reads it); the job's
     * answer (its tasks).
     */
    public static JsonNode exportJob(String server, String token, String device, int max, double leaseHours, Path out) throws IOException, InterruptedException {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("device", device);
        req.put("max", max);
        req.put("leaseHours", leaseHours);
        // the job file's reader is halo's own agent, which measures model files too
        req.put("offers", Map.of("models", true));
        JsonNode job = post(server, token, "/api/farm/jobs", JSON.writeValueAsBytes(req), 201);
        Set<String> models = new LinkedHashSet<>();
        for (JsonNode t : job.get("tasks")) if (t.hasNonNull("model")) models.add(t.get("model").get("sha256").asText());
        for (String sha : models) {
            byte[] bytes = send(server, token, "GET", "/api/farm/models/" + sha, null, null, HttpResponse.BodyHandlers.ofByteArray(), 200).body();
            Files.write(out.toAbsolutePath().resolveSibling(sha + ".onnx"), bytes);
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), job);
        return job;
    }

    /** Starts an onboarding through the farm ({@link FarmOnboarding.Request}); the server's answer (the job's id and where to poll it). */
    public static JsonNode onboard(String server, String token, FarmOnboarding.Request request) throws IOException, InterruptedException {
        return post(server, token, "/api/farm/onboard", JSON.writeValueAsBytes(request), 202);
    }

    /** A job's state, progress and result ({@code GET /api/jobs/ID}). */
    public static JsonNode job(String server, String token, String id) throws IOException, InterruptedException {
        return JSON.readTree(send(server, token, "GET", "/api/jobs/" + id, null, null, HttpResponse.BodyHandlers.ofString(), 200).body());
    }

    /** Posts a result file as it is; the server's answer (stored, already stored, failed). */
    public static JsonNode importResults(String server, String token, Path resultFile) throws IOException, InterruptedException {
        if (!Files.isRegularFile(resultFile)) throw new BadInputException("result file " + resultFile + " does not exist");
        return post(server, token, "/api/farm/results", Files.readAllBytes(resultFile), 200);
    }

    private static JsonNode post(String server, String token, String path, byte[] body, int expected) throws IOException, InterruptedException {
        return JSON.readTree(send(server, token, "POST", path, "application/json", body, HttpResponse.BodyHandlers.ofString(), expected).body());
    }

    /** One request with the server's token; any answer but {@code expected} is one line with the server's error and field. */
    private static <T> HttpResponse<T> send(String server, String token, String method, String path, String contentType, byte[] body,
                                            HttpResponse.BodyHandler<T> handler, int... expected) throws IOException, InterruptedException {
        if (server == null || !(server.startsWith("http://") || server.startsWith("https://")))
            throw new BadInputException("--server must be an http:// or https:// URL, got " + server);
        if (token == null || token.isBlank()) throw new BadInputException("--token is required (the server's token)");
        String base = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(300)).header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) b.header("Content-Type", contentType);
        HttpRequest req = b.build();
        HttpResponse<T> r;
        try {
            r = http.send(req, handler);
        } catch (java.net.ConnectException e) {
            throw new IOException(base + " cannot be reached (" + e.getMessage() + ")", e);
        }
        for (int ok : expected) if (r.statusCode() == ok) return r;
        String text = r.body() instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(r.body());
        JsonNode j;
        try {
            j = JSON.readTree(text);
        } catch (IOException e) {
            j = JSON.nullNode();
        }
        String field = j.path("field").isTextual() ? " (field " + j.get("field").asText() + ")" : "";
        throw new BadInputException("the server answered " + r.statusCode() + ": " + (j.has("error") ? j.get("error").asText() : text) + field);
    }
}
