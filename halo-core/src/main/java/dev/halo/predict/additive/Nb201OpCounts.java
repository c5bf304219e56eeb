package dev.halo.predict.additive;

import dev.halo.space.Architecture;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Op;
import dev.halo.space.Nb201Space;
import java.util.List;

/**
 * How many of the cell's six edges carry each operation (skip, conv 1×1, conv 3×3, avg-pool; "none" is the rest).
 * Every edge of a NAS-Bench-201 cell maps a tensor of the same shape, and the network repeats one cell, so an
 * operation costs about the same wherever it sits: latency ≈ fixed + Σ cost(op) × count(op). On the train and
 * valid devices of HELP's split this four-number model, fitted on many architectures, ranks as well as a full
 * per-edge one-hot model (docs/results/beyond.md, "op-costs").
 */
record Nb201OpCounts() implements CostFeatures {
    private static final List<Nb201Op> COUNTED = List.of(Nb201Op.SKIP_CONNECT, Nb201Op.NOR_CONV_1X1, Nb201Op.NOR_CONV_3X3, Nb201Op.AVG_POOL_3X3);
    static final String NAME = "op-counts";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "how many cell edges carry each operation (skip, conv1x1, conv3x3, avgpool)";
    }

    @Override
    public String space() {
        return Nb201Space.NAME;
    }

    /** Unconstrained: with five well-separated unknowns the plain robust fit was chosen on the selection devices. */
    @Override
    public boolean nonNegativeCosts() {
        return false;
    }

    /** A cell whose output is not reachable from its input through non-{@code none} edges. */
    @Override
    public boolean prunable(Architecture arch) {
        if (!(arch instanceof Nb201Arch a)) throw new IllegalArgumentException("not a NAS-Bench-201 architecture: " + arch.canonical());
        return !Nb201Space.outputConnected(a);
    }

    @Override
    public List<String> names() {
        return COUNTED.stream().map(Nb201Op::shortName).toList();
    }

    @Override
    public double[] of(Architecture arch) {
        if (!(arch instanceof Nb201Arch a)) throw new IllegalArgumentException("not a NAS-Bench-201 architecture: " + arch.canonical());
        double[] counts = new double[COUNTED.size()];
        for (Nb201Op op : a.ops()) {
            int k = COUNTED.indexOf(op);
            if (k >= 0) counts[k]++;
        }
        return counts;
    }
}
