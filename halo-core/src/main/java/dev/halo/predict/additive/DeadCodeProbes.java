package dev.halo.predict.additive;

import dev.halo.space.Architecture;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Op;
import dev.halo.space.Nb201Space;

/**
 * Dead-code probes on NAS-Bench-201 (beyond.md, session 11): cells with exactly {@value #DEAD_OPS} dead operations, the
 * most a cell can have while its output still depends on its input. Such a cell has operations on edges 1←0, 2←0 and
 * 2←1, {@code none} on 3←1 and 3←2, and one operation on 3←0: a runtime that removes dead code runs one of its four
 * operations, one that runs every edge runs all four, so its latency tells the two apart more plainly than any other
 * cell the trimmed pool can offer (the prunable cells, which would tell it best, are what HELP's trimming drops on
 * such a device). {@code --selection cost-optimal-probes} measures two of them and
 * {@code experimental:op-costs-dce-probes} reads them.
 */
public final class DeadCodeProbes {
    /** Three dead operations: nodes 1 and 2 both lead nowhere, only edge 3←0 is live. */
    public static final int DEAD_OPS = 3;

    private DeadCodeProbes() {}

    /** Whether {@code arch} is a NAS-Bench-201 cell with exactly {@value #DEAD_OPS} dead operations that is not prunable. */
    public static boolean isProbe(Architecture arch) {
        return arch instanceof Nb201Arch a && Nb201Space.outputConnected(a) && Nb201LiveOpCounts.deadOps(a) == DEAD_OPS;
    }

    /**
     * The millions of multiply-accumulates of {@code arch}'s dead operations as NAS-Bench-201 counts them (the whole
     * network's, so convolutions only): what a runtime that removes dead code saves on it, device-independently.
     */
    public static double deadMflops(Nb201Space space, Nb201Arch arch) {
        boolean[] dead = Nb201LiveOpCounts.deadEdges(arch);
        Nb201Arch live = arch;
        for (int e = 0; e < Nb201Arch.EDGES; e++) if (dead[e]) live = live.with(e, Nb201Op.NONE);
        return space.mflops(arch) - space.mflops(live);
    }
}
