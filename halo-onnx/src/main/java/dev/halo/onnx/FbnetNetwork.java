package dev.halo.onnx;

import dev.halo.space.Architecture;
import dev.halo.space.FbnetArch;
import dev.halo.space.FbnetBlock;
import dev.halo.space.FbnetMacro;
import dev.halo.space.FbnetSpace;

/**
 * The FBNet network of an architecture as HW-NAS-Bench builds it (see {@link FbnetMacro}): stem, 22 searchable
 * layers of inverted-residual blocks or skips, 1x1 head, global pooling, classifier.
 */
public final class FbnetNetwork implements NetworkExporter {
    private final FbnetMacro macro;

    public FbnetNetwork(FbnetMacro macro) {
        this.macro = macro;
    }

    /** HW-NAS-Bench's CIFAR-100 setting, which HELP's FBNet latencies use. */
    public static FbnetNetwork cifar100() {
        return new FbnetNetwork(FbnetMacro.cifar100());
    }

    @Override
    public String space() {
        return FbnetSpace.NAME;
    }

    @Override
    public OnnxNetwork export(Architecture arch, OnnxGraphBuilder b) {
        FbnetArch fb = (FbnetArch) arch;
        Tensor x = b.input(3, macro.inputSize(), macro.inputSize());
        x = b.relu(b.batchNorm(b.conv(x, macro.stemChannels(), 3, macro.stemStride(), 1, 1, false)));
        for (FbnetMacro.Layer layer : macro.layers()) x = layer(b, x, layer, fb.block(layer.index()));
        x = b.relu(b.batchNorm(b.conv(x, macro.headChannels(), 1, 1, 1)));
        x = b.linear(b.flatten(b.globalAvgPool(x)), macro.numClasses());
        return b.build(x, "FBNet network " + fb.canonical());
    }

    private static Tensor layer(OnnxGraphBuilder b, Tensor x, FbnetMacro.Layer layer, FbnetBlock block) {
        if (block.isSkip()) {
            if (!FbnetSpace.skipHasConv(layer)) return x;
            return b.relu(b.batchNorm(b.conv(x, layer.outChannels(), 1, layer.stride(), 0, 1, false)));
        }
        int mid = layer.inChannels() * block.expansion();
        int g = block.groups();
        Tensor y = b.relu(b.batchNorm(b.conv(x, mid, 1, 1, 0, g, false)));
        if (g > 1) y = b.channelShuffle(y, g);
        int pad = (block.kernel() - layer.stride() + 1) / 2; // ceil((K - s) / 2)
        y = b.relu(b.batchNorm(b.conv(y, mid, block.kernel(), layer.stride(), pad, mid, false)));
        y = b.batchNorm(b.conv(y, layer.outChannels(), 1, 1, 0, g, false));
        boolean residual = layer.stride() == 1 && layer.inChannels() == layer.outChannels();
        return residual ? b.add(y, x) : y;
    }
}
