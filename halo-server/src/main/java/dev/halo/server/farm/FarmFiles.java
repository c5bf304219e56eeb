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
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operator's side of offline measuring ({@code halo farm export-job} / {@code import-result}): fetch a job file
 * for a device from a halo server, and hand a result file back. Refusals come back as one line with the field.
 */
public final class FarmFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FarmFiles() {}

    /** Writes a job file of up to {@code max} of the device's queued tasks, leased for {@code leaseHours}; the job's answer (its tasks). */
    public static JsonNode exportJob(String server, String token, String device, int max, double leaseHours, Path out) throws IOException, InterruptedException {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("device", device);
        req.put("max", max);
        req.put("leaseHours", leaseHours);
        JsonNode job = post(server, token, "/api/farm/jobs", JSON.writeValueAsBytes(req), 201);
        JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), job);
        return job;
    }

    /** Posts a result file as it is; the server's answer (stored, already stored, failed). */
    public static JsonNode importResults(String server, String token, Path resultFile) throws IOException, InterruptedException {
        if (!Files.isRegularFile(resultFile)) throw new BadInputException("result file " + resultFile + " does not exist");
        return post(server, token, "/api/farm/results", Files.readAllBytes(resultFile), 200);
    }

    private static JsonNode post(String server, String token, String path, byte[] body, int expected) throws IOException, InterruptedException {
        if (server == null || !(server.startsWith("http://") || server.startsWith("https://")))
            throw new BadInputException("--server must be an http:// or https:// URL, got " + server);
        if (token == null || token.isBlank()) throw new BadInputException("--token is required (the server's token)");
        String base = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<String> r;
        try {
            r = http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            throw new IOException(base + " cannot be reached (" + e.getMessage() + ")", e);
        }
        JsonNode j;
        try {
            j = JSON.readTree(r.body());
        } catch (IOException e) {
            j = JSON.nullNode();
        }
        if (r.statusCode() != expected) {
            String field = j.path("field").isTextual() ? " (field " + j.get("field").asText() + ")" : "";
            throw new BadInputException("the server answered " + r.statusCode() + ": " + (j.has("error") ? j.get("error").asText() : r.body()) + field);
        }
        return j;
    }
}
