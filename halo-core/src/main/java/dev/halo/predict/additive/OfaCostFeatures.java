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
    private static final List<String> BLOCK_COSTS = List.of("conv_macs", "dw_macs", "blocks", "se_blocks");
    private static final int CONV = 0, DW = 1, BLOCKS = 2, SE = 3, ELEMENTWISE = 4;

    private final OfaMacro macro;
    private final boolean elementwise;

    private OfaCostFeatures(OfaMacro macro, boolean elementwise) {
        this.macro = macro;
        this.elementwise = elementwise;
    }

    /** The space's default set, chosen by the rule on HELP's OFA devices. */
    static OfaCostFeatures blockCosts(OfaMacro macro) {
        return new OfaCostFeatures(macro, false);
    }

    /**
     * {@code executed-kernels}: the block costs plus {@code eltwise_melems}, the elements (millions) of the element-wise
     * kernels ONNX Runtime runs outside the convolutions on an x86 CPU — every h-swish (which ORT runs as HardSigmoid
     * and Mul, each wrapped in NCHWc layout reorders) and every squeeze-excite multiply. GPUs in HELP's tables fuse them;
     * ORT on a CPU does not ({@code OfaExecutedKernelsTest}), so for machines measured through ORT.
     */
    static OfaCostFeatures executedKernels(OfaMacro macro) {
        return new OfaCostFeatures(macro, true);
    }

    @Override
    public String name() {
        return elementwise ? Nb201ExecutedKernels.NAME : NAME;
    }

    @Override
    public String description() {
        return elementwise
                ? "dense and depthwise convolution work, blocks, squeeze-excite blocks and the element-wise work ONNX Runtime runs on a CPU ("
                        + String.join(", ", names()) + ")"
                : "dense and depthwise convolution work, blocks and squeeze-excite blocks (" + String.join(", ", names()) + ")";
    }

    @Override
    public String space() {
        return OfaSpace.NAME;
    }

    @Override
    public List<String> names() {
        if (!elementwise) return BLOCK_COSTS;
        List<String> names = new java.util.ArrayList<>(BLOCK_COSTS);
        names.add("eltwise_melems");
        return List.copyOf(names);
    }

    /** Non-negative, as FBNet's: correlated physical costs fitted to twenty latencies. */
    @Override
    public boolean nonNegativeCosts() {
        return true;
    }

    @Override
    public double[] of(Architecture arch) {
        if (!(arch instanceof OfaArch a)) throw new IllegalArgumentException("not an OFA architecture: " + arch.canonical());
        double[] f = new double[elementwise ? BLOCK_COSTS.size() + 1 : BLOCK_COSTS.size()];
        List<OfaMacro.Block> blocks = macro.blocks(a);
        double stem = blocks.get(0).inResolution();
        f[CONV] += stem * stem * 3 * 9 * macro.firstConvChannels() / 1e6;
        double eltwise = stem * stem * macro.firstConvChannels(); // the stem's h-swish
        int lastResolution = 0, lastChannels = 0;
        for (OfaMacro.Block b : blocks) {
            double in = b.inResolution(), out = b.outResolution();
            if (b.expandConv()) f[CONV] += in * in * b.inChannels() * b.midChannels() / 1e6;
            f[DW] += out * out * b.midChannels() * b.kernel() * b.kernel() / 1e6;
            f[CONV] += out * out * b.midChannels() * b.outChannels() / 1e6;
            if (b.stage() >= 0) f[BLOCKS]++;
            if (b.squeezeExcite()) {
                f[SE]++;
                eltwise += out * out * b.midChannels();
            }
            if (b.activation() == OfaMacro.Activation.H_SWISH) eltwise += (b.expandConv() ? in * in * b.midChannels() : 0) + out * out * b.midChannels();
            lastResolution = b.outResolution();
            lastChannels = b.outChannels();
        }
        f[CONV] += (double) lastResolution * lastResolution * lastChannels * macro.finalExpandChannels() / 1e6;
        eltwise += (double) lastResolution * lastResolution * macro.finalExpandChannels(); // the final expand's h-swish
        if (elementwise) f[ELEMENTWISE] = eltwise / 1e6;
        return f;
    }
}
