package dev.halo.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.halo.BadInputException;
import dev.halo.io.BoundedInputStream;
import dev.halo.io.Limits;
import dev.halo.io.SafeOutput;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
            String what = source + " (decompressed)";
            return JSON.readTree(new BoundedInputStream(gzip ? new GZIPInputStream(raw) : raw, Limits.MAX_MODEL_BYTES, gzip ? what : source.toString()));
        } catch (IOException e) {
            throw unreadable(source, e);
        }
    }

    /** Writes through a temporary file in the same folder and moves it into place, so a failed write leaves nothing behind. */
    public static void write(Path file, JsonNode doc) {
        write(file, doc, "--out");
    }

    /** As {@link #write(Path, JsonNode)}, through {@link SafeOutput}; {@code option} names the path in errors. */
    public static void write(Path file, JsonNode doc, String option) {
        boolean gz = file.getFileName() != null && file.getFileName().toString().endsWith(".gz");
        SafeOutput.write(file, option, out -> {
            OutputStream o = gz ? new GZIPOutputStream(out) : out;
            JSON.writer().without(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValue(o, doc);
            if (o instanceof GZIPOutputStream z) z.finish();
        });
    }

    private static BadInputException unreadable(Path file, IOException e) {
        return new BadInputException(file + ": not a readable JSON model file: " + (e.getClass().getSimpleName() + ": " + e.getMessage()).lines().findFirst().orElse(""));
    }
}
