package dev.halo.predict.additive;

import dev.halo.space.Architecture;
import java.util.List;
import java.util.Optional;

/**
 * A space's {@link CostFeatures} with groups of columns summed into one: fewer costs to fit, so a fit to a handful of
 * noisy latencies varies less, at the price of pricing the summed columns alike. FBNet: pointwise work (both
 * resolutions), depthwise work (both resolutions), blocks.
 *
 * @param fine   the full feature set
 * @param names  one name per group
 * @param groups per group, the {@code fine} columns it sums
 */
record CoarseCostFeatures(CostFeatures fine, List<String> names, List<int[]> groups) implements CostFeatures {
    CoarseCostFeatures {
        names = List.copyOf(names);
        groups = groups.stream().map(int[]::clone).toList();
        if (names.size() != groups.size()) throw new IllegalArgumentException(names.size() + " names for " + groups.size() + " groups");
    }

    /** The coarser set for {@code fine}, if the space has one (FBNet's block costs; NB201's four op counts are coarse already). */
    static Optional<CostFeatures> of(CostFeatures fine) {
        if (!(fine instanceof FbnetCostFeatures)) return Optional.empty();
        List<String> n = fine.names();
        return Optional.of(new CoarseCostFeatures(fine, List.of("pw", "dw", "blocks"), List.of(
                new int[] {n.indexOf("pw_full"), n.indexOf("pw_reduced")},
                new int[] {n.indexOf("dw_full"), n.indexOf("dw_reduced")},
                new int[] {n.indexOf("blocks")})));
    }

    @Override
    public List<int[]> groups() {
        return groups.stream().map(int[]::clone).toList();
    }

    @Override
    public String name() {
        return fine.name() + "-coarse";
    }

    @Override
    public String description() {
        return "coarse " + fine.name() + " (" + String.join(", ", names) + ")";
    }

    @Override
    public String space() {
        return fine.space();
    }

    @Override
    public double[] of(Architecture arch) {
        double[] f = fine.of(arch);
        double[] out = new double[groups.size()];
        for (int g = 0; g < out.length; g++)
            for (int c : groups.get(g)) out[g] += f[c];
        return out;
    }

    @Override
    public boolean nonNegativeCosts() {
        return fine.nonNegativeCosts();
    }

    @Override
    public boolean prunable(Architecture arch) {
        return fine.prunable(arch);
    }
}
