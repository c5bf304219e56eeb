package dev.halo.search;

import dev.halo.BadInputException;
import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;

/**
 * An architecture as a fixed-length vector of small integers (gene {@code i} in {@code 0..cardinalities()[i]-1}),
 * the genotype that NSGA-II's crossover and mutation work on. Every vector must decode to a valid architecture.
 */
public interface IntegerEncoding<A extends Architecture> {
    /** Number of values of each gene. */
    int[] cardinalities();

    A decode(int[] genes);

    /**
     * The encoding of a space: the space itself if it implements this interface, else a built-in one for the
     * built-in spaces (NAS-Bench-201, FBNet, OFA).
     */
    @SuppressWarnings("unchecked")
    static <A extends Architecture> IntegerEncoding<A> of(SearchSpace<A> space) {
        if (space instanceof IntegerEncoding<?> own) return (IntegerEncoding<A>) own;
        IntegerEncoding<A> builtIn = SpaceEncodings.of(space);
        if (builtIn != null) return builtIn;
        throw new BadInputException("NSGA-II has no integer encoding for space " + space.name() + "; use --algorithm evolution or random");
    }
}
