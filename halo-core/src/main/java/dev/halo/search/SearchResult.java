package dev.halo.search;

import dev.halo.space.Architecture;
import java.util.List;
import java.util.Locale;

/**
 * What a search found.
 *
 * @param algorithm the algorithm's name
 * @param constraints the device latencies it searched under (the order of every latency list)
 * @param best the most accurate architecture that meets every budget, verified; null if none was found
 * @param closest when nothing met the budgets: the evaluated architecture closest to meeting them (for a single
 *     device, the fastest reachable one), verified; null otherwise
 * @param front the non-dominated evaluated architectures (accuracy up, every predicted latency down), most
 *     accurate first, verified
 * @param evaluated every architecture scored, in evaluation order (not verified)
 * @param evaluations distinct architectures scored
 * @param seconds wall-clock time of the search
 */
public record SearchResult<A extends Architecture>(
        String algorithm, List<LatencyConstraint> constraints, Candidate<A> best, Candidate<A> closest, List<Candidate<A>> front,
        List<Candidate<A>> evaluated, int evaluations, double seconds) {
    public SearchResult {
        constraints = List.copyOf(constraints);
        front = List.copyOf(front);
        evaluated = List.copyOf(evaluated);
    }

    public boolean feasible() {
        return best != null;
    }

    /** The one-line explanation when no architecture met the budgets, naming the fastest reachable latency. */
    public String infeasibleMessage() {
        if (feasible()) throw new IllegalStateException("the search found a feasible architecture");
        StringBuilder sb = new StringBuilder("no architecture meets the latency budget");
        sb.append(constraints.size() > 1 ? "s " : " ");
        StringBuilder reach = new StringBuilder();
        boolean first = true;
        for (int j = 0; j < constraints.size(); j++) {
            LatencyConstraint c = constraints.get(j);
            if (!c.bounded()) continue;
            sb.append(first ? "(" : ", ").append(c.device()).append(" ≤ ").append(ms(c.maxMs()));
            if (c.margin() > 0) sb.append(String.format(Locale.ROOT, " with a %.1f %% safety margin", 100 * c.margin()));
            reach.append(first ? "" : ", ").append(c.device()).append(' ').append(ms(closest.predictedMs(j))).append(" predicted");
            if (!Double.isNaN(closest.trueMs(j))) reach.append(" (").append(ms(closest.trueMs(j))).append(" true)");
            first = false;
        }
        sb.append(") among ").append(evaluations).append(" evaluated architectures; fastest reachable: ").append(reach);
        if (tooTightToCertify())
            sb.append("; it is predicted under the bare budget, so the budget may be feasible but is too tight to certify with the known samples")
                    .append(" (measure more, or accept a smaller margin knowingly)");
        return sb.toString();
    }

    /**
     * When nothing passed: whether the fastest reachable architecture is predicted within every bare budget and
     * only the safety margin rejects it, i.e. the predictor's known errors are too large to certify the budget.
     */
    public boolean tooTightToCertify() {
        if (feasible()) return false;
        boolean marginMatters = false;
        for (int j = 0; j < constraints.size(); j++) {
            LatencyConstraint c = constraints.get(j);
            if (!c.bounded()) continue;
            if (closest.predictedMs(j) > c.maxMs()) return false;
            marginMatters |= c.margin() > 0;
        }
        return marginMatters;
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.3g ms", v);
    }
}
