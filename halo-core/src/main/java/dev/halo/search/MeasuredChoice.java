package dev.halo.search;

import dev.halo.stats.StudentT;
import dev.halo.BadInputException;
import dev.halo.fewshot.FewShotTask;
import dev.halo.space.Architecture;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Function;

/**
 * Replaces a predicted choice by a measured one, spending a few measurements on the device. A few-shot predictor
 * is least trustworthy exactly where a budgeted search looks, at the budget: a safety margin buys certainty with
 * accuracy. Instead, candidates are measured one at a time, each time the one with the largest expected gain over
 * the most accurate architecture already known to meet the budget:
 * {@code P(true ≤ budget) × (accuracy − incumbent accuracy)}. The probability comes from the log ratios
 * {@code ln(true / predicted)} of the known samples (their leave-one-out calibration, Student-t as in
 * {@link SafetyMargin.PredictionBound}), and every measurement joins them. The answer is the most accurate
 * architecture whose <em>measured</em> latency meets the budget (a known sample counts); only if none does, the
 * caller's predicted choice stands, unverified.
 */
public final class MeasuredChoice {
    private MeasuredChoice() {}

    /** A candidate as the search saw it: its accuracy and its (uncorrected) predicted latency on the device. */
    public record Option<A extends Architecture>(A arch, double accuracy, double predictedMs) {
        /** {@code archs} with their accuracy and {@code predictedMs} (same order). */
        public static <A extends Architecture> List<Option<A>> of(List<A> archs, double[] predictedMs, AccuracyObjective<? super A> accuracy) {
            List<Option<A>> options = new ArrayList<>(archs.size());
            for (int i = 0; i < archs.size(); i++) options.add(new Option<>(archs.get(i), accuracy.accuracy(archs.get(i)), predictedMs[i]));
            return options;
        }
    }

    /** An architecture whose latency on the device is known (a sample or reference measurement). */
    public record Known<A extends Architecture>(A arch, double accuracy, double trueMs) {
        /** The task's known latencies (references and samples), rows resolved through {@code archsByRow}. */
        public static <A extends Architecture> List<Known<A>> of(FewShotTask task, List<A> archsByRow, AccuracyObjective<? super A> accuracy) {
            int[] rows = task.knownIndices();
            double[] ms = task.knownLatencies();
            List<Known<A>> known = new ArrayList<>(rows.length);
            for (int i = 0; i < rows.length; i++) known.add(new Known<>(archsByRow.get(rows[i]), accuracy.accuracy(archsByRow.get(rows[i])), ms[i]));
            return known;
        }
    }

    /**
     * One measurement the choice spent.
     *
     * @param feasibleProbability the probability of meeting the budget it was picked with
     * @param trueMs the measured latency, NaN if the measurement failed
     */
    public record Measurement(String arch, double accuracy, double predictedMs, double feasibleProbability, double trueMs) {}

    /**
     * The answer.
     *
     * @param arch the chosen architecture, null when nothing meets the budget by measurement and there was no fallback
     * @param certified whether {@code arch}'s latency on the device was measured (or known) to meet the budget
     * @param trueMs its measured latency (NaN for an uncertified fallback)
     * @param measurements what was measured, in order
     */
    public record Result<A extends Architecture>(A arch, double accuracy, double trueMs, boolean certified, List<Measurement> measurements) {
        public Result {
            measurements = List.copyOf(measurements);
        }
    }

