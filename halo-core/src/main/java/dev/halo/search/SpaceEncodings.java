package dev.halo.search;

import dev.halo.space.FbnetArch;
import dev.halo.space.FbnetBlock;
import dev.halo.space.FbnetSpace;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Op;
import dev.halo.space.Nb201Space;
import dev.halo.space.OfaArch;
import dev.halo.space.OfaSpace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Integer genotypes of the built-in spaces, for NSGA-II. */
final class SpaceEncodings {
    private SpaceEncodings() {}

    /** NAS-Bench-201: one gene per cell edge (in the standard string's order), each one of the five operations. */
    static IntegerEncoding<Nb201Arch> nb201() {
        return new IntegerEncoding<>() {
            @Override
            public int[] cardinalities() {
                int[] c = new int[Nb201Arch.EDGES];
                Arrays.fill(c, Nb201Op.values().length);
                return c;
            }

            @Override
            public Nb201Arch decode(int[] genes) {
                Nb201Op[] ops = new Nb201Op[genes.length];
                for (int e = 0; e < ops.length; e++) ops[e] = Nb201Op.values()[genes[e]];
                return Nb201Arch.of(ops);
            }
        };
    }

    /** FBNet: one gene per layer, each one of the nine candidate blocks. */
    static IntegerEncoding<FbnetArch> fbnet() {
        return new IntegerEncoding<>() {
            @Override
            public int[] cardinalities() {
                int[] c = new int[FbnetArch.LAYERS];
                Arrays.fill(c, FbnetBlock.values().length);
                return c;
            }

            @Override
            public FbnetArch decode(int[] genes) {
                List<FbnetBlock> blocks = new ArrayList<>(genes.length);
                for (int g : genes) blocks.add(FbnetBlock.values()[g]);
                return new FbnetArch(blocks);
            }
        };
    }

    /**
     * OFA-MobileNetV3: resolution, five stage depths, then kernel and expansion of all 20 block slots. Slots beyond a
     * stage's depth are inactive, so several genotypes decode to one architecture (the space masks them).
     */
    static IntegerEncoding<OfaArch> ofa() {
        return new IntegerEncoding<>() {
            @Override
            public int[] cardinalities() {
                int[] c = new int[1 + OfaArch.STAGES + 2 * OfaArch.SLOTS];
                c[0] = OfaSpace.RESOLUTIONS.size();
                for (int i = 1; i < c.length; i++) c[i] = i <= OfaArch.STAGES ? OfaSpace.DEPTHS.size() : OfaSpace.KERNELS.size();
                return c;
            }

            @Override
            public OfaArch decode(int[] genes) {
                List<Integer> depths = new ArrayList<>(), kernels = new ArrayList<>(), expands = new ArrayList<>();
                for (int s = 0; s < OfaArch.STAGES; s++) depths.add(OfaSpace.DEPTHS.get(genes[1 + s]));
                for (int k = 0; k < OfaArch.SLOTS; k++) {
                    kernels.add(OfaSpace.KERNELS.get(genes[1 + OfaArch.STAGES + k]));
                    expands.add(OfaSpace.EXPANDS.get(genes[1 + OfaArch.STAGES + OfaArch.SLOTS + k]));
                }
                return new OfaArch(OfaSpace.RESOLUTIONS.get(genes[0]), depths, kernels, expands);
            }
        };
    }

    /** The encoding of a built-in space, or null. */
    @SuppressWarnings("unchecked")
    static <A extends dev.halo.space.Architecture> IntegerEncoding<A> of(dev.halo.space.SearchSpace<A> space) {
        if (space instanceof Nb201Space) return (IntegerEncoding<A>) nb201();
        if (space instanceof FbnetSpace) return (IntegerEncoding<A>) fbnet();
        if (space instanceof OfaSpace) return (IntegerEncoding<A>) ofa();
        return null;
    }
}
