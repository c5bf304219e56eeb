package dev.halo.search;

import dev.halo.BadInputException;
import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;
import java.util.List;

/**
 * What to search: a space, the accuracy to maximise, and the latency of one or more devices, each with an
 * optional budget that must all hold at once. The verifier reports true latencies of the result.
 *
 * @param accuracyTolerance how much accuracy (in the objective's units, e.g. points) the answer may give up for
 *     safety: among the feasible candidates within this much of the most accurate one, the one with the most
 *     room under its budgets is chosen (0: simply the most accurate). Predicted latencies near the budget are the
 *     ones most likely to be wrong, and the accuracy front is often flat near its top, so a small tolerance can buy
 *     a lot of room; see {@link Evaluator#result}.
 */
public record SearchProblem<A extends Architecture>(
        SearchSpace<A> space, AccuracyObjective<? super A> accuracy, List<LatencyConstraint> constraints, LatencyVerifier verifier,
        double accuracyTolerance) {
    public SearchProblem {
        constraints = List.copyOf(constraints);
        if (constraints.isEmpty()) throw new BadInputException("search needs at least one device latency (a predictor or a measured table)");
        for (LatencyConstraint c : constraints)
            if (!c.predictor().space().equals(space.name()))
                throw new BadInputException("latency predictor for " + c.device() + " is for space " + c.predictor().space() + ", not " + space.name());
        if (verifier == null) verifier = LatencyVerifier.none();
        if (!(accuracyTolerance >= 0) || Double.isInfinite(accuracyTolerance))
            throw new BadInputException("accuracy tolerance must be a finite number ≥ 0, got " + accuracyTolerance);
    }

    public SearchProblem(SearchSpace<A> space, AccuracyObjective<? super A> accuracy, List<LatencyConstraint> constraints, LatencyVerifier verifier) {
        this(space, accuracy, constraints, verifier, 0);
    }

    public SearchProblem(SearchSpace<A> space, AccuracyObjective<? super A> accuracy, List<LatencyConstraint> constraints) {
        this(space, accuracy, constraints, LatencyVerifier.none(), 0);
    }

    public SearchProblem<A> withConstraints(List<LatencyConstraint> newConstraints) {
        return new SearchProblem<>(space, accuracy, newConstraints, verifier, accuracyTolerance);
    }

    public SearchProblem<A> withAccuracyTolerance(double tolerance) {
        return new SearchProblem<>(space, accuracy, constraints, verifier, tolerance);
    }
}
