package dev.halo.space;

import java.util.ArrayList;
import java.util.List;

/**
 * OFA-MobileNetV3 macro structure (once-for-all {@code OFAMobileNetV3}, as vendored in HELP's {@code ofa/} code):
 * <ol>
 *   <li>first conv: 3×3 stride 2 (3→{@link #firstConvChannels()}) + BN + h-swish;</li>
 *   <li>first block: MBConv expand 1 (depthwise 3×3 + BN + ReLU, then 1×1 + BN), stride 1, residual;</li>
 *   <li>5 searchable stages (up to 4 blocks each) with widths, strides, activations and SE flags from
 *       {@link #stages()}; block = 1×1 expand (Cin→mid) + BN + act, depthwise K×K (stride on the first block of
 *       a stage) + BN + act, [SE: avg-pool, 1×1 mid→se (bias) + ReLU, 1×1 se→mid (bias) + h-sigmoid, multiply],
 *       1×1 project (mid→Cout) + BN, residual when stride 1 and Cin = Cout; {@code mid =
 *       make_divisible(round(Cin·e), 8)}, {@code se = make_divisible(mid / 4, 8)};</li>
 *   <li>final expand 1×1 (→{@link #finalExpandChannels()}) + BN + h-swish, global average pool, feature mix 1×1
 *       (→{@link #lastChannels()}, no bias, no BN) + h-swish, linear → {@code numClasses} (with bias).</li>
 * </ol>
 * Convolutions use padding {@code k/2}. Channel widths are {@code make_divisible(base · widthMult, 8)}.
 * HELP's OFA latencies are for the {@code ofa_mbv3_d234_e346_k357_w1.2} supernet (its validate_imagenet.py loads that
 * net and its OFA latency table uses stage widths 32, 48, 96, 136, 192), so width 1.2 is the default.
 */
public record OfaMacro(double widthMult, int numClasses) {
    /** once-for-all's base widths: first conv, first block, five stages, final expand, feature mix. */
    static final int[] BASE_WIDTHS = {16, 16, 24, 40, 80, 112, 160, 960, 1280};
    static final int[] STAGE_STRIDES = {2, 2, 2, 1, 2};
    static final Activation[] STAGE_ACTIVATIONS = {Activation.RELU, Activation.RELU, Activation.H_SWISH, Activation.H_SWISH, Activation.H_SWISH};
    static final boolean[] STAGE_SE = {false, true, false, true, true};

    public OfaMacro {
        if (!(widthMult > 0) || numClasses < 1) throw new IllegalArgumentException("invalid OFA macro settings");
    }

    /** The supernet HELP's OFA data was measured on: width 1.2, ImageNet-1k. */
    public static OfaMacro helpDefault() {
        return new OfaMacro(1.2, 1000);
    }

    public enum Activation { RELU, H_SWISH }

    /** One searchable stage: output width, stride of its first block, activation, squeeze-excite. */
    public record Stage(int index, int channels, int stride, Activation activation, boolean squeezeExcite) {}

    /**
     * One active block of a subnet, with every shape the exporter needs.
     *
     * @param stage        0..4 for searchable stages, -1 for the fixed first block
     * @param slot         0..19 (-1 for the first block)
     * @param inResolution input height = width
     */
    public record Block(int stage, int slot, int inChannels, int midChannels, int outChannels, int kernel, int stride,
            Activation activation, boolean squeezeExcite, int seChannels, boolean expandConv, boolean residual, int inResolution) {
        public int outResolution() {
            return OfaMacro.convOut(inResolution, kernel, stride);
        }
    }

    /** once-for-all's {@code make_divisible}: round to the nearest multiple of {@code divisor}, never more than 10 % below. */
    static int makeDivisible(double v, int divisor) {
        int n = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
        if (n < 0.9 * v) n += divisor;
        return n;
    }

    static int convOut(int in, int kernel, int stride) {
        return (in + 2 * (kernel / 2) - kernel) / stride + 1;
    }

    private int width(int i) {
        return makeDivisible(BASE_WIDTHS[i] * widthMult, 8);
    }

    public int firstConvChannels() {
        return width(0);
    }

    public int firstBlockChannels() {
        return width(1);
    }

    public int finalExpandChannels() {
        return width(7);
    }

    public int lastChannels() {
        return width(8);
    }

    public List<Stage> stages() {
        List<Stage> out = new ArrayList<>(OfaArch.STAGES);
        for (int s = 0; s < OfaArch.STAGES; s++) out.add(new Stage(s, width(2 + s), STAGE_STRIDES[s], STAGE_ACTIVATIONS[s], STAGE_SE[s]));
        return List.copyOf(out);
    }

    /** The first block and every active block of {@code arch}, in execution order. */
    public List<Block> blocks(OfaArch arch) {
        List<Block> out = new ArrayList<>(1 + arch.activeBlocks());
        int res = convOut(arch.resolution(), 3, 2);
        int c = firstConvChannels();
        Block first = new Block(-1, -1, c, c, firstBlockChannels(), 3, 1, Activation.RELU, false, 0, false,
                c == firstBlockChannels(), res);
        out.add(first);
        c = first.outChannels();
        res = first.outResolution();
        for (Stage st : stages()) {
            for (int i = 0; i < arch.depth(st.index()); i++) {
                int slot = st.index() * OfaArch.SLOTS_PER_STAGE + i;
                int stride = i == 0 ? st.stride() : 1;
                int mid = makeDivisible(Math.round(c * (double) arch.expand(slot)), 8);
                int se = st.squeezeExcite() ? makeDivisible(mid / 4, 8) : 0;
                Block b = new Block(st.index(), slot, c, mid, st.channels(), arch.kernel(slot), stride, st.activation(),
                        st.squeezeExcite(), se, true, stride == 1 && c == st.channels(), res);
                out.add(b);
                c = b.outChannels();
                res = b.outResolution();
            }
        }
        return List.copyOf(out);
    }
}
