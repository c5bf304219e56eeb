package dev.halo.predict.help;

import dev.halo.predict.LatencyModelLoader;
import dev.halo.predict.LatencyPredictor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads HELP predictors adapted to one device ({@link HelpAdaptation#save}) for commands that take
 * {@code --latency-model FILE}, e.g. {@code halo search}. Registered as a {@link LatencyModelLoader} service.
 */
public final class AdaptedHelpModelLoader implements LatencyModelLoader {
    @Override
    public String format() {
        return HelpAdaptation.FORMAT + " (HELP adapted to one device, JSON)";
    }

    @Override
    public boolean accepts(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(4096), StandardCharsets.UTF_8).contains("\"" + HelpAdaptation.FORMAT + "\"");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public LatencyPredictor load(Path file) {
        return HelpAdaptation.load(file);
    }
}
