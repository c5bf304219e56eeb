package dev.halo.server.work;

import dev.halo.BadInputException;
import dev.halo.data.ArchCsv;
import dev.halo.server.api.ApiException;
import dev.halo.server.db.Repository;
import dev.halo.space.SearchSpace;
import dev.halo.space.Spaces;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * A CSV of measured latencies ({@code arch,latency_ms}, halo's sample format) into the database: read and checked by
 * halo's own CSV reader (errors name line and column), then stored in one transaction.
 */
public final class Uploads {
    private final Repository repo;
    private final Path dir;

    public Uploads(Repository repo, Path dataDir) {
        this.repo = repo;
        this.dir = dataDir.resolve("uploads");
    }

    public record Uploaded(String device, long deviceId, String space, int rows, int inserted, int skipped, String sha256) {}

    /** Stores the CSV's rows as round 1 of {@code device} (created if new); {@code space} null: recognised from the first arch. */
    public Uploaded csv(String device, String space, byte[] body) {
        if (device == null || !device.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"))
            throw ApiException.badInput("device", "device must be 1-64 letters, digits, '.', '_' or '-', got " + (device == null ? "nothing" : "'" + device + "'"));
        if (body.length == 0) throw ApiException.badInput("body", "the CSV is empty; send 'arch,latency_ms' and one row per architecture");
        if (new String(body, java.nio.charset.StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).count() < 2)
            throw ApiException.badInput("body", "the CSV has no rows (only a header line, or nothing); send 'arch,latency_ms' and one row per architecture");
        String sha = sha256(body);
        try {
            Files.createDirectories(dir);
            Path file = Files.createTempFile(dir, "upload-", ".csv");
            try {
                Files.write(file, body);
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
            throw new UncheckedIOException("cannot buffer the upload", e);
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
