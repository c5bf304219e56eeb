package dev.halo.predict.additive;

import dev.halo.BadInputException;
import dev.halo.kernel.ort.NchwcBlock;
import dev.halo.space.Architecture;
import dev.halo.space.FbnetSpace;
import dev.halo.space.Nb201Space;
import dev.halo.space.OfaSpace;
import dev.halo.space.SearchSpace;
import java.util.List;
import java.util.Optional;

/**
 * A handful of numbers per architecture whose weighted sum, plus a fixed cost, approximates the architecture's
 * latency on any device: the weights are the device's, the features are the space's. Few enough that a device's
 * weights can be fitted from the ~20 latencies a user measures on it.
 */
public interface CostFeatures {
    /** The feature set's name, as device model files record it ({@link CostModelFile}) and {@code --features} takes it. */
    String name();

    /** What the features count, in a few words (for reports). */
    String description();

    /** The search space whose architectures this understands. */
    String space();

    /** One name per feature, in {@link #of} order (for reports). */
    List<String> names();

    /** The feature values of {@code arch}. */
    double[] of(Architecture arch);

    /** Whether every cost, the fixed one included, must be ≥ 0 when fitted ({@link RobustCostFit}). */
    boolean nonNegativeCosts();

    /**
     * Whether a runtime may skip {@code arch}'s operations altogether because its output does not depend on its
     * input. Some runtimes prune such a network (pixel3 in HELP's tables: median 0.05 ms against 10.7 ms), so its
     * latency says nothing about the operation costs and can wreck a relative-error fit; designs do not choose it.
     */
    default boolean prunable(Architecture arch) {
        return false;
    }

    /**
     * The feature set called {@code name} for {@code space} ({@link #namesFor}), if there is one. NAS-Bench-201 has two:
     * {@code op-counts} ({@link #forSpace}) and {@code executed-kernels}, the kernels ONNX Runtime runs on an x86 CPU
     * ({@link Nb201ExecutedKernels}), for machines whose latencies were measured through it; OFA likewise has
     * {@code block-costs} and {@code executed-kernels} ({@link OfaCostFeatures#executedKernels}), and so has FBNet
     * ({@link FbnetExecutedKernels}) on an x86-64 CPU whose NCHWc block is known ({@link NchwcBlock}): its kernels
     * depend on that block, so there is no such set where it is unknown.
     */
    static Optional<CostFeatures> named(SearchSpace<?> space, String name) {
        if (space instanceof Nb201Space nb201 && name.equals(Nb201ExecutedKernels.NAME)) return Optional.of(Nb201ExecutedKernels.of(nb201.macro()));
        if (space instanceof OfaSpace ofa && name.equals(Nb201ExecutedKernels.NAME)) return Optional.of(OfaCostFeatures.executedKernels(ofa.macro()));
        if (space instanceof FbnetSpace fbnet && name.equals(Nb201ExecutedKernels.NAME))
            return fbnetBlock().map(block -> new FbnetExecutedKernels(fbnet.macro(), block));
        return forSpace(space).filter(f -> f.name().equals(name));
    }

    /** The names of {@code space}'s feature sets, its default ({@link #forSpace}) first. */
    static List<String> namesFor(SearchSpace<?> space) {
        List<String> names = new java.util.ArrayList<>(forSpace(space).map(f -> List.of(f.name())).orElse(List.of()));
        if (space instanceof Nb201Space || space instanceof OfaSpace || space instanceof FbnetSpace && fbnetBlock().isPresent())
            names.add(Nb201ExecutedKernels.NAME);
        return List.copyOf(names);
    }

    /** This machine's NCHWc block where FBNet's kernel model knows it (8 or 16). */
    private static Optional<Integer> fbnetBlock() {
        NchwcBlock.Detected block = NchwcBlock.ofThisMachine();
        return block.known() && (block.block() == 8 || block.block() == 16) ? Optional.of(block.block()) : Optional.empty();
    }

    /**
     * The cost features halo has for {@code space}, if any: the ones that describe any device (HELP's benchmark
     * devices were not measured through ONNX Runtime, so NAS-Bench-201's default is its op counts).
     */
    static Optional<CostFeatures> forSpace(SearchSpace<?> space) {
        if (space instanceof Nb201Space) return Optional.of(new Nb201OpCounts());
        if (space instanceof FbnetSpace fbnet) return Optional.of(new FbnetCostFeatures(fbnet.macro()));
        if (space instanceof OfaSpace ofa) return Optional.of(OfaCostFeatures.blockCosts(ofa.macro()));
        return Optional.empty();
    }

    /** The cost features of {@code space}; bad input naming {@code who} (e.g. "method op-costs") and the spaces that have some otherwise. */
    static CostFeatures require(SearchSpace<?> space, String who) {
        return forSpace(space).orElseThrow(() -> new BadInputException(
                who + " has no cost features for space '" + space.name() + "'; it supports: " + String.join(", ", spaces())));
    }

    /** Names of the spaces {@link #forSpace} knows, for error messages. */
    static List<String> spaces() {
        return List.of(Nb201Space.NAME, FbnetSpace.NAME, OfaSpace.NAME);
    }
}
