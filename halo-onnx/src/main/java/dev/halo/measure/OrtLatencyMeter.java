package dev.halo.measure;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.halo.BadInputException;
import dev.halo.onnx.OnnxNetwork;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Times architectures in ONNX Runtime: one session per architecture, warm-up runs, then timed runs until the
 * median is stable ({@link MeasureSettings#targetRelCi()}) or a cap on runs or time is reached.
 */
public final class OrtLatencyMeter implements LatencyMeter {
    private final MeasureSettings settings;
    private final Function<String, OnnxNetwork> exporter;
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();

    /**
     * @param exporter builds the network of a canonical architecture string at {@code settings.batch()}
     * @throws BadInputException if CUDA is asked for but this ONNX Runtime build does not have it
     */
    public OrtLatencyMeter(MeasureSettings settings, Function<String, OnnxNetwork> exporter) {
        if (settings.cuda() && !cudaAvailable())
            throw new BadInputException("the CUDA execution provider is not available in this ONNX Runtime build (providers: "
                    + OrtEnvironment.getAvailableProviders() + ")");
        this.settings = settings;
        this.exporter = exporter;
    }

    public static boolean cudaAvailable() {
        return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    }

    /** Session options for {@code settings}; the caller closes them. */
    public static OrtSession.SessionOptions sessionOptions(MeasureSettings settings) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(settings.intraOpThreads());
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setOptimizationLevel(settings.optimization().ortLevel());
        String spin = settings.spinning() ? "1" : "0";
        options.addConfigEntry("session.intra_op.allow_spinning", spin);
        options.addConfigEntry("session.inter_op.allow_spinning", spin);
        if (settings.cuda()) options.addCUDA(0);
        return options;
    }

    /** A fixed pseudo-random input of the network's shape. */
    static OnnxTensor input(OrtEnvironment env, OnnxNetwork net) throws OrtException {
        long[] shape = net.inputShape();
        float[] values = new float[Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact))];
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < values.length; i++) values[i] = (float) random.nextGaussian();
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(values), shape);
    }

    @Override
    public Outcome measure(String canonicalArch) {
        long start = System.nanoTime();
        try {
            OnnxNetwork net = exporter.apply(canonicalArch);
            try (OrtSession.SessionOptions options = sessionOptions(settings);
                    OrtSession session = env.createSession(net.bytes(), options);
                    OnnxTensor in = input(env, net)) {
                Map<String, OnnxTensor> feed = Map.of(net.inputName(), in);
                for (int i = 0; i < settings.warmupRuns(); i++) session.run(feed).close();
                double setupSeconds = (System.nanoTime() - start) / 1e9;
                if (setupSeconds > settings.timeoutSeconds())
                    return new Outcome.Failed(String.format(java.util.Locale.ROOT,
                            "session creation and warm-up took %.1f s, over the %.1f s timeout", setupSeconds, settings.timeoutSeconds()));
                return timedRuns(settings, session, feed);
            }
        } catch (OrtException | RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Outcome.Failed(message.lines().findFirst().orElse(message));
        }
    }

    /**
     * Times {@code session} on {@code feed} (after the caller's warm-up) until the median is stable or a cap is hit:
     * the stopping rule every halo measurement uses, architectures and model files alike.
     */
    public static Outcome timedRuns(MeasureSettings settings, OrtSession session, Map<String, OnnxTensor> feed) throws OrtException {
        double[] samples = new double[settings.maxRuns()];
        int n = 0;
        long loopStart = System.nanoTime();
        while (n < settings.maxRuns()) {
            long t0 = System.nanoTime();
            OrtSession.Result result = session.run(feed);
            long t1 = System.nanoTime();
            result.close();
            samples[n++] = (t1 - t0) / 1e6;
            if ((t1 - t0) / 1e9 > settings.timeoutSeconds())
                return new Outcome.Failed(String.format(java.util.Locale.ROOT,
                        "one run took %.1f s, over the %.1f s timeout", (t1 - t0) / 1e9, settings.timeoutSeconds()));
            if ((t1 - loopStart) / 1e9 >= settings.maxSecondsPerArch()) break;
            if (n >= settings.minRuns() && LatencyStats.of(Arrays.copyOf(samples, n)).medianRelCi() < settings.targetRelCi()) break;
        }
        return new Outcome.Measured(LatencyStats.of(Arrays.copyOf(samples, n)));
    }
}
