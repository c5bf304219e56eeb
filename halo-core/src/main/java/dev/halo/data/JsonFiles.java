package dev.halo.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.halo.BadInputException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** halo's JSON model files: plain or gzip (by content when read, by a {@code .gz} name when written), written atomically. */
public final class JsonFiles {
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonFiles() {}

    /** The document in {@code file}; an unreadable or malformed file is a {@link BadInputException} naming it. */
    public static JsonNode read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /** The document in a stream (e.g. a class-path resource); {@code source} names it in error messages. */
    public static JsonNode read(InputStream in, Path source) {
        try {
            InputStream raw = new BufferedInputStream(in);
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            return JSON.readTree(gzip ? new GZIPInputStream(raw) : raw);
        } catch (IOException e) {
            throw unreadable(source, e);
        }
    }

    /** Writes through a temporary file in the same folder and moves it into place, so a failed write leaves nothing behind. */
    public static void write(Path file, JsonNode doc) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try {
                if (file.getFileName().toString().endsWith(".gz")) {
                    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp))) {
                        JSON.writeValue(out, doc);
                    }
                } else JSON.writeValue(tmp.toFile(), doc);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static BadInputException unreadable(Path file, IOException e) {
        return new BadInputException(file + ": not a readable JSON model file: " + (e.getClass().getSimpleName() + ": " + e.getMessage()).lines().findFirst().orElse(""));
    }
}