    /**
     * @param options the candidates (e.g. every architecture the search scored)
     * @param known architectures whose latency on the device is already known
     * @param looPredictedMs leave-one-out predictions of the known samples (the calibration)
     * @param looTrueMs their measured latencies
     * @param budgetMs the budget
     * @param maxMeasurements how many measurements may be spent (≥ 1)
     * @param measure measures one architecture on the device (empty if it cannot be measured)
     * @param fallback the predicted choice to keep when no measured or known architecture meets the budget (may be null)
     */
    public static <A extends Architecture> Result<A> choose(List<Option<A>> options, List<Known<A>> known, double[] looPredictedMs, double[] looTrueMs,
            double budgetMs, int maxMeasurements, Function<A, OptionalDouble> measure, Option<A> fallback) {
        if (maxMeasurements < 1) throw new BadInputException("verification measurements must be ≥ 1, got " + maxMeasurements);
        if (!(budgetMs > 0) || Double.isInfinite(budgetMs)) throw new BadInputException("latency budget must be a finite number > 0 ms, got " + budgetMs);
        if (looPredictedMs.length != looTrueMs.length) throw new IllegalArgumentException("predicted and true latencies differ in length");
        if (looPredictedMs.length < 2) throw new BadInputException("measured choice needs at least 2 calibration samples, got " + looPredictedMs.length);
        List<Double> logRatios = new ArrayList<>();
        for (int i = 0; i < looPredictedMs.length; i++) logRatios.add(Math.log(looTrueMs[i] / looPredictedMs[i]));

        Set<String> done = new HashSet<>();
        A best = null;
        double bestAccuracy = Double.NEGATIVE_INFINITY, bestMs = Double.NaN;
        for (Known<A> k : known) {
            done.add(k.arch().canonical());
            if (k.trueMs() <= budgetMs && better(k.accuracy(), k.trueMs(), bestAccuracy, bestMs)) {
                best = k.arch();
                bestAccuracy = k.accuracy();
                bestMs = k.trueMs();
            }
        }
        double floor = options.stream().mapToDouble(Option::accuracy).min().orElse(0);
        List<Measurement> measurements = new ArrayList<>();
        while (measurements.size() < maxMeasurements) {
            double baseline = best != null ? bestAccuracy : floor;
            FeasibleProbability p = new FeasibleProbability(logRatios);
            Option<A> pick = null;
            double pickGain = 0, pickP = 0;
            for (Option<A> o : options) {
                if (o.accuracy() <= baseline || done.contains(o.arch().canonical())) continue;
                double prob = p.at(o.predictedMs(), budgetMs);
                double gain = prob * (o.accuracy() - baseline);
                if (gain > pickGain) {
                    pick = o;
                    pickGain = gain;
                    pickP = prob;
                }
            }
            if (pick == null) break;
            done.add(pick.arch().canonical());
            OptionalDouble ms = measure.apply(pick.arch());
            double trueMs = ms.isPresent() && ms.getAsDouble() > 0 ? ms.getAsDouble() : Double.NaN;
            measurements.add(new Measurement(pick.arch().canonical(), pick.accuracy(), pick.predictedMs(), pickP, trueMs));
            if (Double.isNaN(trueMs)) continue;
            logRatios.add(Math.log(trueMs / pick.predictedMs()));
            if (trueMs <= budgetMs && better(pick.accuracy(), trueMs, bestAccuracy, bestMs)) {
                best = pick.arch();
                bestAccuracy = pick.accuracy();
                bestMs = trueMs;
            }
        }
        if (best != null) return new Result<>(best, bestAccuracy, bestMs, true, measurements);
        if (fallback != null) return new Result<>(fallback.arch(), fallback.accuracy(), Double.NaN, false, measurements);
        return new Result<>(null, Double.NaN, Double.NaN, false, measurements);
    }

    private static boolean better(double accuracy, double ms, double bestAccuracy, double bestMs) {
        return accuracy > bestAccuracy || (accuracy == bestAccuracy && ms < bestMs);
    }

    /**
     * {@code P(ln(true / predicted) ≤ ln(budget / predicted))} for log ratios distributed like the observed ones:
     * Student-t with the sample mean and the prediction spread {@code s · sqrt(1 + 1/n)}, {@code n − 1} degrees of
     * freedom.
     */
    record FeasibleProbability(double mean, double scale, int df) {
        FeasibleProbability(List<Double> logRatios) {
            this(mean(logRatios), spread(logRatios), logRatios.size() - 1);
        }

        double at(double predictedMs, double budgetMs) {
            double x = Math.log(budgetMs / predictedMs) - mean;
            if (scale == 0) return x >= 0 ? 1 : 0;
            return StudentT.cdf(x / scale, df);
        }

        private static double mean(List<Double> xs) {
            return xs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        }

        private static double spread(List<Double> xs) {
            double m = mean(xs), ss = 0;
            for (double x : xs) ss += (x - m) * (x - m);
            int n = xs.size();
            return Math.sqrt(ss / (n - 1)) * Math.sqrt(1 + 1.0 / n);
        }
    }
}
