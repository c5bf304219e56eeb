package dev.halo.predict.additive;

import dev.halo.predict.LatencyModelLoader;
import dev.halo.predict.LatencyPredictor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads op-costs device files ({@link CostModelFile}) for commands that take {@code --latency-model FILE}. */
public final class CostModelLoader implements LatencyModelLoader {
    @Override
    public String format() {
        return CostModelFile.FORMAT + " (op-costs fitted to one device, JSON)";
    }

    @Override
    public boolean accepts(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(4096), StandardCharsets.UTF_8).contains("\"" + CostModelFile.FORMAT + "\"");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public LatencyPredictor load(Path file) {
        return CostModelFile.load(file).predictor();
    }
}
