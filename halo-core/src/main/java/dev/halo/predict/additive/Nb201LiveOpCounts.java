package dev.halo.predict.additive;

import dev.halo.space.Architecture;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Op;
import dev.halo.space.Nb201Space;
import java.util.List;

/**
 * NAS-Bench-201 op counts as a runtime that removes dead code executes them: an edge's operation counts only if its
 * target node reaches the cell output through non-{@code none} edges, and a cell whose output does not depend on its
 * input ({@linkplain #prunable prunable}) counts nothing, because such a runtime folds the whole network into a
 * constant. Operations fed by a zero node still count when their result reaches the output: on pixel3, the one HELP
 * selection device that removes dead code, they are run (docs/results/beyond.md, session 9).
 *
 * <p>{@link #deadOps} is the difference from {@link Nb201OpCounts}: the operations that only such a runtime skips.
 */
record Nb201LiveOpCounts() implements CostFeatures {
    static final String NAME = "live-op-counts";
    private static final List<Nb201Op> COUNTED = List.of(Nb201Op.SKIP_CONNECT, Nb201Op.NOR_CONV_1X1, Nb201Op.NOR_CONV_3X3, Nb201Op.AVG_POOL_3X3);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "how many cell edges carry each operation (skip, conv1x1, conv3x3, avgpool), counting only edges into nodes that reach the output";
    }

    @Override
    public String space() {
        return Nb201Space.NAME;
    }

    /** Unconstrained, as {@link Nb201OpCounts}: the two fits differ only in what they count. */
    @Override
    public boolean nonNegativeCosts() {
        return false;
    }

    @Override
    public boolean prunable(Architecture arch) {
        return !Nb201Space.outputConnected(cast(arch));
    }

    @Override
    public List<String> names() {
        return COUNTED.stream().map(Nb201Op::shortName).toList();
    }

    @Override
    public double[] of(Architecture arch) {
        Nb201Arch a = cast(arch);
        double[] counts = new double[COUNTED.size()];
        if (!Nb201Space.outputConnected(a)) return counts;
        boolean[] live = reachesOutput(a);
        for (int e = 0; e < Nb201Arch.EDGES; e++) {
            int k = COUNTED.indexOf(a.op(e));
            if (k >= 0 && live[Nb201Space.edgeTo(e)]) counts[k]++;
        }
        return counts;
    }

    /** How many operations (not {@code none}) such a runtime skips: all edges minus the live ones. */
    static int deadOps(Architecture arch) {
        Nb201Arch a = cast(arch);
        int all = 0;
        for (Nb201Op op : a.ops()) if (op != Nb201Op.NONE) all++;
        int live = 0;
        for (double c : new Nb201LiveOpCounts().of(a)) live += (int) c;
        return all - live;
    }

    /** Per edge, whether it carries an operation such a runtime skips: not {@code none}, into a node that leads nowhere. */
    static boolean[] deadEdges(Nb201Arch a) {
        boolean[] live = reachesOutput(a), dead = new boolean[Nb201Arch.EDGES];
        for (int e = 0; e < Nb201Arch.EDGES; e++) dead[e] = a.op(e) != Nb201Op.NONE && !live[Nb201Space.edgeTo(e)];
        return dead;
    }

    /** Per node, whether a path of non-{@code none} edges leads from it to the cell output (node 3). */
    private static boolean[] reachesOutput(Nb201Arch a) {
        boolean[] toOutput = new boolean[4];
        toOutput[3] = true;
        for (int e = Nb201Arch.EDGES - 1; e >= 0; e--) // edges are ordered by target node, so reverse order visits targets first
            if (a.op(e) != Nb201Op.NONE && toOutput[Nb201Space.edgeTo(e)]) toOutput[Nb201Space.edgeFrom(e)] = true;
        return toOutput;
    }

    private static Nb201Arch cast(Architecture arch) {
        if (!(arch instanceof Nb201Arch a)) throw new IllegalArgumentException("not a NAS-Bench-201 architecture: " + arch.canonical());
        return a;
    }
}
