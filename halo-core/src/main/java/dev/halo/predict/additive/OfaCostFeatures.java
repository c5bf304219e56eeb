package dev.halo.predict.additive;

import dev.halo.space.Architecture;
import dev.halo.space.OfaArch;
import dev.halo.space.OfaMacro;
import dev.halo.space.OfaSpace;
import java.util.List;

/**
 * Four costs of an OFA-MobileNetV3 subnet, over the whole network (stem and final expand included: their work scales
 * with the input resolution):
 * <ul>
 *   <li>{@code conv_macs}: multiply-accumulates (millions) of the dense convolutions — the 3×3 stem, every block's 1×1
 *       expand and project, the final 1×1 expand;</li>
 *   <li>{@code dw_macs}: the same for the depthwise K×K convolutions;</li>
 *   <li>{@code blocks}: active MBConv blocks (each a fixed group of kernel launches);</li>
 *   <li>{@code se_blocks}: those with squeeze-and-excite (four more small kernels each: pool, two 1×1 convs, multiply).</li>
 * </ul>
 * What stays the same in every subnet (the fixed first block's launches, the pooled 1×1 feature mix, the classifier)
 * falls into the fixed cost. Chosen by the rule in docs/results/onboard.md (session 8) on HELP's OFA train and valid
 * devices only, over splitting depthwise work by kernel size or adding h-swish work; fitted with non-negative costs.
 */
final class OfaCostFeatures implements CostFeatures {
    static final String NAME = "block-costs";
    private static final List<String> NAMES = List.of("conv_macs", "dw_macs", "blocks", "se_blocks");
    private static final int CONV = 0, DW = 1, BLOCKS = 2, SE = 3;

    private final OfaMacro macro;

    OfaCostFeatures(OfaMacro macro) {
        this.macro = macro;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "dense and depthwise convolution work, blocks and squeeze-excite blocks (" + String.join(", ", NAMES) + ")";
    }

    @Override
    public String space() {
        return OfaSpace.NAME;
    }

    @Override
    public List<String> names() {
        return NAMES;
    }

    /** Non-negative, as FBNet's: correlated physical costs fitted to twenty latencies. */
    @Override
    public boolean nonNegativeCosts() {
        return true;
    }

    @Override
    public double[] of(Architecture arch) {
        if (!(arch instanceof OfaArch a)) throw new IllegalArgumentException("not an OFA architecture: " + arch.canonical());
        double[] f = new double[NAMES.size()];
        List<OfaMacro.Block> blocks = macro.blocks(a);
        double stem = blocks.get(0).inResolution();
        f[CONV] += stem * stem * 3 * 9 * macro.firstConvChannels() / 1e6;
        int lastResolution = 0, lastChannels = 0;
        for (OfaMacro.Block b : blocks) {
            double in = b.inResolution(), out = b.outResolution();
            if (b.expandConv()) f[CONV] += in * in * b.inChannels() * b.midChannels() / 1e6;
            f[DW] += out * out * b.midChannels() * b.kernel() * b.kernel() / 1e6;
            f[CONV] += out * out * b.midChannels() * b.outChannels() / 1e6;
            if (b.stage() >= 0) f[BLOCKS]++;
            if (b.squeezeExcite()) f[SE]++;
            lastResolution = b.outResolution();
            lastChannels = b.outChannels();
        }
        f[CONV] += (double) lastResolution * lastResolution * lastChannels * macro.finalExpandChannels() / 1e6;
        return f;
    }
}
