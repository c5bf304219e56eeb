package dev.halo.predict.additive;

import dev.halo.space.Architecture;
import dev.halo.space.FbnetArch;
import dev.halo.space.FbnetBlock;
import dev.halo.space.FbnetMacro;
import dev.halo.space.FbnetSpace;
import java.util.List;

/**
 * Eight costs of an FBNet network, summed over its 22 searchable layers (stem and head are the same in every
 * architecture and fall into the fixed cost):
 * <ul>
 *   <li>{@code pw_full}, {@code pw_reduced}: multiply-accumulates (millions) of the pointwise convolutions — a block's
 *       two 1×1 convs, and the 1×1 conv a {@code skip} becomes where the layer changes channels or stride — whose
 *       output has the stem's resolution / a smaller one;</li>
 *   <li>{@code dw_full}, {@code dw_reduced}: the same for the depthwise K×K convs;</li>
 *   <li>{@code blocks}: non-skip blocks; {@code skip_convs}: skips that are 1×1 convs; {@code grouped}: blocks with
 *       grouped (g2) pointwise convs;</li>
 *   <li>{@code weights}: convolution weights (millions).</li>
 * </ul>
 * Why these: a layer's latency is a lookup-table entry, far too many (22 × 8) to fit from twenty latencies; but
 * devices price pointwise and depthwise work differently, large feature maps differently from small ones, and pay a
 * fixed price per launched block. Chosen on HELP's FBNet train and valid devices only (beyond.md, session 4), fitted
 * with non-negative costs.
 */
final class FbnetCostFeatures implements CostFeatures {
    private static final List<String> NAMES = List.of("pw_full", "dw_full", "pw_reduced", "dw_reduced", "blocks", "skip_convs", "grouped", "weights");
    private static final int PW_FULL = 0, DW_FULL = 1, PW_REDUCED = 2, DW_REDUCED = 3, BLOCKS = 4, SKIP_CONVS = 5, GROUPED = 6, WEIGHTS = 7;

    /** {@code [layer][block index][feature]}: what choosing that block at that layer adds to each feature. */
    private final double[][][] contributions;

    @Override
    public String name() {
        return "block-costs";
    }

    @Override
    public String description() {
        return "pointwise and depthwise work at two resolutions, block counts and weights (" + String.join(", ", NAMES) + ")";
    }

    FbnetCostFeatures(FbnetMacro macro) {
        List<FbnetMacro.Layer> layers = macro.layers();
        List<FbnetBlock> blocks = FbnetBlock.all();
        contributions = new double[layers.size()][blocks.size()][NAMES.size()];
        for (FbnetMacro.Layer layer : layers)
            for (FbnetBlock block : blocks) add(contributions[layer.index()][block.index()], layer, block, macro.stemResolution());
    }

    private static void add(double[] f, FbnetMacro.Layer layer, FbnetBlock block, int full) {
        int cin = layer.inChannels(), cout = layer.outChannels(), hin = layer.inResolution(), hout = layer.outResolution();
        if (block.isSkip()) {
            if (cin == cout && layer.stride() == 1) return; // identity: free
            f[hout >= full ? PW_FULL : PW_REDUCED] += (double) hout * hout * cin * cout / 1e6;
            f[SKIP_CONVS]++;
            f[WEIGHTS] += (double) cin * cout / 1e6;
            return;
        }
        int mid = cin * block.expansion(), g = block.groups(), k = block.kernel();
        f[hin >= full ? PW_FULL : PW_REDUCED] += (double) hin * hin * cin * mid / g / 1e6;
        f[hout >= full ? DW_FULL : DW_REDUCED] += (double) hout * hout * mid * k * k / 1e6;
        f[hout >= full ? PW_FULL : PW_REDUCED] += (double) hout * hout * mid * cout / g / 1e6;
        f[BLOCKS]++;
        if (g > 1) f[GROUPED]++;
        f[WEIGHTS] += ((double) cin * mid / g + (double) mid * k * k + (double) mid * cout / g) / 1e6;
    }

    @Override
    public String space() {
        return FbnetSpace.NAME;
    }

    @Override
    public List<String> names() {
        return NAMES;
    }

    /** Non-negative: eight correlated costs and twenty latencies; an unconstrained fit prices some of them below zero. */
    @Override
    public boolean nonNegativeCosts() {
        return true;
    }

    @Override
    public double[] of(Architecture arch) {
        if (!(arch instanceof FbnetArch a)) throw new IllegalArgumentException("not an FBNet architecture: " + arch.canonical());
        double[] f = new double[NAMES.size()];
        for (int l = 0; l < FbnetArch.LAYERS; l++) {
            double[] c = contributions[l][a.block(l).index()];
            for (int j = 0; j < f.length; j++) f[j] += c[j];
        }
        return f;
    }
}
