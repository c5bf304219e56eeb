package dev.halo.space;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A neural-architecture search space as a value: parsing, sampling, editing, encoding and cost formulas.
 *
 * @param <A> the architecture type of this space
 */
public interface SearchSpace<A extends Architecture> {
    /** Short name used on the command line and in files: {@code nasbench201}, {@code fbnet}, {@code ofa}. */
    String name();

    /** Human description, one line. */
    String description();

    /** Number of distinct architectures (may be astronomically large; then {@link Double#POSITIVE_INFINITY} is not used, a double is). */
    double size();

    /**
     * Parses any accepted string form. Throws {@link dev.halo.BadInputException} whose message names the
     * offending position and the allowed values.
     */
    A parse(String text);

    /** Uniform random architecture. */
    A sample(RandomGenerator rng);

    /** One random valid edit of {@code arch} (never returns an equal architecture). */
    A mutate(A arch, RandomGenerator rng);

    /** All architectures one edit away. */
    List<A> neighbours(A arch);

    /** The flat feature vector a predictor consumes (HELP's one-hot layout for FBNet/OFA; flattened op one-hot for NB201). */
    double[] flatEncoding(A arch);

    /**
     * Multiply-accumulate count of one forward pass at batch 1, in millions ("MFLOPs" as NAS-Bench-201 and
     * once-for-all report them). Each space documents its counting convention, chosen to reproduce its
     * benchmark's own numbers.
     */
    double mflops(A arch);

    /** Trainable parameter count. */
    long params(A arch);

    /** Casts or re-parses an architecture of this space (throws BadInputException if it belongs to another space). */
    @SuppressWarnings("unchecked")
    default A cast(Architecture arch) {
        if (!arch.space().equals(name()))
            throw new dev.halo.BadInputException("architecture " + arch.canonical() + " is from space " + arch.space() + ", not " + name());
        return (A) arch;
    }
}
