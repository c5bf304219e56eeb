package dev.halo.search;

/**
 * What a running search tells its caller as it scores architectures: how a caller shows progress, and how it stops a
 * search early, by throwing an unchecked exception from {@link #scored}; the search lets that exception through to its
 * caller unchanged and returns no result.
 */
@FunctionalInterface
public interface SearchProgress {
    /** Ignores progress, never stops a search. */
    SearchProgress NONE = (scored, budget) -> {};

    /**
     * {@code scored} distinct architectures of at most {@code budget} are scored. Called after every step of the search,
     * also after steps that only revisit scored architectures (a small space runs out of new ones long before a large
     * budget does), so that a caller who wants to stop is heard within one step. Calls are frequent: keep this cheap.
     */
    void scored(int scored, int budget);
}
