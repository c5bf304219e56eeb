package dev.halo.predict.additive;

import dev.halo.space.FbnetArch;
import dev.halo.space.FbnetBlock;
import dev.halo.space.FbnetMacro;
import dev.halo.space.FbnetSpace;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernels ONNX Runtime (1.23, CPU execution provider, optimisation level ALL, x86-64) runs for halo's exported FBNet
 * network ({@code FbnetNetwork} in halo-onnx), worked out layer by layer from the architecture in microseconds instead
 * of an ORT session (hundreds of ms) or the general emulation ({@code OrtGraphEmulator}, tens of ms). The rewrites that
 * decide them on this network:
 * <ol>
 *   <li>every BatchNormalization folds into the convolution before it, and every ReLU fuses into it;</li>
 *   <li>the NCHWc transformer runs a convolution in the blocked layout of {@code block} channels when MLAS has a kernel
 *       for it: dense ones (the stem reads its 3 plain channels directly), depthwise ones, and grouped 1×1 ones only
 *       when the channels of each group are a multiple of the block (FBNet's {@code _g2} blocks on 24 or 184 channels
 *       are not, at 8 or 16; on 16 channels at 16 neither); a blocked convolution's channels are padded to the block;</li>
 *   <li>a residual Add whose two operands are blocked is absorbed by the blocked projection; otherwise a projection left
 *       in the plain layout absorbs it (FusedConv with a fourth input), and a blocked one gets a plain Add after it;</li>
 *   <li>a channel shuffle (Reshape, Transpose, Reshape) runs in the plain layout;</li>
 *   <li>each tensor read in the other layout than it is written in gets one ReorderInput or ReorderOutput, however
 *       many readers need it (an identity skip passes its input on to the next layer's readers).</li>
 * </ol>
 * Kernel kinds are named as {@code dev.halo.measure.ExecutedKernels#kind} names them, so the two can be compared one to
 * one; halo-onnx tests do that against ORT's own optimised model and against the general emulation at blocks 8 and 16.
 */
public final class FbnetOrtKernels {
    private FbnetOrtKernels() {}

    /** Channel counts a blocked convolution accepts need only be multiples of this (ORT pads them to the block). */
    private static final int ALIGNMENT = 4;

    /**
     * One executed kernel.
     *
     * @param kind      as {@code ExecutedKernels#kind}: domain suffix, operator, window, {@code _grouped}
     * @param depthwise a depthwise convolution
     * @param blocked   runs in the NCHWc layout
     * @param macs      multiply-accumulates, over the padded channels of a blocked convolution
     * @param elements  elements written by a data-movement or element-wise kernel (reorders, the shuffle's transpose, Add)
     */
    public record Kernel(String kind, boolean depthwise, boolean blocked, double macs, double elements) {}

    /** A tensor between kernels: its layout and which layouts its readers want. */
    private static final class Tensor {
        final int channels, size;
        final boolean blocked;
        boolean readPlain, readBlocked;

        Tensor(int channels, int size, boolean blocked) {
            this.channels = channels;
            this.size = size;
            this.blocked = blocked;
        }
    }

    /** The network's kernels, built in order. */
    private static final class Builder {
        final int block;
        final List<Kernel> kernels = new ArrayList<>();
        final List<Tensor> tensors = new ArrayList<>();

        Builder(int block) {
            this.block = block;
        }

        int padded(int channels) {
            return Math.ceilDiv(channels, block) * block;
        }

        Tensor tensor(int channels, int size, boolean blocked) {
            Tensor t = new Tensor(channels, size, blocked);
            tensors.add(t);
            return t;
        }

        /** Whether MLAS has a blocked kernel for this convolution (ORT's NCHWc transformer's conditions). */
        boolean blockable(int in, int out, int groups) {
            if (groups == 1) return in < block || in % ALIGNMENT == 0;
            if (out % ALIGNMENT != 0) return false;
            if (in == groups && out == groups) return true; // depthwise
            return (in / groups) % block == 0 && (out / groups) % block == 0;
        }

        /** A convolution (BatchNorm folded, {@code relu} fused); {@code residual}: an Add of its output and that tensor follows. */
        Tensor conv(Tensor x, int out, int kernel, int stride, int groups, boolean relu, Tensor residual) {
            int size = (x.size + stride - 1) / stride;
            boolean depthwise = groups > 1 && x.channels == groups && out == groups;
            boolean blocked = blockable(x.channels, out, groups);
            String window = "_k" + kernel;
            if (blocked) {
                boolean plainInput = groups == 1 && x.channels < block; // the stem reads the image as it is
                if (plainInput) x.readPlain = true;
                else x.readBlocked = true;
                int outChannels = padded(out);
                int inPerGroup = depthwise ? 1 : groups == 1 && !plainInput ? padded(x.channels) : x.channels / groups;
                int kernelGroups = depthwise ? outChannels : groups;
                kernels.add(new Kernel("nchwc.Conv" + window + (kernelGroups > 1 ? "_grouped" : ""), depthwise, true,
                        (double) size * size * outChannels * inPerGroup * kernel * kernel, 0));
                Tensor y = tensor(out, size, true);
                if (residual == null) return y;
                if (residual.blocked) { // the blocked convolution absorbs the Add
                    residual.readBlocked = true;
                    return y;
                }
                y.readPlain = true;
                residual.readPlain = true;
                kernels.add(new Kernel("Add", false, false, 0, (double) out * size * size));
                return tensor(out, size, false);
            }
            x.readPlain = true;
            if (residual != null) residual.readPlain = true;
            String op = relu || residual != null ? "microsoft.FusedConv" : "Conv";
            kernels.add(new Kernel(op + window + (groups > 1 ? "_grouped" : ""), depthwise, false,
                    (double) size * size * out * (x.channels / groups) * kernel * kernel, 0));
            return tensor(out, size, false);
        }

        /** The channel shuffle, in the plain layout. */
        Tensor shuffle(Tensor x) {
            x.readPlain = true;
            kernels.add(new Kernel("Reshape", false, false, 0, 0));
            kernels.add(new Kernel("Transpose", false, false, 0, (double) x.channels * x.size * x.size));
            kernels.add(new Kernel("Reshape", false, false, 0, 0));
            return tensor(x.channels, x.size, false);
        }

        /** One reorder per tensor read in the other layout than it is written in. */
        void reorders() {
            for (Tensor t : tensors) {
                if (t.blocked && t.readPlain)
                    kernels.add(new Kernel("nchwc.ReorderOutput", false, true, 0, (double) t.channels * t.size * t.size));
                if (!t.blocked && t.readBlocked)
                    kernels.add(new Kernel("nchwc.ReorderInput", false, true, 0, (double) padded(t.channels) * t.size * t.size));
            }
        }
    }

    /**
     * The kernels ORT runs for {@code arch} on {@code macro}'s network.
     *
     * @param block the NCHWc channel block of the CPU (8 with AVX2, 16 with AVX-512F)
     */
    public static List<Kernel> kernels(FbnetMacro macro, int block, FbnetArch arch) {
        if (block != 8 && block != 16) throw new IllegalArgumentException("NCHWc block is 8 or 16, got " + block);
        Builder b = new Builder(block);
        Tensor x = b.tensor(3, macro.inputSize(), false);
        x = b.conv(x, macro.stemChannels(), 3, macro.stemStride(), 1, true, null);
        for (FbnetMacro.Layer layer : macro.layers()) {
            FbnetBlock block1 = arch.block(layer.index());
            if (block1.isSkip()) {
                if (FbnetSpace.skipHasConv(layer)) x = b.conv(x, layer.outChannels(), 1, layer.stride(), 1, true, null);
                continue;
            }
            int mid = layer.inChannels() * block1.expansion(), g = block1.groups();
            boolean residual = layer.stride() == 1 && layer.inChannels() == layer.outChannels();
            Tensor y = b.conv(x, mid, 1, 1, g, true, null);
            if (g > 1) y = b.shuffle(y);
            y = b.conv(y, mid, block1.kernel(), layer.stride(), mid, true, null);
            x = b.conv(y, layer.outChannels(), 1, 1, g, false, residual ? x : null);
        }
        x = b.conv(x, macro.headChannels(), 1, 1, 1, true, null);
        // global pooling stays blocked (the head's channels are a multiple of the block); Flatten and Gemm read it plain
        x.readBlocked = true;
        Tensor pooled = b.tensor(macro.headChannels(), 1, true);
        pooled.readPlain = true;
        b.kernels.add(new Kernel("nchwc.GlobalAveragePool", false, true, 0, 0));
        b.kernels.add(new Kernel("Flatten", false, false, 0, 0));
        b.kernels.add(new Kernel("Gemm", false, false, (double) macro.headChannels() * macro.numClasses(), 0));
        b.reorders();
        return List.copyOf(b.kernels);
    }
}
