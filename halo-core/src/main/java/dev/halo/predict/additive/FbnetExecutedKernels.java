package dev.halo.predict.additive;

import dev.halo.space.Architecture;
import dev.halo.space.FbnetArch;
import dev.halo.space.FbnetMacro;
import dev.halo.space.FbnetSpace;
import java.util.List;

/**
 * Cost features for a machine that runs halo's exported FBNet networks through ONNX Runtime on an x86 CPU
 * (optimisation level ALL): the work of the kernels the runtime executes ({@link FbnetOrtKernels}), split where ORT
 * runs it differently, rather than the work the blocks name ({@link FbnetCostFeatures}):
 * <ul>
 *   <li>{@code conv_macs}: multiply-accumulates (millions) of the dense and grouped convolutions ORT runs in its blocked
 *       NCHWc layout, over their padded channels;</li>
 *   <li>{@code dw_macs}: the same for the depthwise convolutions (all blocked);</li>
 *   <li>{@code plain_conv_macs}: convolutions left in the plain layout — the grouped 1×1 convs of {@code _g2} blocks whose
 *       channels per group are no multiple of the block — which MLAS runs as per-group matrix products;</li>
 *   <li>{@code kernels}: how many kernels run (each costs a launch and a pass over its tensors);</li>
 *   <li>{@code layout_melems}: elements (millions) moved by layout reorders and by the channel shuffle's transpose.</li>
 * </ul>
 * Stem and head are included (their reorders depend on the neighbouring layers). Only for machines whose latencies were
 * measured through ORT with the given NCHWc block: HELP's devices keep {@link FbnetCostFeatures}.
 */
public final class FbnetExecutedKernels implements CostFeatures {
    private static final List<String> NAMES = List.of("conv_macs", "dw_macs", "plain_conv_macs", "kernels", "layout_melems");

    private final FbnetMacro macro;
    private final int block;

    /** @param block the NCHWc channel block of the CPU the latencies were measured on (8 with AVX2, 16 with AVX-512F) */
    public FbnetExecutedKernels(FbnetMacro macro, int block) {
        if (block != 8 && block != 16) throw new IllegalArgumentException("NCHWc block is 8 or 16, got " + block);
        this.macro = macro;
        this.block = block;
    }

    /**
     * Architectures whose kernels differ most from one another, for checking the kernel model against ONNX Runtime: all
     * skips (identities and the 1×1 convs of the stage changes only), all {@code k3_e1_g2} (every grouped 1×1 conv, blocked
     * or plain by its channels), all {@code k5_e6} (the widest blocks), and stages that are all skips between stages of
     * grouped, wide and narrow blocks.
     */
    public static List<FbnetArch> probeArchs(FbnetSpace space) {
        return List.of(space.parse("8888888888888888888888"), space.parse("1111111111111111111111"),
                space.parse("7777777777777777777777"), space.parse("0888811118888555588882"));
    }

    public int block() {
        return block;
    }

    @Override
    public String name() {
        return Nb201ExecutedKernels.NAME;
    }

    @Override
    public String description() {
        return "the work of the kernels ONNX Runtime runs for the exported network on an x86 CPU at optimisation level ALL, NCHWc block "
                + block + " (" + String.join(", ", NAMES) + ")";
    }

    @Override
    public String space() {
        return FbnetSpace.NAME;
    }

    @Override
    public List<String> names() {
        return NAMES;
    }

    /** Non-negative, as the block costs: correlated physical costs fitted to twenty latencies. */
    @Override
    public boolean nonNegativeCosts() {
        return true;
    }

    @Override
    public double[] of(Architecture arch) {
        if (!(arch instanceof FbnetArch a)) throw new IllegalArgumentException("not an FBNet architecture: " + arch.canonical());
        return of(FbnetOrtKernels.kernels(macro, block, a));
    }

    /** The features of a list of executed kernels (also how the halo-onnx tests count them over ORT's own graph). */
    public static double[] of(List<FbnetOrtKernels.Kernel> kernels) {
        double[] f = new double[NAMES.size()];
        for (FbnetOrtKernels.Kernel k : kernels) {
            if (k.macs() > 0 && k.kind().contains("Conv")) f[k.depthwise() ? 1 : k.blocked() ? 0 : 2] += k.macs() / 1e6;
            f[3]++;
            if (k.kind().contains("Reorder") || k.kind().equals("Transpose")) f[4] += k.elements() / 1e6;
        }
        return f;
    }
}
