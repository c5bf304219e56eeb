package dev.halo.search;

import dev.halo.BadInputException;
import dev.halo.predict.LatencyPredictor;

/**
 * The latency of one device, as its predictor sees it, and the most the chosen architecture may take there.
 * An architecture satisfies the constraint when {@code predicted × (1 + margin) ≤ maxMs}: the margin is the
 * safety factor against an imperfect predictor (0 when the predictor is a measured table). An unconstrained
 * device ({@code maxMs = ∞}) is still a latency objective, e.g. for a Pareto front.
 *
 * @param device name of the device (a dataset column, or whatever the user calls it)
 * @param predictor its latency predictor
 * @param maxMs the budget in milliseconds, or {@link Double#POSITIVE_INFINITY}
 * @param margin relative safety margin, ≥ 0
 */
public record LatencyConstraint(String device, LatencyPredictor predictor, double maxMs, double margin) {
    public LatencyConstraint {
        if (device == null || device.isBlank()) throw new BadInputException("latency constraint: device name is empty");
        if (!(maxMs > 0)) throw new BadInputException("latency budget for " + device + " must be > 0 ms, got " + maxMs);
        if (!(margin >= 0) || Double.isInfinite(margin))
            throw new BadInputException("safety margin for " + device + " must be a finite number ≥ 0, got " + margin);
    }

    /** A budget without a safety margin. */
    public static LatencyConstraint of(String device, LatencyPredictor predictor, double maxMs) {
        return new LatencyConstraint(device, predictor, maxMs, 0);
    }

    /** Latency as an objective only (no budget). */
    public static LatencyConstraint unconstrained(String device, LatencyPredictor predictor) {
        return new LatencyConstraint(device, predictor, Double.POSITIVE_INFINITY, 0);
    }

    public boolean bounded() {
        return Double.isFinite(maxMs);
    }

    /** The highest predicted latency that still passes, {@code maxMs / (1 + margin)}. */
    public double effectiveMaxMs() {
        return maxMs / (1 + margin);
    }

    /** How far a predicted latency is over the effective budget, relative to it (0 when it passes). */
    public double violation(double predictedMs) {
        return bounded() ? Math.max(0, predictedMs / effectiveMaxMs() - 1) : 0;
    }
}
