package dev.halo.search;

import dev.halo.stats.StudentT;
import dev.halo.BadInputException;
import dev.halo.predict.LatencyPredictor;
import dev.halo.space.Architecture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A safety margin for a few-shot predictor, calibrated only from the latencies that are known on the target
 * device: each known sample is left out in turn, the predictor is refitted on the rest and asked for the left-out
 * one, giving leave-one-out pairs (predicted, true). A {@link Rule} turns them into an {@link Adjustment} for a
 * budget: an optional correction of the point predictions and a margin (never below 0); a budget {@code B} then
 * admits architectures whose corrected prediction is at most {@code B / (1 + margin)}.
 *
 * @param rule how the pairs become the adjustment
 * @param looPredictedMs the leave-one-out predictions of the left-out samples, ms
 * @param looTrueMs their measured latencies, ms (same order)
 */
public record SafetyMargin(Rule rule, double[] looPredictedMs, double[] looTrueMs) {
    /**
     * What a rule makes of the calibration for one budget: predictions are multiplied by
     * {@code exp(intercept + slope · (ln predicted − centre))} (a recalibration line; all 0 leaves them as they
     * are), and the corrected prediction must fit {@code budget / (1 + margin)}.
     */
    public record Adjustment(double intercept, double slope, double centre, double margin) {
        public Adjustment {
            if (!(margin >= 0) || Double.isInfinite(margin)) throw new IllegalArgumentException("margin must be finite and ≥ 0, got " + margin);
        }

        /** A margin with no correction of the predictions. */
        public static Adjustment marginOnly(double margin) {
            return new Adjustment(0, 0, 0, Math.max(0, margin));
        }

        public boolean corrects() {
            return intercept != 0 || slope != 0;
        }

        /** The corrected prediction of one architecture, ms. */
        public double correct(double predictedMs) {
            return corrects() ? predictedMs * Math.exp(intercept + slope * (Math.log(predictedMs) - centre)) : predictedMs;
        }

        /** {@code predictor} with the correction applied (itself when there is none). */
        public LatencyPredictor apply(LatencyPredictor predictor) {
            if (!corrects()) return predictor;
            return new LatencyPredictor() {
                @Override
                public String space() {
                    return predictor.space();
                }

                @Override
                public double[] predictMs(List<? extends Architecture> archs) {
                    double[] p = predictor.predictMs(archs);
                    for (int i = 0; i < p.length; i++) p[i] = correct(p[i]);
                    return p;
                }
            };
        }
    }

    /** How leave-one-out pairs become the adjustment for a budget. */
    public sealed interface Rule {
        /**
         * @param looPredictedMs leave-one-out predictions of the known samples
         * @param looTrueMs their measured latencies
         * @param budgetMs the budget the search is about to use
         */
        Adjustment adjust(double[] looPredictedMs, double[] looTrueMs, double budgetMs);

        /**
         * Parses {@code quantile:Q}, {@code bound:C} or {@code trend:C}; a bare number is a bound confidence.
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
                throw new BadInputException(what + ": '" + text + "' is not quantile:Q, bound:C or trend:C (e.g. bound:0.99)");
            }
            return switch (kind) {
                case "quantile" -> new Quantile(v);
                case "bound" -> new PredictionBound(v);
                case "trend" -> new TrendBound(v);
                default -> throw new BadInputException(what + ": unknown margin rule '" + kind + "' (known: quantile, bound, trend)");
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

        public double marginFrom(double[] sortedRatios) {
            return quantileOfSorted(sortedRatios, q) - 1;
        }

        @Override
        public Adjustment adjust(double[] looPredictedMs, double[] looTrueMs, double budgetMs) {
            return Adjustment.marginOnly(marginFrom(sortedRatios(looPredictedMs, looTrueMs)));
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
        public Adjustment adjust(double[] looPredictedMs, double[] looTrueMs, double budgetMs) {
            return Adjustment.marginOnly(marginFrom(sortedRatios(looPredictedMs, looTrueMs)));
        }

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

    /**
     * A prediction bound around a recalibration line. Ridge-type few-shot predictors shrink towards the mean: they
     * over-predict fast architectures and under-predict slow ones, so the log ratio {@code ln(true / predicted)}
     * drifts with the predicted latency; a single margin then has to cover that drift as if it were noise, and is
     * off-centre at any particular budget. This rule fits {@code ln ratio = a + b (ln predicted − x̄)} to the
     * leave-one-out pairs, corrects every prediction by it, and takes the margin as the one-sided Student-t
     * prediction bound of the line's residuals at the budget ({@code n − 2} degrees of freedom, with the usual
     * {@code sqrt(1 + 1/n + (x₀ − x̄)² / Sxx)} widening at {@code x₀ = ln budget}).
     */
    public record TrendBound(double confidence) implements Rule {
        public TrendBound {
            if (!(confidence > 0.5 && confidence < 1)) throw new BadInputException("margin trend confidence must be in (0.5, 1), got " + confidence);
        }

