package dev.halo.search;

import dev.halo.space.Architecture;
import java.util.List;

/**
 * Scores every architecture of a fully enumerable space (NAS-Bench-201: all 15,625). With the measured latency
 * table as the constraint this is the oracle: the best any search could find.
 */
public final class ExhaustiveSearch {
    private ExhaustiveSearch() {}

    /** Scores all of {@code everything} in one batch per device. */
    public static <A extends Architecture> SearchResult<A> search(SearchProblem<A> problem, List<A> everything) {
        long start = System.nanoTime();
        Evaluator<A> eval = new Evaluator<>(problem, Math.max(1, everything.size()));
        eval.evaluateAll(everything);
        return eval.result("exhaustive", start);
    }
}
