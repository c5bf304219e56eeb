package dev.halo.predict;

import dev.halo.space.Architecture;
import java.util.List;

/** Predicts the latency of architectures of one search space on one device, in milliseconds. */
public interface LatencyPredictor {
    /** The search space this predictor understands. */
    String space();

    /** Predicted latency of one architecture, ms. */
    default double predictMs(Architecture arch) {
        return predictMs(List.of(arch))[0];
    }

    /** Batch form: the fast path for scoring a whole space. */
    double[] predictMs(List<? extends Architecture> archs);

    /**
     * Prediction with a central interval at {@code level} (e.g. 0.8): {@code [lower, upper]} in ms. Predictors
     * without an uncertainty model return a zero-width interval.
     */
    default Prediction[] predictWithInterval(List<? extends Architecture> archs, double level) {
        double[] p = predictMs(archs);
        Prediction[] out = new Prediction[p.length];
        for (int i = 0; i < p.length; i++) out[i] = new Prediction(p[i], p[i], p[i]);
        return out;
    }

    /** A point prediction with an interval, all in ms. */
    record Prediction(double ms, double lowerMs, double upperMs) {}
}
