package dev.halo.server.work;

import dev.halo.BadInputException;
import dev.halo.app.model.DescribeModel;
import dev.halo.graph.TensorShape;
import dev.halo.io.Leftovers;
import dev.halo.server.api.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Uploaded ONNX models (issue 16), on this server's disk only while the request that sent one runs: the body is
 * streamed into a fresh folder (a ResNet-50 is ~100 MB: never held in memory) under a limit of its own
 * ({@code --max-model-mb}, not the 8 MiB of CSV and JSON bodies), hashed on the way, handed to the use case, and
 * deleted when the request ends. Folders a killed server left behind are removed when the next one starts.
 *
 * <p>The file is written alone, under a fixed name whatever the client called it: external data it names cannot come
 * with it, and halo's reader refuses locations outside its folder ({@code ../…}, absolute) before reading anything.
 *
 * <p>At most {@value #CONCURRENT} uploads are on disk and being worked on at once (each has ONNX Runtime optimise a
 * whole model on this machine's cores); a request waits its turn before its body is read, then is refused with 503.
 */
public final class ModelUploads {
    /** Uploads worked on at once, describing and predicting together: each one has ONNX Runtime optimise a whole model. */
    static final int CONCURRENT = 2;

    /** Each upload's folder is {@code upload-PID-RANDOM}: a starting server knows which ones a dead process left. */
    private static final String PREFIX = "upload-";

    /**
     * An upload on disk for the length of one request.
     *
     * @param shown what the client called the file (for messages; never used as a path)
     */
    public record Upload(Path file, String shown, long bytes, String sha256) {
        /**
         * A reader's complaint about the upload as a 400: its messages start with the file's path, which the client knows
         * by its own name, and speak of the CLI's --input where the request has its {@code input} parameter.
         */
        public ApiException refusal(BadInputException e) {
            String m = e.getMessage().replace(file.toString(), shown).replace(file.getParent().toString(), "the upload's folder");
            return ApiException.badInput(m.contains("--input") ? "input" : "body", m.replace("--input", "input"));
        }
    }

    private final Path scratch;
    private final long maxBytes;
    private final String limitOption;
    private final long waitMs;
    private final Semaphore running = new Semaphore(CONCURRENT, true);

    /**
     * @param scratch  the folder uploads are written in (one fresh folder per upload); stale ones are removed now
     * @param maxBytes the largest model accepted ({@code --max-model-mb})
     * @param waitMs   how long a request may wait for its turn before 503 (shorter than the server's idle timeout, so
     *                 that the refusal reaches the client before the connection is dropped)
     */
    public ModelUploads(Path scratch, long maxBytes, long waitMs) {
        this(scratch, maxBytes, "--max-model-mb", waitMs);
    }

    /** @param limitOption the {@code halo serve} option that sets {@code maxBytes}, named when a model exceeds it */
    public ModelUploads(Path scratch, long maxBytes, String limitOption, long waitMs) {
        this.scratch = scratch;
        this.maxBytes = maxBytes;
        this.limitOption = limitOption;
        this.waitMs = waitMs;
        removeLeftovers();
    }

    /** Whether a request's Content-Type says its body is a model file rather than JSON. */
    public static boolean isModel(String contentType) {
        if (contentType == null) return false;
        String t = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return t.equals("application/octet-stream") || t.equals("application/onnx");
    }

    /** The request's {@code input=NAME=SHAPE} parameters (shapes for dynamic dimensions); 400 naming {@code input}. */
    public static Map<String, TensorShape> inputs(List<String> specs) {
        try {
            return DescribeModel.parseInputs(specs);
        } catch (BadInputException e) {
            throw ApiException.badInput("input", e.getMessage().replace("--input", "input"));
        }
    }

    /**
     * Streams {@code body} to disk, gives it to {@code work}, deletes it, and returns what {@code work} did. 413 when the
     * body is longer than the limit (by its Content-Length, {@code -1} when unknown, or while reading), 400 when it is
     * empty or breaks off, 503 when it waited too long for its turn.
     */
    public <T> T receive(String name, InputStream body, long contentLength, Function<Upload, T> work) {
        String shown = name == null || name.isBlank() ? "the upload" : name.strip();
        if (contentLength > maxBytes) throw tooLarge(contentLength + " bytes");
        awaitTurn();
        Path dir = null;
        try {
            Files.createDirectories(scratch);
            dir = Files.createDirectory(scratch.resolve(PREFIX + ProcessHandle.current().pid() + "-"
                    + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE)));
            Path file = dir.resolve("model.onnx");
            MessageDigest sha = sha256();
            long bytes = copy(body, file, sha);
            if (bytes == 0) throw ApiException.badInput("body", "the request body is empty: send the .onnx file's bytes");
            return work.apply(new Upload(file, shown, bytes, HexFormat.of().formatHex(sha.digest())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the uploaded model under " + scratch, e);
        } finally {
            if (dir != null) Leftovers.deleteRecursively(dir);
            running.release();
        }
    }

    private void awaitTurn() {
        try {
            if (running.tryAcquire(waitMs, TimeUnit.MILLISECONDS)) return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new ApiException(503, null, CONCURRENT + " uploaded models are being worked on and this one waited "
                + Math.round(waitMs / 1000.0) + " s for its turn; try again in a moment");
    }

    /** Copies the body into {@code file}, hashing it; stops at the limit. A body that breaks off is the client's (400). */
    private long copy(InputStream body, Path file, MessageDigest sha) throws IOException {
        long n = 0;
        byte[] buf = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (true) {
                int r;
                try {
                    r = body.read(buf);
                } catch (IOException e) {
                    throw ApiException.badInput("body", "the upload broke off after " + n + " bytes: " + e.getMessage());
                }
                if (r < 0) return n;
                n += r;
                if (n > maxBytes) throw tooLarge("more than " + maxBytes + " bytes");
                sha.update(buf, 0, r);
                out.write(buf, 0, r);
            }
        }
    }

    private ApiException tooLarge(String size) {
        return new ApiException(413, "body", "the model (" + size + ") exceeds the limit for uploaded models of " + maxBytes + " bytes ("
                + mib(maxBytes) + " MiB; halo serve " + limitOption + ")");
    }

    private static String mib(long bytes) {
        double m = bytes / (1024.0 * 1024.0);
        return m == Math.rint(m) ? Long.toString((long) m) : String.format(Locale.ROOT, "%.2f", m);
    }

    /**
     * Removes the upload folders of processes that are gone (a server killed mid-request), and any of this process's
     * own id (a restarted server can get the killed one's id; it has no uploads yet).
     */
    private void removeLeftovers() {
        if (!Files.isDirectory(scratch)) return;
        Leftovers.cleanPrefixed(scratch, PREFIX);
        try (DirectoryStream<Path> mine = Files.newDirectoryStream(scratch, PREFIX + ProcessHandle.current().pid() + "-*")) {
            for (Path p : mine) Leftovers.deleteRecursively(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + scratch + " to remove uploads a stopped server left", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
