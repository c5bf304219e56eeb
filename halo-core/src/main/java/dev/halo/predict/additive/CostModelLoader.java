package dev.halo.predict.additive;

import dev.halo.predict.LatencyModelLoader;
import dev.halo.predict.LatencyPredictor;
import java.nio.file.Path;

/** Reads op-costs device files ({@link CostModelFile}) for commands that take {@code --latency-model FILE}. */
public final class CostModelLoader implements LatencyModelLoader {
    @Override
    public String format() {
        return CostModelFile.FORMAT + " (op-costs fitted to one device, JSON)";
    }

    @Override
    public boolean accepts(Path file) {
        return LatencyModelLoader.declaresFormat(file, CostModelFile.FORMAT);
    }

    @Override
    public LatencyPredictor load(Path file) {
        return CostModelFile.load(file).predictor();
    }
}
