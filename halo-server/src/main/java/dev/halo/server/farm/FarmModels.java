package dev.halo.server.farm;

import dev.halo.BadInputException;
import dev.halo.app.model.DescribeModel;
import dev.halo.app.model.MeasureModel;
import dev.halo.graph.TensorShape;
import dev.halo.graph.ValueInfo;
import dev.halo.io.Leftovers;
import dev.halo.server.api.ApiException;
import dev.halo.server.db.Repository;
import dev.halo.server.work.ModelUploads;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ONNX model files that farm agents measure: uploaded by the server's token holder, stored once by SHA-256, read by
 * halo-app's {@link MeasureModel} (the reader of the server's model upload, {@code POST /api/models/describe}) before
 * anything is stored.
 *
 * <p>Each file is read alone in a fresh folder under a fixed name (whatever the client called it) that is deleted
 * afterwards: external data it names cannot be there, and the reader refuses locations outside that folder anyway.
 * So only self-contained models are accepted, and no reference in one can reach a file of the server.
 */
public final class FarmModels {
    private static final String SHA256 = "[0-9a-f]{64}";

    private final Repository repo;
    private final Path scratch;
    private final ModelUploads uploads;

    /**
     * @param scratch the folder stored models are read in (one fresh folder per read, deleted after)
     * @param uploads where an upload's body is streamed to (under its limit) and hashed on the way
     */
    public FarmModels(Repository repo, Path scratch, ModelUploads uploads) {
        this.repo = repo;
        this.scratch = scratch;
        this.uploads = uploads;
    }

    /** A model input as the file declares it (shape {@code ?} for a dynamic dimension). */
    public record Input(String name, String type, String shape) {}

    /** What an upload did: the file's hash and size, its declared inputs, and whether it was new ({@code stored}). */
    public record Stored(String sha256, long bytes, List<Input> inputs, boolean stored) {}

    /** A stored model resolved for measuring: its identity in the measurement rows and the shapes it is fed, by input name. */
    record Resolved(String sha256, String identity, Map<String, String> inputs) {}

    /**
     * Stores the request {@code body} as the model whose SHA-256 is {@code sha256} (the path of {@code PUT
     * /api/farm/models/{sha256}}). The body is streamed to a file alone in a fresh folder, hashed on the way, and never
     * held in memory whole: 413 naming {@code body} past the limit (by its Content-Length, else while streaming), 400
     * naming {@code sha256} when it hashes to something else, 400 naming {@code body} when it is not a model halo can
     * read. Uploading the same file again stores nothing more ({@code stored} false).
     */
    public Stored put(String sha256, InputStream body, long contentLength) {
        checkSha(sha256, "sha256");
        return uploads.receive(null, body, contentLength, upload -> {
            if (!upload.sha256().equals(sha256))
                throw ApiException.badInput("sha256", "the body's SHA-256 is " + upload.sha256() + ", not the " + sha256 + " of the path: a damaged or different file");
            List<ValueInfo> declared;
            try {
                declared = MeasureModel.declaredInputs(upload.file());
            } catch (BadInputException e) {
                throw upload.refusal(e);
            }
            List<Input> inputs = new ArrayList<>();
            for (ValueInfo v : declared) inputs.add(new Input(v.name(), v.type().label(), v.shape() == null ? "?" : v.shape().toString()));
            try (InputStream in = Files.newInputStream(upload.file())) {
                return new Stored(sha256, upload.bytes(), List.copyOf(inputs), repo.storeModel(sha256, in, upload.bytes()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the uploaded model back", e);
            }
        });
    }

    /** The stored file's bytes; 404 naming {@code field} when no model has this hash. */
    public byte[] bytes(String sha256, String field) {
        checkSha(sha256, field);
        return repo.model(sha256).orElseThrow(() -> ApiException.notFound(field, "no model with SHA-256 " + sha256 + " (upload it with PUT /api/farm/models/SHA256)"));
    }

    /**
     * The stored model fed {@code inputs} ({@code NAME -> SHAPE}, for dynamic dimensions), as {@code halo measure --model}
     * would measure it: 404 naming {@code model} when it is not stored, 400 naming {@code inputs} when it cannot be fed.
     */
    Resolved resolve(String sha256, Map<String, String> inputs) {
        byte[] bytes = bytes(sha256, "model");
        List<String> specs = new ArrayList<>();
        if (inputs != null) inputs.forEach((name, shape) -> specs.add(name + "=" + shape));
        Map<String, TensorShape> given;
        try {
            given = DescribeModel.parseInputs(specs);
        } catch (BadInputException e) {
            throw ApiException.badInput("inputs", e.getMessage().replace("--input", "inputs"));
        }
        MeasureModel.Prepared p = inScratch(bytes, file -> MeasureModel.prepare(file, given), "inputs");
        Map<String, String> shapes = new LinkedHashMap<>();
        p.shapes().forEach((name, shape) -> shapes.put(name, shape.toString()));
        return new Resolved(sha256, p.identity(), shapes);
    }

    /** Runs {@code read} on the bytes written alone into a fresh folder; a refusal names {@code field} and the upload, never a server path. */
    private <T> T inScratch(byte[] bytes, java.util.function.Function<Path, T> read, String field) {
        Path dir = null;
        try {
            Files.createDirectories(scratch);
            dir = Files.createTempDirectory(scratch, "model-");
            Path file = Files.write(dir.resolve("model.onnx"), bytes);
            try {
                return read.apply(file);
            } catch (BadInputException e) {
                throw ApiException.badInput(field, e.getMessage().replace(file.toString(), "the model").replace(dir.toString(), "the model's folder"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model under " + scratch, e);
        } finally {
            if (dir != null) Leftovers.deleteRecursively(dir);
        }
    }

    static void checkSha(String sha256, String field) {
        if (sha256 == null || !sha256.matches(SHA256))
            throw ApiException.badInput(field, field + " must be a SHA-256 in lower-case hex (64 characters), got '" + sha256 + "'");
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
