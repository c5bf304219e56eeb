package dev.halo.server.farm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.halo.BadInputException;
import dev.halo.measure.MeasureSettings;
import dev.halo.measure.Outcome;
import dev.halo.server.db.Repository;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code halo agent --offline}: measures a job file exported by a halo server ({@code POST /api/farm/jobs}) on a machine
 * that cannot reach it, and writes the result file the server imports ({@code POST /api/farm/results}). Same harness and
 * settings as the online agent; no network. A model task's file is read from {@code SHA256.onnx} beside the job file. The result file is rewritten after every task (atomically), so a run that
 * is stopped keeps what it measured, and running it again measures only the rest.
 */
public final class OfflineAgent {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a run did: tasks measured now, failed now, and found in the result file from an earlier run. */
    public record Summary(int measured, int failed, int resumed) {}

    private OfflineAgent() {}

    /**
     * @param fakeMs tests only: the made-up measurer of {@code --fake} (null: real measurements)
     */
    public static Summary run(Path jobFile, Path resultFile, Double fakeMs, PrintWriter log) throws IOException {
        JsonNode job = readJson(jobFile, "--job");
        if (!Farm.JOB_FORMAT.equals(job.path("format").asText()))
            throw new BadInputException("--job " + jobFile + ": format must be '" + Farm.JOB_FORMAT + "' (a file from halo farm export-job), got '"
                    + job.path("format").asText() + "'");
        if (!job.path("job").canConvertToLong()) throw new BadInputException("--job " + jobFile + ": 'job' must be the job's number");
        if (!job.path("tasks").isArray()) throw new BadInputException("--job " + jobFile + ": 'tasks' must be a list");
        long jobId = job.get("job").asLong();
        Map<String, byte[]> models = modelFiles(jobFile, job);

        ObjectNode out = resumed(resultFile, jobId, fakeMs != null);
        ArrayNode results = (ArrayNode) out.get("results");
        Set<Long> done = new HashSet<>();
        for (JsonNode r : results) done.add(r.path("task").asLong());
        int resumed = done.size(), measured = 0, failed = 0;
        FarmAgent.Measurer measurer = FarmAgent.measurer(fakeMs);
        for (JsonNode t : job.get("tasks")) {
            long id = t.path("id").asLong();
            if (done.contains(id)) continue;
            if (!t.path("settings").isObject()) throw new BadInputException("--job " + jobFile + ": task " + id + " has no 'settings' object");
            MeasureSettings settings;
            try {
                settings = JSON.treeToValue(t.get("settings"), FarmSettings.class).toMeasureSettings();
            } catch (IOException | BadInputException e) {
                throw new BadInputException("--job " + jobFile + ": task " + id + ": settings: " + e.getMessage().lines().findFirst().orElse(""));
            }
            String started = Instant.now().toString();
            String model = t.hasNonNull("model") ? t.get("model").path("sha256").asText() : null;
            // a kernel check answers no measurement, which a result file cannot carry: it is left to an online agent
            Outcome o = t.path("space").asText().equals(Repository.KERNEL_CHECK_SPACE)
                    ? new Outcome.Failed("a kernel check runs on an online agent only (halo agent --server), not from a job file")
                    : model == null ? measurer.measure(t.path("space").asText(), t.path("arch").asText(), t.path("round").asInt(), settings)
                    : FarmAgent.measureModel(measurer, t, models.get(model), settings);
            ObjectNode entry = JSON.createObjectNode().put("task", id);
            entry.setAll((ObjectNode) JSON.valueToTree(FarmAgent.result(t.path("leaseToken").asText(), o, model, started)));
            results.add(entry);
            if (o instanceof Outcome.Measured) measured++;
            else failed++;
            writeAtomically(resultFile, out);
            log.printf(Locale.ROOT, "task %d %s round %d: %s%n", id, t.path("arch").asText(), t.path("round").asInt(),
                    o instanceof Outcome.Measured m ? String.format(Locale.ROOT, "%.3f ms", m.stats().medianMs()) : "failed: " + ((Outcome.Failed) o).reason());
        }
        writeAtomically(resultFile, out);
        log.flush();
        return new Summary(measured, failed, resumed);
    }

    /**
     * The model files the job's model tasks measure, read from {@code SHA256.onnx} beside the job file (where
     * {@code halo farm export-job} writes them) and checked against their SHA-256 before anything is measured.
     */
    private static Map<String, byte[]> modelFiles(Path jobFile, JsonNode job) throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        for (JsonNode t : job.get("tasks")) {
            if (!t.hasNonNull("model")) continue;
            String sha = t.get("model").path("sha256").asText();
            if (files.containsKey(sha)) continue;
            if (!sha.matches("[0-9a-f]{64}"))
                throw new BadInputException("--job " + jobFile + ": task " + t.path("id").asLong() + ": model.sha256 must be a SHA-256 in hex, got '" + sha + "'");
            Path file = jobFile.toAbsolutePath().resolveSibling(sha + ".onnx");
            if (!Files.isRegularFile(file))
                throw new BadInputException("--job " + jobFile + ": task " + t.path("id").asLong() + " measures model " + sha + ", but " + file
                        + " does not exist (halo farm export-job writes each model beside the job file: carry it along)");
            byte[] bytes = Files.readAllBytes(file);
            if (!FarmModels.sha256(bytes).equals(sha))
                throw new BadInputException(file + ": its SHA-256 is " + FarmModels.sha256(bytes) + ", not " + sha + " (a damaged or different file)");
            files.put(sha, bytes);
        }
        return files;
    }

    /** The result file of an earlier run of the same job (to resume), or a fresh one with this machine's fingerprint. */
    private static ObjectNode resumed(Path resultFile, long jobId, boolean fake) throws IOException {
        if (Files.exists(resultFile)) {
            JsonNode old = readJson(resultFile, "--result");
            if (!Farm.RESULT_FORMAT.equals(old.path("format").asText()) || old.path("job").asLong() != jobId || !old.path("results").isArray())
                throw new BadInputException("--result " + resultFile + " exists and is not a result file of job " + jobId + ": choose another path");
            return (ObjectNode) old;
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("format", Farm.RESULT_FORMAT);
        out.put("job", jobId);
        out.set("fingerprint", FarmAgent.fingerprint(fake));
        out.putArray("results");
        return out;
    }

    private static JsonNode readJson(Path file, String option) {
        if (!Files.isRegularFile(file)) throw new BadInputException(option + " " + file + ": no such file");
        try {
            JsonNode n = JSON.readTree(file.toFile());
            if (n == null || !n.isObject()) throw new BadInputException(option + " " + file + ": not a JSON object");
            return n;
        } catch (IOException e) {
            throw new BadInputException(option + " " + file + ": cannot read it as JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    private static void writeAtomically(Path file, JsonNode content) throws IOException {
        Path abs = file.toAbsolutePath();
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), content);
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
