package dev.halo.search;

import dev.halo.space.Architecture;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/** A search strategy: given a problem, a budget of evaluations and a seed, the same answer every time. */
public interface SearchAlgorithm {
    /** Short name used on the command line: {@code random}, {@code evolution}, {@code nsga2}. */
    String name();

    /**
     * Searches {@code problem}, scoring at most {@code budget} distinct architectures.
     *
     * @throws dev.halo.BadInputException if {@code budget ≤ 0}
     */
    default <A extends Architecture> SearchResult<A> search(SearchProblem<A> problem, int budget, long seed) {
        return search(problem, budget, seed, SearchProgress.NONE);
    }

    /**
     * As {@link #search(SearchProblem, int, long)}, telling {@code progress} after every step; an exception thrown by
     * {@code progress} stops the search and reaches the caller (the same answer as without it otherwise).
     */
    <A extends Architecture> SearchResult<A> search(SearchProblem<A> problem, int budget, long seed, SearchProgress progress);

    /** The generator every algorithm draws from: one fixed algorithm so that a seed means the same thing on every JDK. */
    static RandomGenerator rng(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    /** The algorithm named on a command line. */
    static SearchAlgorithm byName(String name) {
        return switch (name) {
            case "random" -> new RandomSearch();
            case "evolution" -> new RegularizedEvolution();
            case "nsga2" -> new Nsga2Search();
            default -> throw new dev.halo.BadInputException("unknown search algorithm '" + name + "' (known: evolution, random, nsga2)");
        };
    }
}
