package dev.halo.onnx;

import dev.halo.space.Architecture;
import dev.halo.space.OfaArch;
import dev.halo.space.OfaMacro;
import dev.halo.space.OfaSpace;

/**
 * An OFA-MobileNetV3 subnet as once-for-all builds it (see {@link OfaMacro}), at the architecture's own input
 * resolution: first conv, fixed first block, the active MBConv blocks (with squeeze-and-excite and h-swish where the
 * stage has them), final expand, global pooling, feature mix and classifier.
 */
public final class OfaNetwork implements NetworkExporter {
    private final OfaMacro macro;

    public OfaNetwork(OfaMacro macro) {
        this.macro = macro;
    }

    /** The width-1.2 ImageNet supernet HELP's OFA latencies were measured on. */
    public static OfaNetwork helpDefault() {
        return new OfaNetwork(OfaMacro.helpDefault());
    }

    @Override
    public String space() {
        return OfaSpace.NAME;
    }

    @Override
    public OnnxNetwork export(Architecture arch, OnnxGraphBuilder b) {
        OfaArch ofa = (OfaArch) arch;
        Tensor x = b.input(3, ofa.resolution(), ofa.resolution());
        x = b.hardSwish(b.batchNorm(b.conv(x, macro.firstConvChannels(), 3, 2, 1)));
        for (OfaMacro.Block block : macro.blocks(ofa)) x = block(b, x, block);
        x = b.hardSwish(b.batchNorm(b.conv(x, macro.finalExpandChannels(), 1, 1, 1)));
        x = b.hardSwish(b.conv(b.globalAvgPool(x), macro.lastChannels(), 1, 1, 1));
        x = b.linear(b.flatten(x), macro.numClasses());
        return b.build(x, "OFA-MobileNetV3 subnet " + ofa.canonical());
    }

    private static Tensor block(OnnxGraphBuilder b, Tensor x, OfaMacro.Block block) {
        Tensor y = x;
        if (block.expandConv()) y = activate(b, b.batchNorm(b.conv(y, block.midChannels(), 1, 1, 1)), block.activation());
        y = b.conv(y, block.midChannels(), block.kernel(), block.stride(), block.midChannels());
        y = activate(b, b.batchNorm(y), block.activation());
        if (block.squeezeExcite()) {
            Tensor s = b.globalAvgPool(y);
            s = b.relu(b.conv(s, block.seChannels(), 1, 1, 0, 1, true));
            s = b.hardSigmoid(b.conv(s, block.midChannels(), 1, 1, 0, 1, true));
            y = b.mul(y, s);
        }
        y = b.batchNorm(b.conv(y, block.outChannels(), 1, 1, 1));
        return block.residual() ? b.add(y, x) : y;
    }

    private static Tensor activate(OnnxGraphBuilder b, Tensor x, OfaMacro.Activation activation) {
        return switch (activation) {
            case RELU -> b.relu(x);
            case H_SWISH -> b.hardSwish(x);
        };
    }
}
