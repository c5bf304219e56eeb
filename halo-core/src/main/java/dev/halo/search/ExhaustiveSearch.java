package dev.halo.search;

import dev.halo.space.Architecture;
import java.util.List;

/**
 * Scores every architecture of a fully enumerable space (NAS-Bench-201: all 15,625). With the measured latency
 * table as the constraint this is the oracle: the best any search could find.
 */
public final class ExhaustiveSearch {
    /** Architectures per batch: large enough for the predictors' batch path, small enough that progress moves. */
    private static final int BATCH = 1024;

    private ExhaustiveSearch() {}

    /** Scores all of {@code everything}, a batch per device at a time. */
    public static <A extends Architecture> SearchResult<A> search(SearchProblem<A> problem, List<A> everything) {
        return search(problem, everything, SearchProgress.NONE);
    }

    /** As {@link #search(SearchProblem, List)}, telling {@code progress} after each batch (which may stop it by throwing). */
    public static <A extends Architecture> SearchResult<A> search(SearchProblem<A> problem, List<A> everything, SearchProgress progress) {
        long start = System.nanoTime();
        Evaluator<A> eval = new Evaluator<>(problem, Math.max(1, everything.size()), progress);
        for (int from = 0; from < everything.size(); from += BATCH)
            eval.evaluateAll(everything.subList(from, Math.min(everything.size(), from + BATCH)));
        return eval.result("exhaustive", start);
    }
}
