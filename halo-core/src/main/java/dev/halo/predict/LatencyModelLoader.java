package dev.halo.predict;

import dev.halo.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Turns a saved latency-model file (e.g. a predictor adapted to one device) into a {@link LatencyPredictor}.
 * Implementations register with {@link ServiceLoader} ({@code META-INF/services/dev.halo.predict.LatencyModelLoader}),
 * so that commands such as {@code halo search --latency-model FILE} accept every model format on the class path
 * without knowing any of them.
 */
public interface LatencyModelLoader {
    /** Short name of the file format, for messages, e.g. {@code help-adapted}. */
    String format();

    /** Whether this loader recognises the file (a cheap check: extension, magic bytes or a header). */
    boolean accepts(Path file);

    /** Loads the model; a broken file is a {@link BadInputException} naming the file and what is wrong. */
    LatencyPredictor load(Path file);

    /**
     * Whether {@code file} is a JSON model file declaring {@code "format": "<format>"} near its start (a cheap check for
     * {@link #accepts}: the first 4 KiB are read, nothing is parsed); false if it cannot be read.
     */
    static boolean declaresFormat(Path file, String format) {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8).contains("\"" + format + "\"");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The loaders on the class path, in service-file order. */
    static List<LatencyModelLoader> installed() {
        return ServiceLoader.load(LatencyModelLoader.class).stream().map(ServiceLoader.Provider::get).toList();
    }

    /** Loads {@code file} with the first installed loader that accepts it. */
    static LatencyPredictor loadAny(Path file) {
        if (!Files.isRegularFile(file)) throw new BadInputException(file + ": latency model file not found");
        List<LatencyModelLoader> loaders = installed();
        for (LatencyModelLoader l : loaders) if (l.accepts(file)) return l.load(file);
        String known = loaders.isEmpty() ? "none installed" : loaders.stream().map(LatencyModelLoader::format).collect(Collectors.joining(", "));
        throw new BadInputException(file + ": not a latency model file this halo can read (known formats: " + known + ")");
    }
}
