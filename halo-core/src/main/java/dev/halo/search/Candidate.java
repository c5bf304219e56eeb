package dev.halo.search;

import dev.halo.space.Architecture;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One evaluated architecture: its accuracy objective, its predicted latency per constrained device (in the
 * problem's constraint order), whether it meets every budget, and — once verified — its true latencies
 * ({@link Double#NaN} where unknown).
 *
 * @param arch the architecture
 * @param accuracy the accuracy objective's value (higher is better)
 * @param predictedMs predicted latency per device, ms
 * @param violation summed relative excess over the effective budgets (0 when feasible)
 * @param trueMs true latency per device, ms, NaN where unknown; all NaN until {@link #verified}
 */
public record Candidate<A extends Architecture>(A arch, double accuracy, List<Double> predictedMs, double violation, List<Double> trueMs) {
    public Candidate {
        predictedMs = List.copyOf(predictedMs);
        trueMs = List.copyOf(trueMs);
        if (trueMs.size() != predictedMs.size()) throw new IllegalArgumentException("trueMs and predictedMs differ in length");
    }

    static <A extends Architecture> Candidate<A> unverified(A arch, double accuracy, double[] predictedMs, double violation) {
        List<Double> p = new ArrayList<>(predictedMs.length);
        for (double v : predictedMs) p.add(v);
        return new Candidate<>(arch, accuracy, p, violation, Collections.nCopies(p.size(), Double.NaN));
    }

    public boolean feasible() {
        return violation == 0;
    }

    /** Predicted latency on the i-th constrained device. */
    public double predictedMs(int device) {
        return predictedMs.get(device);
    }

    /** True latency on the i-th constrained device, NaN if unknown. */
    public double trueMs(int device) {
        return trueMs.get(device);
    }

    /** This candidate with its true latencies filled in from {@code verifier}. */
    public Candidate<A> verified(List<LatencyConstraint> constraints, LatencyVerifier verifier) {
        List<Double> t = new ArrayList<>(constraints.size());
        for (LatencyConstraint c : constraints) t.add(verifier.trueMs(c.device(), arch).orElse(Double.NaN));
        return new Candidate<>(arch, accuracy, predictedMs, violation, t);
    }
}
