package dev.halo.predict.help;

import dev.halo.predict.LatencyModelLoader;
import dev.halo.predict.LatencyPredictor;
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
        return LatencyModelLoader.declaresFormat(file, HelpAdaptation.FORMAT);
    }

    @Override
    public LatencyPredictor load(Path file) {
        return HelpAdaptation.load(file);
    }
}
