package dev.halo.search;

import dev.halo.BadInputException;
import dev.halo.predict.LatencyPredictor;
import dev.halo.space.Architecture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A safety margin for a few-shot predictor, calibrated only from the latencies that are known on the target
 * device: each known sample is left out in turn, the predictor is refitted on the rest and asked for the left-out
 * one; the margin is how much the true latency exceeded the prediction at the chosen quantile of these
 * leave-one-out ratios ({@code true / predicted}), never below 0. A budget {@code B} then admits architectures
 * predicted at up to {@code B / (1 + margin)}.
 *
 * @param margin the relative margin, ≥ 0
 * @param quantile the quantile of the ratios it was taken at
 * @param ratios the leave-one-out {@code true / predicted} ratios, sorted
 */
public record SafetyMargin(double margin, double quantile, double[] ratios) {
    /** Refits the device's predictor from a subset of its known latencies (the few-shot adaptation step). */
    @FunctionalInterface
    public interface Refit<A extends Architecture> {
        LatencyPredictor fit(List<A> archs, double[] ms);
    }

    public SafetyMargin {
        ratios = ratios.clone();
    }

    /** No margin: for measured tables. */
    public static SafetyMargin none() {
        return new SafetyMargin(0, Double.NaN, new double[0]);
    }

    /**
     * Leave-one-out calibration.
     *
     * @param refit the adaptation step
     * @param archs the known architectures of the device
     * @param ms their measured latencies
     * @param firstHeldOut archs before this index stay in every refit (e.g. HELP's 10 reference architectures,
     *     which form the device's embedding); the ones from here on are left out in turn
     * @param quantile e.g. 0.9, or 1 for the worst case seen
     */
    public static <A extends Architecture> SafetyMargin leaveOneOut(Refit<A> refit, List<A> archs, double[] ms, int firstHeldOut, double quantile) {
        if (archs.size() != ms.length) throw new IllegalArgumentException("archs and latencies differ in length");
        if (firstHeldOut < 0 || ms.length - firstHeldOut < 2)
            throw new BadInputException("margin calibration needs at least 2 samples to leave out, got " + (ms.length - firstHeldOut));
        if (!(quantile >= 0 && quantile <= 1)) throw new BadInputException("margin quantile must be in [0, 1], got " + quantile);
        double[] ratios = new double[ms.length - firstHeldOut];
        for (int out = firstHeldOut; out < ms.length; out++) {
            List<A> keep = new ArrayList<>(archs.size() - 1);
            double[] keepMs = new double[ms.length - 1];
            for (int i = 0, k = 0; i < ms.length; i++) {
                if (i == out) continue;
                keep.add(archs.get(i));
                keepMs[k++] = ms[i];
            }
            double predicted = refit.fit(keep, keepMs).predictMs(archs.get(out));
            ratios[out - firstHeldOut] = ms[out] / predicted;
        }
        Arrays.sort(ratios);
        return new SafetyMargin(Math.max(0, quantileOfSorted(ratios, quantile) - 1), quantile, ratios);
    }

    /** Linear interpolation between order statistics (the common "type 7" definition). */
    static double quantileOfSorted(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
