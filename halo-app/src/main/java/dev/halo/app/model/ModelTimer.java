package dev.halo.app.model;

import dev.halo.BadInputException;
import dev.halo.graph.TensorShape;
import dev.halo.measure.MeasureSettings;
import dev.halo.measure.Outcome;
import java.nio.file.Path;
import java.util.Map;

/**
 * Times one round of an ONNX model file on this machine with the harness of {@code halo measure --model}
 * ({@link MeasureModel}: a fresh session, warm-up, timed runs until the median is stable or a cap is hit, random
 * inputs from seed 0). Used by farm agents, for which a round is one task.
 */
public final class ModelTimer {
    /** The model's identity as {@link MeasureModel} stores it, and the outcome of timing it. */
    public record Timed(String identity, Outcome outcome) {}

    /**
     * Times {@code model} fed {@code inputs} under {@code settings}. A model that cannot be read or fed comes back as a
     * failed outcome (the agent reports it like any failed measurement), never as an exception.
     */
    public Timed measure(Path model, Map<String, TensorShape> inputs, MeasureSettings settings) {
        MeasureModel.Prepared p;
        try {
            p = MeasureModel.prepare(model, inputs);
        } catch (BadInputException e) {
            return new Timed(null, new Outcome.Failed(e.getMessage().lines().findFirst().orElse("cannot read the model")));
        }
        return new Timed(p.identity(), p.meter(settings, 0).measure(p.identity()));
    }
}
