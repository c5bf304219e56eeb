package dev.halo.server.work;

import dev.halo.BadInputException;
import dev.halo.data.ArchCsv;
import dev.halo.io.Leftovers;
import dev.halo.server.api.ApiException;
import dev.halo.server.db.Repository;
import dev.halo.space.SearchSpace;
import dev.halo.space.Spaces;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A CSV of measured latencies ({@code arch,latency_ms}, halo's sample format) into the database: streamed to a file
 * under the size limit (never held in memory whole), read and checked by halo's own CSV reader (errors name line and
 * column), then stored in one transaction, so a refused, broken-off or killed upload stores nothing. The file lives
 * only while the request runs; those a killed server left behind are removed when the next one starts.
 */
public final class Uploads {
    /** Each upload's file is {@code upload-PID-RANDOM.csv}: a starting server knows which ones a dead process left. */
    private static final String PREFIX = "upload-";

    private final Repository repo;
    private final Path dir;

    public Uploads(Repository repo, Path dataDir) {
        this.repo = repo;
        this.dir = dataDir.resolve("uploads");
        if (Files.isDirectory(dir)) Leftovers.cleanPrefixed(dir, PREFIX);
    }

    public record Uploaded(String device, long deviceId, String space, int rows, int inserted, int skipped, String sha256) {}

    /**
     * Stores the CSV {@code body} streams (at most {@code maxBytes}) as round 1 of {@code device} (created if new);
     * {@code space} null: recognised from the first arch. 413 naming {@code body} past the limit, 400 when it is empty,
     * has no rows, breaks off or does not parse.
     */
    public Uploaded csv(String device, String space, InputStream body, long maxBytes) {
        if (device == null || !device.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"))
            throw ApiException.badInput("device", "device must be 1-64 letters, digits, '.', '_' or '-', got " + (device == null ? "nothing" : "'" + device + "'"));
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(PREFIX + ProcessHandle.current().pid() + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + ".csv");
            try {
                String sha = copy(body, file, maxBytes);
                if (Files.size(file) == 0) throw ApiException.badInput("body", "the CSV is empty; send 'arch,latency_ms' and one row per architecture");
                try (Stream<String> lines = Files.lines(file)) {
                    if (lines.filter(l -> !l.isBlank()).limit(2).count() < 2)
                        throw ApiException.badInput("body", "the CSV has no rows (only a header line, or nothing); send 'arch,latency_ms' and one row per architecture");
                } catch (UncheckedIOException e) {
                    throw ApiException.badInput("body", "the CSV is not UTF-8 text: " + e.getCause().getMessage());
                }
                SearchSpace<?> sp;
                if (space != null) {
                    try {
                        sp = Spaces.byName(space);
                    } catch (BadInputException e) {
                        throw ApiException.badInput("space", e.getMessage());
                    }
                } else {
                    try {
                        sp = ArchCsv.spaceOfFirstArch(file).orElseThrow(() -> ApiException.badInput("body",
                                "line 2, column 'arch': not an architecture of any known space (" + Spaces.names() + "); give ?space="));
                    } catch (BadInputException e) {
                        throw ApiException.badInput("body", e.getMessage().replace(file.toString(), "the CSV"));
                    }
                }
                List<ArchCsv.Sample> samples;
                try {
                    samples = ArchCsv.samples(file, sp);
                } catch (BadInputException e) {
                    throw ApiException.badInput("body", e.getMessage().replace(file.toString(), "the CSV"));
                }
                String at = Instant.now().toString();
                List<Repository.NewMeasurement> rows = samples.stream()
                        .map(s -> Repository.NewMeasurement.latency(sp.name(), s.arch().canonical(), 1, s.ms(), at)).toList();
                long id = repo.deviceId(device);
                Repository.Stored stored = repo.addMeasurements(id, "upload sha256:" + sha, rows);
                return new Uploaded(device, id, sp.name(), rows.size(), stored.inserted(), stored.skipped(), sha);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the upload under " + dir, e);
        }
    }

    /** Copies the body into {@code file} (new), hashing it; 413 past {@code maxBytes}; a body that breaks off is the client's (400). */
    private static String copy(InputStream body, Path file, long maxBytes) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
        long n = 0;
        byte[] buf = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int r; ; ) {
                try {
                    r = body.read(buf);
                } catch (IOException e) {
                    throw ApiException.badInput("body", "the upload broke off after " + n + " bytes: " + e.getMessage());
                }
                if (r < 0) return HexFormat.of().formatHex(sha.digest());
                n += r;
                if (n > maxBytes) throw ApiException.tooLarge(-1, maxBytes);
                sha.update(buf, 0, r);
                out.write(buf, 0, r);
            }
        }
    }
}
