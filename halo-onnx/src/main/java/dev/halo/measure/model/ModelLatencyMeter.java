package dev.halo.measure.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.halo.graph.TensorShape;
import dev.halo.graph.ValueInfo;
import dev.halo.measure.LatencyMeter;
import dev.halo.measure.MeasureSettings;
import dev.halo.measure.OrtLatencyMeter;
import dev.halo.measure.Outcome;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Times one ONNX model file with the harness architectures use: a fresh session per round (created from the file,
 * so external data resolves next to it), warm-up runs, then {@link OrtLatencyMeter#timedRuns} until the median is
 * stable. The architecture string a campaign passes is the model's identity and is not needed here.
 */
public final class ModelLatencyMeter implements LatencyMeter {
    private final Path model;
    private final List<ValueInfo> declared;
    private final List<ValueInfo> inputs;
    private final Map<String, TensorShape> given;
    private final MeasureSettings settings;
    private final long seed;
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();

    /**
     * @param declared the inputs as the model declares them (for symbolic dimensions)
     * @param inputs the resolved input shapes to feed
     */
    public ModelLatencyMeter(Path model, List<ValueInfo> declared, List<ValueInfo> inputs, Map<String, TensorShape> given,
            MeasureSettings settings, long seed) {
        ModelInputs.requireFeedable(inputs);
        this.model = model;
        this.declared = List.copyOf(declared);
        this.inputs = List.copyOf(inputs);
        this.given = Map.copyOf(given);
        this.settings = settings;
        this.seed = seed;
    }

    @Override
    public Outcome measure(String identity) {
        long start = System.nanoTime();
        Map<String, OnnxTensor> feed = null;
        try (OrtSession.SessionOptions options = OrtLatencyMeter.sessionOptions(settings)) {
            ModelInputs.fixSymbols(options, declared, given);
            try (OrtSession session = env.createSession(model.toString(), options)) {
                feed = ModelInputs.random(env, inputs, seed);
                for (int i = 0; i < settings.warmupRuns(); i++) session.run(feed).close();
                double setup = (System.nanoTime() - start) / 1e9;
                if (setup > settings.timeoutSeconds())
                    return new Outcome.Failed(String.format(Locale.ROOT, "session creation and warm-up took %.1f s, over the %.1f s timeout",
                            setup, settings.timeoutSeconds()));
                return OrtLatencyMeter.timedRuns(settings, session, feed);
            }
        } catch (OrtException | RuntimeException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Outcome.Failed(m.lines().findFirst().orElse(m));
        } finally {
            if (feed != null) feed.values().forEach(OnnxTensor::close);
        }
    }
}
