package dev.halo.predict.help;

import dev.halo.BadInputException;
import dev.halo.predict.LatencyPredictor;
import dev.halo.predict.LeaveOneOutPredictor;
import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;
import dev.halo.space.Spaces;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Prediction intervals from held-out errors on the device itself (split-conformal style): each support
 * arch is predicted by a model adapted without it, the absolute log-ratios |ln(measured / predicted)| are
 * ranked, and the {@code ceil((n + 1) level)}-th smallest becomes a multiplicative half-width around every
 * prediction. If the support archs are a random draw of the archs being predicted, the interval covers the
 * true latency with probability at least {@code level}. Costs n extra adaptations (z at its posterior mean).
 */
public final class LeaveOneOutInterval {
    private LeaveOneOutInterval() {}

    /** The multiplicative half-width {@code exp(q)} for {@code level}. */
    public static double factor(AdaptedHelpPredictor predictor, double level) {
        HelpAdaptation.Record r = predictor.record();
        int n = r.sampleArchs().size();
        int k = (int) Math.ceil((n + 1) * level);
        if (k > n)
            throw new BadInputException("a leave-one-out interval (--interval loo) at level " + level + " needs at least " + (int) Math.ceil(level / (1 - level))
                    + " support archs, the model was adapted from " + n);
        double[] held = heldOutPredictions(predictor);
        double[] residual = new double[n];
        for (int i = 0; i < n; i++) {
            // the predictor's level calibration applies to its held-out predictions too: the interval is around what it predicts
            double predicted = predictor.levelFactor() * held[i];
            residual[i] = predicted > 0 ? Math.abs(Math.log(r.sampleMs()[i] / predicted)) : Double.POSITIVE_INFINITY;
        }
        Arrays.sort(residual);
        return Math.exp(LeaveOneOutPredictor.jackknifeHalfWidth(residual, level));
    }

    /**
     * Each support arch of {@code predictor} predicted by the model adapted without it (z at its posterior mean; no level
     * calibration applied), in the order of {@link HelpAdaptation.Record#sampleArchs}.
     */
    public static double[] heldOutPredictions(AdaptedHelpPredictor predictor) {
        HelpAdaptation.Record r = predictor.record();
        int n = r.sampleArchs().size();
        SearchSpace<?> space = Spaces.byName(predictor.space());
        List<Architecture> archs = new ArrayList<>(n);
        for (String a : r.sampleArchs()) archs.add(space.parse(a));
        HelpModelFile.Stored base = new HelpModelFile.Stored(predictor.base(), r.model());
        HelpAdaptation.Options options = new HelpAdaptation.Options(0, r.options().seed());
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            List<Architecture> rest = new ArrayList<>(archs);
            rest.remove(i);
            double[] ms = new double[n - 1];
            for (int j = 0, m = 0; j < n; j++) if (j != i) ms[m++] = r.sampleMs()[j];
            out[i] = HelpAdaptation.adapt(base, r.device(), r.referenceMs(), rest, ms, options).predictMs(archs.get(i));
        }
        return out;
    }

    /**
     * {@code predictor} answering {@link LatencyPredictor#predictWithInterval} with leave-one-out intervals (each level's
     * factor computed once, on first use); levels that its support archs are too few for get zero-width intervals,
     * i.e. no uncertainty claim, instead of an error.
     */
    public static LatencyPredictor wrap(AdaptedHelpPredictor predictor) {
        java.util.Map<Double, Double> factors = new java.util.concurrent.ConcurrentHashMap<>();
        int n = predictor.record().sampleArchs().size();
        return new LatencyPredictor() {
            @Override
            public String space() {
                return predictor.space();
            }

            @Override
            public double[] predictMs(List<? extends Architecture> archs) {
                return predictor.predictMs(archs);
            }

            @Override
            public Prediction[] predictWithInterval(List<? extends Architecture> archs, double level) {
                if (Math.ceil((n + 1) * level) > n) return LatencyPredictor.super.predictWithInterval(archs, level);
                return predict(predictor, archs, factors.computeIfAbsent(level, l -> factor(predictor, l)));
            }
        };
    }

    public static LatencyPredictor.Prediction[] predict(LatencyPredictor predictor, List<? extends Architecture> archs, double factor) {
        double[] p = predictor.predictMs(archs);
        LatencyPredictor.Prediction[] out = new LatencyPredictor.Prediction[p.length];
        for (int i = 0; i < p.length; i++) out[i] = new LatencyPredictor.Prediction(p[i], p[i] / factor, p[i] * factor);
        return out;
    }
}
