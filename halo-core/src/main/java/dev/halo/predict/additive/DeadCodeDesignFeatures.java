package dev.halo.predict.additive;

import dev.halo.space.Architecture;
import dev.halo.space.Nb201Space;
import java.util.List;

/**
 * What {@code --selection cost-optimal-dce} spreads its samples over on NAS-Bench-201: the op counts plus the number of
 * operations a dead-code-removing runtime skips ({@link Nb201LiveOpCounts#deadOps}). The plain op-count design picks
 * about 1.7 samples with dead operations out of 10, too few for {@link DeadCodeCostMethod} to tell the two kinds of
 * runtime apart; this one picks about 3, at no cost to the op-count fit (beyond.md, session 9). A design feature set
 * only: not offered as a cost model of its own.
 */
public record DeadCodeDesignFeatures() implements CostFeatures {
    private static final Nb201OpCounts OPS = new Nb201OpCounts();

    @Override
    public String name() {
        return "op-counts+dead-ops";
    }

    @Override
    public String description() {
        return OPS.description() + ", plus how many of those operations feed only dead nodes";
    }

    @Override
    public String space() {
        return Nb201Space.NAME;
    }

    @Override
    public boolean nonNegativeCosts() {
        return false;
    }

    @Override
    public boolean prunable(Architecture arch) {
        return OPS.prunable(arch);
    }

    @Override
    public List<String> names() {
        List<String> names = new java.util.ArrayList<>(OPS.names());
        names.add("dead-ops");
        return List.copyOf(names);
    }

    @Override
    public double[] of(Architecture arch) {
        double[] ops = OPS.of(arch);
        double[] out = java.util.Arrays.copyOf(ops, ops.length + 1);
        out[ops.length] = Nb201LiveOpCounts.deadOps(arch);
        return out;
    }
}
