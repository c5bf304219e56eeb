package dev.halo.search;

import dev.halo.BadInputException;
import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;
import java.util.List;

/**
 * What to search: a space, the accuracy to maximise, and the latency of one or more devices, each with an
 * optional budget that must all hold at once. The verifier reports true latencies of the result.
 */
public record SearchProblem<A extends Architecture>(
        SearchSpace<A> space, AccuracyObjective<? super A> accuracy, List<LatencyConstraint> constraints, LatencyVerifier verifier) {
    public SearchProblem {
        constraints = List.copyOf(constraints);
        if (constraints.isEmpty()) throw new BadInputException("search needs at least one device latency (a predictor or a measured table)");
        for (LatencyConstraint c : constraints)
            if (!c.predictor().space().equals(space.name()))
                throw new BadInputException("latency predictor for " + c.device() + " is for space " + c.predictor().space() + ", not " + space.name());
        if (verifier == null) verifier = LatencyVerifier.none();
    }

    public SearchProblem(SearchSpace<A> space, AccuracyObjective<? super A> accuracy, List<LatencyConstraint> constraints) {
        this(space, accuracy, constraints, LatencyVerifier.none());
    }

    public SearchProblem<A> withConstraints(List<LatencyConstraint> newConstraints) {
        return new SearchProblem<>(space, accuracy, newConstraints, verifier);
    }
}
