package dev.halo.predict.additive;

import dev.halo.space.Architecture;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A space's {@link CostFeatures} with groups of columns merged into one weighted sum: fewer costs to fit, so a fit to
 * a handful of noisy latencies varies less, at the price of pricing the merged columns in a fixed ratio. FBNet:
 * pointwise work (both resolutions), depthwise work (both resolutions), blocks. NAS-Bench-201: convolution work
 * (a 3×3 edge does 9 times the multiply-adds of a 1×1 edge on the same tensor) and parameter-free edges (skip, pool).
 *
 * @param fine    the full feature set
 * @param names   one name per merged feature
 * @param weights per merged feature, the weight of each {@code fine} column in it (0 where the column is not in it)
 */
record CoarseCostFeatures(CostFeatures fine, List<String> names, List<double[]> weights) implements CostFeatures {
    CoarseCostFeatures {
        names = List.copyOf(names);
        weights = weights.stream().map(double[]::clone).toList();
        if (names.size() != weights.size()) throw new IllegalArgumentException(names.size() + " names for " + weights.size() + " weight rows");
        for (double[] w : weights)
            if (w.length != fine.names().size()) throw new IllegalArgumentException(w.length + " weights for " + fine.names().size() + " fine columns");
    }

    /** The coarser set for {@code fine}, if the space has one (FBNet's block costs, NAS-Bench-201's op counts). */
    static Optional<CostFeatures> of(CostFeatures fine) {
        List<String> n = fine.names();
        if (fine instanceof FbnetCostFeatures) return Optional.of(new CoarseCostFeatures(fine, List.of("pw", "dw", "blocks"), List.of(
                row(n, Map.of("pw_full", 1.0, "pw_reduced", 1.0)), row(n, Map.of("dw_full", 1.0, "dw_reduced", 1.0)), row(n, Map.of("blocks", 1.0)))));
        if (fine instanceof Nb201OpCounts) return Optional.of(new CoarseCostFeatures(fine, List.of("conv_work", "parameter_free"), List.of(
                row(n, Map.of("conv1x1", 1.0, "conv3x3", 9.0)), row(n, Map.of("skip", 1.0, "avgpool", 1.0)))));
        return Optional.empty();
    }

    /** A weight row over {@code fine}'s columns, 0 where {@code weightByColumn} does not name one; a misspelt name fails at once. */
    private static double[] row(List<String> fine, Map<String, Double> weightByColumn) {
        double[] w = new double[fine.size()];
        weightByColumn.forEach((column, weight) -> {
            int c = fine.indexOf(column);
            if (c < 0) throw new IllegalStateException("no column '" + column + "' in " + fine);
            w[c] = weight;
        });
        return w;
    }

    @Override
    public List<double[]> weights() {
        return weights.stream().map(double[]::clone).toList();
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
        double[] out = new double[weights.size()];
        for (int g = 0; g < out.length; g++)
            for (int c = 0; c < f.length; c++) out[g] += weights.get(g)[c] * f[c];
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
