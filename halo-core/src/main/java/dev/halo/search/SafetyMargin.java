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
 * one, giving leave-one-out ratios {@code true / predicted}. A {@link Rule} turns them into the margin (never below
 * 0); a budget {@code B} then admits architectures predicted at up to {@code B / (1 + margin)}.
 *
 * @param margin the relative margin, ≥ 0
 * @param rule how it was derived from the ratios
 * @param ratios the leave-one-out {@code true / predicted} ratios, sorted
 */
public record SafetyMargin(double margin, Rule rule, double[] ratios) {
    /** How leave-one-out ratios become a margin. */
    public sealed interface Rule {
        double marginFrom(double[] sortedRatios);

        /**
         * Parses {@code quantile:Q} or {@code bound:C}; a bare number is a bound confidence.
         *
         * @param what the option name, for the error message
         */
        static Rule parse(String text, String what) {
            String t = text.strip();
            int colon = t.indexOf(':');
            String kind = colon < 0 ? "bound" : t.substring(0, colon).strip();
            String number = colon < 0 ? t : t.substring(colon + 1).strip();
            double v;
            try {
                v = Double.parseDouble(number);
            } catch (NumberFormatException e) {
                throw new BadInputException(what + ": '" + text + "' is not quantile:Q or bound:C (e.g. bound:0.99)");
            }
            return switch (kind) {
                case "quantile" -> new Quantile(v);
                case "bound" -> new PredictionBound(v);
                default -> throw new BadInputException(what + ": unknown margin rule '" + kind + "' (known: quantile, bound)");
            };
        }
    }

    /**
     * The empirical quantile of the ratios (1 = the worst one seen). It cannot reach beyond the worst of a handful of
     * samples, so it under-covers when the samples are few.
     */
    public record Quantile(double q) implements Rule {
        public Quantile {
            if (!(q >= 0 && q <= 1)) throw new BadInputException("margin quantile must be in [0, 1], got " + q);
        }

        @Override
        public double marginFrom(double[] sortedRatios) {
            return quantileOfSorted(sortedRatios, q) - 1;
        }

        @Override
        public String toString() {
            return "quantile:" + q;
        }
    }

    /**
     * A one-sided Student-t prediction bound on the log ratio: with {@code n} leave-one-out log ratios of mean
     * {@code m} and standard deviation {@code s}, the next one stays below {@code m + t(C, n-1) s sqrt(1 + 1/n)} with
     * confidence {@code C} if the errors are log-normal. Unlike a quantile it extrapolates past the worst sample.
     */
    public record PredictionBound(double confidence) implements Rule {
        public PredictionBound {
            if (!(confidence > 0.5 && confidence < 1)) throw new BadInputException("margin bound confidence must be in (0.5, 1), got " + confidence);
        }

        @Override
        public double marginFrom(double[] sortedRatios) {
            int n = sortedRatios.length;
            double mean = 0;
            for (double r : sortedRatios) mean += Math.log(r);
            mean /= n;
            double ss = 0;
            for (double r : sortedRatios) ss += (Math.log(r) - mean) * (Math.log(r) - mean);
            double sd = Math.sqrt(ss / (n - 1));
            return Math.exp(mean + StudentT.quantile(confidence, n - 1) * sd * Math.sqrt(1 + 1.0 / n)) - 1;
        }

        @Override
        public String toString() {
            return "bound:" + confidence;
        }
    }

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
        return new SafetyMargin(0, new Quantile(1), new double[0]);
    }

    /**
     * Leave-one-out calibration.
     *
     * @param refit the adaptation step
     * @param archs the known architectures of the device
     * @param ms their measured latencies
     * @param firstHeldOut archs before this index stay in every refit (e.g. HELP's 10 reference architectures,
     *     which form the device's embedding); the ones from here on are left out in turn
     * @param rule how the ratios become the margin
     */
    public static <A extends Architecture> SafetyMargin leaveOneOut(Refit<A> refit, List<A> archs, double[] ms, int firstHeldOut, Rule rule) {
        if (archs.size() != ms.length) throw new IllegalArgumentException("archs and latencies differ in length");
        if (firstHeldOut < 0 || ms.length - firstHeldOut < 2)
            throw new BadInputException("margin calibration needs at least 2 samples to leave out, got " + (ms.length - firstHeldOut));
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
        return new SafetyMargin(Math.max(0, rule.marginFrom(ratios)), rule, ratios);
    }

    /** Linear interpolation between order statistics (the common "type 7" definition). */
    static double quantileOfSorted(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