        @Override
        public Adjustment adjust(double[] looPredictedMs, double[] looTrueMs, double budgetMs) {
            int n = looPredictedMs.length;
            if (n < 4) throw new BadInputException("margin rule " + this + " needs at least 4 left-out samples, got " + n);
            double[] x = new double[n], y = new double[n];
            double xBar = 0, yBar = 0;
            for (int i = 0; i < n; i++) {
                x[i] = Math.log(looPredictedMs[i]);
                y[i] = Math.log(looTrueMs[i] / looPredictedMs[i]);
                xBar += x[i] / n;
                yBar += y[i] / n;
            }
            double sxx = 0, sxy = 0;
            for (int i = 0; i < n; i++) {
                sxx += (x[i] - xBar) * (x[i] - xBar);
                sxy += (x[i] - xBar) * (y[i] - yBar);
            }
            double slope = sxx > 0 ? sxy / sxx : 0;
            double ss = 0;
            for (int i = 0; i < n; i++) {
                double r = y[i] - yBar - slope * (x[i] - xBar);
                ss += r * r;
            }
            double sd = Math.sqrt(ss / (n - 2));
            double x0 = Math.log(budgetMs);
            double widen = Math.sqrt(1 + 1.0 / n + (sxx > 0 ? (x0 - xBar) * (x0 - xBar) / sxx : 0));
            double margin = Math.exp(StudentT.quantile(confidence, n - 2) * sd * widen) - 1;
            return new Adjustment(yBar, slope, xBar, margin);
        }

        @Override
        public String toString() {
            return "trend:" + confidence;
        }
    }

    /** Refits the device's predictor from a subset of its known latencies (the few-shot adaptation step). */
    @FunctionalInterface
    public interface Refit<A extends Architecture> {
        LatencyPredictor fit(List<A> archs, double[] ms);
    }

    public SafetyMargin {
        if (looPredictedMs.length != looTrueMs.length) throw new IllegalArgumentException("predicted and true latencies differ in length");
        looPredictedMs = looPredictedMs.clone();
        looTrueMs = looTrueMs.clone();
    }

    @Override
    public double[] looPredictedMs() {
        return looPredictedMs.clone();
    }

    @Override
    public double[] looTrueMs() {
        return looTrueMs.clone();
    }

    /** The leave-one-out ratios {@code true / predicted}, sorted. */
    public double[] ratios() {
        return sortedRatios(looPredictedMs, looTrueMs);
    }

    /** The rule's adjustment for {@code budgetMs}. */
    public Adjustment at(double budgetMs) {
        return rule.adjust(looPredictedMs, looTrueMs, budgetMs);
    }

    static double[] sortedRatios(double[] predictedMs, double[] trueMs) {
        double[] r = new double[predictedMs.length];
        for (int i = 0; i < r.length; i++) r[i] = trueMs[i] / predictedMs[i];
        Arrays.sort(r);
        return r;
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
        double[] predicted = new double[ms.length - firstHeldOut];
        double[] truth = Arrays.copyOfRange(ms, firstHeldOut, ms.length);
        for (int out = firstHeldOut; out < ms.length; out++) {
            List<A> keep = new ArrayList<>(archs.size() - 1);
            double[] keepMs = new double[ms.length - 1];
            for (int i = 0, k = 0; i < ms.length; i++) {
                if (i == out) continue;
                keep.add(archs.get(i));
                keepMs[k++] = ms[i];
            }
            predicted[out - firstHeldOut] = refit.fit(keep, keepMs).predictMs(archs.get(out));
        }
        return new SafetyMargin(rule, predicted, truth);
    }

    /** Linear interpolation between order statistics (the common "type 7" definition). */
    static double quantileOfSorted(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
