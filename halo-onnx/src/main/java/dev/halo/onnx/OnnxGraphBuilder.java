package dev.halo.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import dev.halo.Halo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Builds a float32 inference graph layer by layer, the way a PyTorch module would be written, with seeded random
 * weights. Shapes are static (a fixed batch) so that ONNX Runtime can plan memory as it would for a deployed model.
 *
 * <p>Initializer names follow PyTorch's state-dict convention ({@code conv_3.weight}, {@code bn_4.running_mean});
 * {@link #trainableParameters(ModelProto)} relies on it to count what {@code sum(p.numel() for p in
 * model.parameters())} counts. Batch normalisation stays a separate node rather than being folded into the
 * convolution: the parameter count then matches PyTorch's, and at optimisation level ALL ONNX Runtime fuses it
 * anyway, while level NONE shows its cost in per-operator profiles.
 */
public final class OnnxGraphBuilder {
    /** Opset 17: has HardSwish (14+) and is fully supported by ONNX Runtime 1.23. */
    public static final int OPSET = 17;

    private static final long IR_VERSION = 8; // the IR version that goes with opset 17
    private static final String RUNNING_MEAN = ".running_mean";
    private static final String RUNNING_VAR = ".running_var";
    private static final String CONSTANT_PREFIX = "const.";
    private static final float BN_EPSILON = 1e-5f;

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final List<Layer> layers = new ArrayList<>();
    private final SplittableRandom random;
    private final boolean withWeights;
    private final int batch;
    private int counter;
    private long trainable;
    private long macs;
    private Tensor input;

    /**
     * @param batch the fixed batch size of the input and output
     * @param seed seed of the random weights (the same seed gives the same model bytes)
     */
    public OnnxGraphBuilder(int batch, long seed) {
        this(batch, seed, true);
    }

    private OnnxGraphBuilder(int batch, long seed, boolean withWeights) {
        if (batch < 1) throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        this.batch = batch;
        this.random = new SplittableRandom(seed);
        this.withWeights = withWeights;
    }

    /**
     * A builder that records the layers, shapes and counts but stores no weight data: its model cannot run, but the
     * export is much cheaper (largest NAS-Bench-201 network on the 2-vCPU dev VM: about 1 ms against about 50 ms
     * with weights), which is what a predictor scoring a whole space needs.
     */
    public static OnnxGraphBuilder structureOnly(int batch) {
        return new OnnxGraphBuilder(batch, 0, false);
    }

    /** Declares the single image input {@code [batch, channels, height, width]}. */
    public Tensor input(int channels, int height, int width) {
        if (input != null) throw new IllegalStateException("the graph already has an input");
        input = Tensor.map("input", channels, height, width);
        graph.addInput(valueInfo(input.name(), batch, channels, height, width));
        return input;
    }

    /** Convolution without bias, padding {@code kernel / 2} (PyTorch's "same" for odd kernels at stride 1). */
    public Tensor conv(Tensor x, int outChannels, int kernel, int stride, int groups) {
        return conv(x, outChannels, kernel, stride, kernel / 2, groups, false);
    }

    /** Convolution with explicit padding; {@code bias} adds a trainable bias vector. */
    public Tensor conv(Tensor x, int outChannels, int kernel, int stride, int padding, int groups, boolean bias) {
        if (x.channels() % groups != 0 || outChannels % groups != 0)
            throw new IllegalArgumentException("conv groups " + groups + " do not divide " + x.channels() + " -> " + outChannels);
        String name = fresh("conv");
        int inPerGroup = x.channels() / groups;
        double std = Math.sqrt(2.0 / (inPerGroup * kernel * kernel)); // He initialisation keeps activations O(1)
        String w = weight(name + ".weight", std, outChannels, inPerGroup, kernel, kernel);
        int oh = outSize(x.height(), kernel, stride, padding);
        int ow = outSize(x.width(), kernel, stride, padding);
        NodeProto.Builder node = node("Conv", name, x.name(), w);
        if (bias) node.addInput(weight(name + ".bias", 0.01, outChannels));
        node.addAttribute(ints("kernel_shape", kernel, kernel))
                .addAttribute(ints("strides", stride, stride))
                .addAttribute(ints("pads", padding, padding, padding, padding))
                .addAttribute(ints("dilations", 1, 1))
                .addAttribute(intAttr("group", groups));
        long convMacs = (long) oh * ow * outChannels * inPerGroup * kernel * kernel;
        macs += convMacs;
        return emit(node, Tensor.map(name, outChannels, oh, ow), convMacs, x);
    }

    /** Inference-mode batch normalisation: trainable scale and shift, plus running mean and variance buffers. */
    public Tensor batchNorm(Tensor x) {
        String name = fresh("bn");
        int c = x.channels();
        String scale = filled(name + ".weight", c, 1.0f);
        String shift = filled(name + ".bias", c, 0.0f);
        String mean = buffer(name + RUNNING_MEAN, c, 0.0f);
        String var = buffer(name + RUNNING_VAR, c, 1.0f);
        return emit(node("BatchNormalization", name, x.name(), scale, shift, mean, var)
                .addAttribute(floatAttr("epsilon", BN_EPSILON)), rename(x, name), x.elements(), x);
    }

    public Tensor relu(Tensor x) {
        return unary("Relu", x);
    }

    public Tensor sigmoid(Tensor x) {
        return unary("Sigmoid", x);
    }

    /** PyTorch's {@code hardsigmoid}: {@code relu6(x + 3) / 6}. */
    public Tensor hardSigmoid(Tensor x) {
        String name = fresh("HardSigmoid");
        return emit(node("HardSigmoid", name, x.name())
                .addAttribute(floatAttr("alpha", 1.0f / 6.0f))
                .addAttribute(floatAttr("beta", 0.5f)), rename(x, name), x.elements(), x);
    }

    /** PyTorch's {@code hardswish}: {@code x * relu6(x + 3) / 6}. */
    public Tensor hardSwish(Tensor x) {
        return unary("HardSwish", x);
    }

    /** Element-wise sum of same-shaped tensors (a single tensor is returned as is). */
    public Tensor add(Tensor first, Tensor... rest) {
        Tensor sum = first;
        for (Tensor t : rest) {
            requireSameShape(sum, t);
            String name = fresh("Add");
            sum = emit(node("Add", name, sum.name(), t.name()), rename(sum, name), sum.elements(), sum, t);
        }
        return sum;
    }

    /** Element-wise product; {@code gate} may be {@code [C,1,1]} and broadcasts over the spatial dimensions. */
    public Tensor mul(Tensor x, Tensor gate) {
        if (gate.channels() != x.channels())
            throw new IllegalArgumentException("cannot multiply " + x + " by " + gate);
        String name = fresh("Mul");
        return emit(node("Mul", name, x.name(), gate.name()), rename(x, name), x.elements(), x, gate);
    }

    /** {@code x * 0}: the output of a node that receives only {@code none} edges, computed as PyTorch's Zero op does. */
    public Tensor zerosLike(Tensor x) {
        String zero = CONSTANT_PREFIX + fresh("zero");
        if (withWeights) graph.addInitializer(tensor(zero, new float[] {0.0f}));
        String name = fresh("Mul");
        return emit(node("Mul", name, x.name(), zero), rename(x, name), x.elements(), x, Tensor.vector(zero, 1));
    }

    /**
     * ShuffleNet's channel shuffle for {@code groups} groups: reshape to {@code [N, g, C/g, H, W]}, swap the two
     * channel axes, reshape back.
     */
    public Tensor channelShuffle(Tensor x, int groups) {
        if (x.channels() % groups != 0) throw new IllegalArgumentException("shuffle groups " + groups + " do not divide " + x.channels());
        String split = CONSTANT_PREFIX + fresh("shape");
        String merge = CONSTANT_PREFIX + fresh("shape");
        if (withWeights) {
            graph.addInitializer(longs(split, batch, groups, x.channels() / groups, x.height(), x.width()));
            graph.addInitializer(longs(merge, batch, x.channels(), x.height(), x.width()));
        }
        String r1 = fresh("Reshape");
        emit(node("Reshape", r1, x.name(), split), rename(x, r1), x.elements(), x);
        String tr = fresh("Transpose");
        emit(node("Transpose", tr, r1).addAttribute(ints("perm", 0, 2, 1, 3, 4)), rename(x, tr), x.elements(), x);
        String r2 = fresh("Reshape");
        return emit(node("Reshape", r2, tr, merge), rename(x, r2), x.elements(), x);
    }

    /** Average pooling; {@code countIncludePad == false} divides by the number of real pixels, as NAS-Bench-201 does. */
    public Tensor avgPool(Tensor x, int kernel, int stride, int padding, boolean countIncludePad) {
        String name = fresh("AveragePool");
        Tensor out = Tensor.map(name, x.channels(), outSize(x.height(), kernel, stride, padding), outSize(x.width(), kernel, stride, padding));
        return emit(node("AveragePool", name, x.name())
                .addAttribute(ints("kernel_shape", kernel, kernel))
                .addAttribute(ints("strides", stride, stride))
                .addAttribute(ints("pads", padding, padding, padding, padding))
                .addAttribute(intAttr("count_include_pad", countIncludePad ? 1 : 0)), out, out.elements(), x);
    }

    public Tensor maxPool(Tensor x, int kernel, int stride, int padding) {
        String name = fresh("MaxPool");
        Tensor out = Tensor.map(name, x.channels(), outSize(x.height(), kernel, stride, padding), outSize(x.width(), kernel, stride, padding));
        return emit(node("MaxPool", name, x.name())
                .addAttribute(ints("kernel_shape", kernel, kernel))
                .addAttribute(ints("strides", stride, stride))
                .addAttribute(ints("pads", padding, padding, padding, padding)), out, out.elements(), x);
    }

    /** {@code [N,C,H,W] -> [N,C,1,1]}. */
    public Tensor globalAvgPool(Tensor x) {
        String name = fresh("GlobalAveragePool");
        return emit(node("GlobalAveragePool", name, x.name()), Tensor.map(name, x.channels(), 1, 1), x.elements(), x);
    }

    /** {@code [N,C,H,W] -> [N, C*H*W]}. */
    public Tensor flatten(Tensor x) {
        String name = fresh("Flatten");
        return emit(node("Flatten", name, x.name()).addAttribute(intAttr("axis", 1)),
                Tensor.vector(name, Math.toIntExact(x.elements())), x.elements(), x);
    }

    /**
     * A fully connected layer with bias (PyTorch {@code nn.Linear}): {@code Gemm} on a flat tensor (weight
     * {@code [out, in]}), or {@code MatMul} + {@code Add} on every token of a sequence (weight {@code [in, out]}, as
     * PyTorch exports a linear layer on a 3-d input).
     */
    public Tensor linear(Tensor x, int outFeatures) {
        if (x.sequence()) return sequenceLinear(x, outFeatures, true);
        if (!x.flat()) throw new IllegalArgumentException("linear needs a flattened input or a sequence, got " + x);
        String name = fresh("linear");
        int in = x.channels();
        String w = weight(name + ".weight", Math.sqrt(1.0 / in), outFeatures, in);
        String b = weight(name + ".bias", 0.01, outFeatures);
        macs += (long) in * outFeatures;
        return emit(node("Gemm", name, x.name(), w, b).addAttribute(intAttr("transB", 1)),
                Tensor.vector(name, outFeatures), (long) in * outFeatures, x);
    }

    /** PyTorch's {@code ReLU6}: {@code Clip(x, 0, 6)}. */
    public Tensor relu6(Tensor x) {
        String name = fresh("Clip");
        return emit(node("Clip", name, x.name(), scalar(0.0f), scalar(6.0f)), rename(x, name), x.elements(), x);
    }

    /** PyTorch's {@code SiLU} (swish): {@code x * sigmoid(x)}. */
    public Tensor silu(Tensor x) {
        return mul(x, sigmoid(x));
    }

    /** Exact GELU, {@code x * 0.5 * (1 + erf(x / sqrt 2))}, as PyTorch exports it at opset 17 (ORT fuses it to Gelu). */
    public Tensor gelu(Tensor x) {
        String div = fresh("Div");
        emit(node("Div", div, x.name(), scalar((float) Math.sqrt(2.0))), rename(x, div), x.elements(), x);
        String erf = fresh("Erf");
        emit(node("Erf", erf, div), rename(x, erf), x.elements(), rename(x, div));
        String plus = fresh("Add");
        emit(node("Add", plus, erf, scalar(1.0f)), rename(x, plus), x.elements(), rename(x, erf));
        String times = fresh("Mul");
        emit(node("Mul", times, x.name(), plus), rename(x, times), x.elements(), x, rename(x, plus));
        String half = fresh("Mul");
        return emit(node("Mul", half, times, scalar(0.5f)), rename(x, half), x.elements(), rename(x, times));
    }

    /** Concatenates feature maps of equal spatial size along the channels (DenseNet, ShuffleNet). */
    public Tensor concat(Tensor first, Tensor... rest) {
        if (rest.length == 0) return first;
        String name = fresh("Concat");
        NodeProto.Builder node = node("Concat", name, first.name()).addAttribute(intAttr("axis", 1));
        int channels = first.channels();
        Tensor[] inputs = new Tensor[rest.length + 1];
        inputs[0] = first;
        for (int i = 0; i < rest.length; i++) {
            Tensor t = rest[i];
            if (t.layout() != Tensor.Layout.MAP || first.layout() != Tensor.Layout.MAP || t.height() != first.height() || t.width() != first.width())
                throw new IllegalArgumentException("cannot concatenate " + first + " and " + t);
            node.addInput(t.name());
            channels += t.channels();
            inputs[i + 1] = t;
        }
        Tensor out = Tensor.map(name, channels, first.height(), first.width());
        return emit(node, out, out.elements(), inputs);
    }

    /** Splits a feature map along the channels into parts of the given sizes (ShuffleNetV2's channel split). */
    public Tensor[] split(Tensor x, int... sizes) {
        if (x.layout() != Tensor.Layout.MAP || Arrays.stream(sizes).sum() != x.channels() || Arrays.stream(sizes).anyMatch(s -> s < 1))
            throw new IllegalArgumentException("cannot split " + x + " into " + Arrays.toString(sizes));
        String name = fresh("Split");
        String splitSizes = CONSTANT_PREFIX + fresh("split");
        if (withWeights) graph.addInitializer(longs(splitSizes, Arrays.stream(sizes).asLongStream().toArray()));
        NodeProto.Builder node = node("Split", name, x.name(), splitSizes).clearOutput().addAttribute(intAttr("axis", 1));
        Tensor[] parts = new Tensor[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            parts[i] = Tensor.map(name + "_" + i, sizes[i], x.height(), x.width());
            node.addOutput(parts[i].name());
        }
        emit(node, Tensor.map(name, x.channels(), x.height(), x.width()), x.elements(), x);
        return parts;
    }

    /** A feature map {@code [N, C, H, W]} as a sequence of {@code H*W} tokens of size {@code C} (ViT patch tokens). */
    public Tensor tokens(Tensor x) {
        if (x.layout() != Tensor.Layout.MAP) throw new IllegalArgumentException("tokens needs a feature map, got " + x);
        int tokens = x.height() * x.width();
        Tensor flat = reshape(x, Tensor.sequence(fresh("Reshape"), x.channels(), tokens)); // [N, C, H*W]
        return transpose(flat, Tensor.sequence(fresh("Transpose"), tokens, x.channels()), 0, 2, 1);
    }

    /** Prepends a trainable class token ({@code [1, 1, D]}, expanded over the batch) to a sequence. */
    public Tensor prependClassToken(Tensor x) {
        requireSequence(x);
        String name = fresh("cls");
        Tensor token = Tensor.sequence(weight(name + ".token", 0.02, 1, 1, x.channels()), 1, x.channels());
        if (batch > 1) {
            String shape = CONSTANT_PREFIX + fresh("shape");
            if (withWeights) graph.addInitializer(longs(shape, batch, 1, x.channels()));
            String expand = fresh("Expand");
            token = emit(node("Expand", expand, token.name(), shape), rename(token, expand), token.elements(), token);
        }
        String concat = fresh("Concat");
        return emit(node("Concat", concat, token.name(), x.name()).addAttribute(intAttr("axis", 1)),
                Tensor.sequence(concat, x.tokens() + 1, x.channels()), (x.tokens() + 1L) * x.channels(), token, x);
    }

    /** Adds a trainable position embedding {@code [1, T, D]} to a sequence. */
    public Tensor addPositionEmbedding(Tensor x) {
        requireSequence(x);
        String name = fresh("pos");
        String embedding = weight(name + ".embedding", 0.02, 1, x.tokens(), x.channels());
        String add = fresh("Add");
        return emit(node("Add", add, x.name(), embedding), rename(x, add), x.elements(), x);
    }

    /** Layer normalisation over the embedding of each token, trainable scale and shift ({@code nn.LayerNorm}, eps 1e-6). */
    public Tensor layerNorm(Tensor x) {
        requireSequence(x);
        String name = fresh("ln");
        String scale = filled(name + ".weight", x.channels(), 1.0f);
        String shift = filled(name + ".bias", x.channels(), 0.0f);
        return emit(node("LayerNormalization", name, x.name(), scale, shift)
                .addAttribute(intAttr("axis", -1))
                .addAttribute(floatAttr("epsilon", 1e-6f)), rename(x, name), x.elements(), x);
    }

    /**
     * Multi-head self-attention as {@code nn.MultiheadAttention} computes it: one QKV projection, scaled dot-product
     * attention per head with Softmax, output projection. Parameters: {@code 3D*D + 3D} and {@code D*D + D}.
     */
    public Tensor selfAttention(Tensor x, int heads) {
        requireSequence(x);
        int d = x.channels();
        int t = x.tokens();
        if (d % heads != 0) throw new IllegalArgumentException(heads + " heads do not divide embedding " + d);
        int hd = d / heads;
        Tensor qkv = linear(x, 3 * d);
        Tensor split = reshape(qkv, Tensor.map(fresh("Reshape"), t, 3 * heads, hd));           // [N, T, 3H, hd]
        Tensor perHead = transpose(split, Tensor.map(fresh("Transpose"), 3 * heads, t, hd), 0, 2, 1, 3); // [N, 3H, T, hd]
        Tensor[] qkvParts = split(perHead, heads, heads, heads);
        Tensor kT = transpose(qkvParts[1], Tensor.map(fresh("Transpose"), heads, hd, t), 0, 1, 3, 2);
        Tensor scores = matMul(qkvParts[0], kT, Tensor.map(fresh("MatMul"), heads, t, t), (long) heads * t * t * hd);
        String scaled = fresh("Mul");
        Tensor s = emit(node("Mul", scaled, scores.name(), scalar((float) (1.0 / Math.sqrt(hd)))), rename(scores, scaled), scores.elements(), scores);
        Tensor p = softmax(s);
        Tensor context = matMul(p, qkvParts[2], Tensor.map(fresh("MatMul"), heads, t, hd), (long) heads * t * t * hd);
        Tensor back = transpose(context, Tensor.map(fresh("Transpose"), t, heads, hd), 0, 2, 1, 3);    // [N, T, H, hd]
        Tensor merged = reshape(back, Tensor.sequence(fresh("Reshape"), t, d));
        return linear(merged, d);
    }

    /** Softmax over the last axis (attention maps {@code [N, heads, T, T]}, class scores {@code [N, classes]}). */
    public Tensor softmax(Tensor x) {
        String name = fresh("Softmax");
        return emit(node("Softmax", name, x.name()).addAttribute(intAttr("axis", -1)), rename(x, name), x.elements(), x);
    }

    /**
     * The product of two activations, batched over the heads: {@code [N, B, M, K] x [N, B, K, P] -> [N, B, M, P]}
     * (attention's {@code q kᵀ} and {@code p v} without the transposes ONNX Runtime would fuse into the product).
     */
    public Tensor matMul(Tensor a, Tensor b) {
        if (a.layout() != Tensor.Layout.MAP || b.layout() != Tensor.Layout.MAP || a.channels() != b.channels() || a.width() != b.height())
            throw new IllegalArgumentException("cannot multiply " + a + " by " + b);
        return matMul(a, b, Tensor.map(fresh("MatMul"), a.channels(), a.height(), b.width()), (long) a.channels() * a.height() * a.width() * b.width());
    }

    /** {@code x} reshaped to a feature map {@code [N, channels, height, width]} of the same size. */
    public Tensor asMap(Tensor x, int channels, int height, int width) {
        return reshape(x, Tensor.map(fresh("Reshape"), channels, height, width));
    }

    /** {@code x} reshaped to a sequence {@code [N, tokens, embedding]} of the same size. */
    public Tensor asSequence(Tensor x, int tokens, int embedding) {
        return reshape(x, Tensor.sequence(fresh("Reshape"), tokens, embedding));
    }

    /** A standalone Transpose of a feature map by {@code perm} over its four axes (the batch, axis 0, stays first). */
    public Tensor permute(Tensor x, int... perm) {
        if (x.layout() != Tensor.Layout.MAP) throw new IllegalArgumentException("permute needs a 4-d map, got " + x);
        if (perm.length != 4 || perm[0] != 0 || !Arrays.equals(Arrays.stream(perm).sorted().toArray(), new int[] {0, 1, 2, 3}))
            throw new IllegalArgumentException("not a permutation of 4 axes keeping the batch first: " + Arrays.toString(perm));
        int[] dims = {batch, x.channels(), x.height(), x.width()};
        Tensor out = Tensor.map(fresh("Transpose"), dims[perm[1]], dims[perm[2]], dims[perm[3]]);
        return transpose(x, out, Arrays.stream(perm).asLongStream().toArray());
    }

    /**
     * {@code x} plus a trainable tensor of its own per-sample shape: an Add that reads two full-size operands, as a
     * residual add does, from a single input.
     */
    public Tensor addWeight(Tensor x) {
        String name = fresh("added");
        long[] shape = x.shape(1);
        String w = weight(name + ".weight", 0.02, Arrays.stream(shape).mapToInt(Math::toIntExact).toArray());
        String add = fresh("Add");
        return emit(node("Add", add, x.name(), w), rename(x, add), x.elements(), x, rename(x, w));
    }

    /** {@code x} times a trainable per-channel scale ({@code [C, 1, 1]} on a map, {@code [D]} on a sequence): a gate's Mul. */
    public Tensor mulChannelWeight(Tensor x) {
        String name = fresh("gate");
        int c = x.channels();
        Tensor gate = x.layout() == Tensor.Layout.MAP ? Tensor.map(weight(name + ".weight", 1.0, c, 1, 1), c, 1, 1)
                : Tensor.vector(weight(name + ".weight", 1.0, c), c);
        String mul = fresh("Mul");
        return emit(node("Mul", mul, x.name(), gate.name()), rename(x, mul), x.elements(), x, gate);
    }

    /** The first token of a sequence as a flat vector {@code [N, D]} (ViT's class-token head input). */
    public Tensor firstToken(Tensor x) {
        requireSequence(x);
        String index = CONSTANT_PREFIX + fresh("index");
        if (withWeights) graph.addInitializer(TensorProto.newBuilder().setName(index)
                .setDataType(TensorProto.DataType.INT64.getNumber())
                .setRawData(ByteString.copyFrom(new byte[Long.BYTES])).build());
        String name = fresh("Gather");
        return emit(node("Gather", name, x.name(), index).addAttribute(intAttr("axis", 1)),
                Tensor.vector(name, x.channels()), x.channels(), x);
    }

    // ---- Swin: a token sequence [N, H*W, C] read as its row-major grid [N, H, W, C] ----

    /** A linear layer without bias on every token (Swin's patch-merging reduction): a single MatMul. */
    public Tensor linearNoBias(Tensor x, int outFeatures) {
        requireSequence(x);
        return sequenceLinear(x, outFeatures, false);
    }

    /**
     * {@code torch.roll} of the grid by {@code shift} along height and width (Swin's cyclic shift, negative to shift
     * up and left): per axis, the two Slices and the Concat that PyTorch exports it as.
     */
    public Tensor roll(Tensor x, int height, int width, int shift) {
        View g = gridView(x, height, width);
        for (int axis = 1; axis <= 2; axis++) {
            long size = g.dims()[axis];
            long k = Math.floorMod(shift, size);
            if (k == 0) continue;
            View tail = slice(g, new long[] {axis}, new long[] {size - k}, new long[] {size}, new long[] {1});
            View head = slice(g, new long[] {axis}, new long[] {0}, new long[] {size - k}, new long[] {1});
            g = concat(axis, tail, head);
        }
        return toSequence(g);
    }

    /** Zero-pads the grid at the bottom and right to {@code padHeight x padWidth} (torchvision pads Swin's maps to whole windows). */
    public Tensor padGrid(Tensor x, int height, int width, int padHeight, int padWidth) {
        if (padHeight < height || padWidth < width) throw new IllegalArgumentException("cannot pad " + height + "x" + width + " to " + padHeight + "x" + padWidth);
        View g = gridView(x, height, width);
        String pads = constantLongs(0, 0, 0, 0, 0, padHeight - height, padWidth - width, 0);
        View out = new View(fresh("Pad"), batch, padHeight, padWidth, x.channels());
        return toSequence(emit(node("Pad", out.name(), g.name(), pads), out, out.elements(), g));
    }

    /** The top-left {@code height x width} of a padded grid (undoes {@link #padGrid}). */
    public Tensor cropGrid(Tensor x, int padHeight, int padWidth, int height, int width) {
        View g = gridView(x, padHeight, padWidth);
        return toSequence(slice(g, new long[] {1, 2}, new long[] {0, 0}, new long[] {height, width}, new long[] {1, 1}));
    }

    /**
     * Reorders the grid window by window, {@code [N, H/w, w, W/w, w, C] -> [N, H/w, W/w, w, w, C]} (Swin's window
     * partition): the {@code w*w} tokens of each window become contiguous.
     */
    public Tensor windows(Tensor x, int height, int width, int window) {
        requireWindows(height, width, window);
        View split = reshape(gridView(x, height, width), height / window, window, width / window, window, x.channels());
        return toSequence(transpose(split, 0, 1, 3, 2, 4, 5));
    }

    /** Undoes {@link #windows}: window order back to the row-major grid. */
    public Tensor unwindows(Tensor x, int height, int width, int window) {
        requireWindows(height, width, window);
        View split = reshape(asView(x), height / window, width / window, window, window, x.channels());
        return toSequence(transpose(split, 0, 1, 3, 2, 4, 5));
    }

    /**
     * Swin's window multi-head self-attention on a sequence in {@link #windows} order: QKV projection, {@code q}
     * scaled, {@code q kᵀ} per window and head, plus the learned relative position bias (a {@code [(2w-1)², heads]}
     * table gathered to {@code [heads, 1, w², w²]}; ONNX Runtime folds the gather), plus, when {@code shifted}, the
     * constant mask ({@code -100} between tokens from different regions of the rolled map, as torchvision computes
     * it), Softmax, {@code · v}, output projection. Windows are folded into the head axis
     * ({@code [N, heads * windows, w², headDim]}): the same matrix products as torchvision's batch of windows.
     * Parameters: {@code 3C*C + 3C}, {@code (2w-1)² heads}, {@code C*C + C}.
     */
    public Tensor windowAttention(Tensor x, int heads, int window, int height, int width, boolean shifted) {
        requireSequence(x);
        requireWindows(height, width, window);
        int d = x.channels();
        if (d % heads != 0) throw new IllegalArgumentException(heads + " heads do not divide embedding " + d);
        if (x.tokens() != height * width) throw new IllegalArgumentException(x + " is not a " + height + "x" + width + " grid");
        int hd = d / heads;
        int t = window * window;
        int nW = (height / window) * (width / window);
        int folded = heads * nW;
        View qkv = reshape(asView(linear(x, 3 * d)), nW, t, 3L * heads, hd);              // [N, nW, t, 3*heads, hd]
        View perHead = transpose(qkv, 0, 3, 1, 2, 4);                                      // [N, 3*heads, nW, t, hd]
        Tensor[] qkvParts = split(toMap(reshape(perHead, 3L * folded, t, hd)), folded, folded, folded);
        String scaled = fresh("Mul");
        Tensor q = emit(node("Mul", scaled, qkvParts[0].name(), scalar((float) (1.0 / Math.sqrt(hd)))), rename(qkvParts[0], scaled),
                qkvParts[0].elements(), qkvParts[0]);
        Tensor kT = transpose(qkvParts[1], Tensor.map(fresh("Transpose"), folded, hd, t), 0, 1, 3, 2);
        Tensor scores = matMul(q, kT, Tensor.map(fresh("MatMul"), folded, t, t), (long) folded * t * t * hd);
        View biased = addBroadcast(reshape(asView(scores), heads, nW, t, t), relativePositionBias(heads, window));
        if (shifted) biased = addBroadcast(biased, shiftMask(height, width, window));
        Tensor s = toMap(reshape(biased, folded, t, t));
        Tensor p = softmax(s);
        Tensor context = matMul(p, qkvParts[2], Tensor.map(fresh("MatMul"), folded, t, hd), (long) folded * t * t * hd);
        View tokensFirst = transpose(reshape(asView(context), heads, nW, t, hd), 0, 2, 3, 1, 4); // [N, nW, t, heads, hd]
        return linear(toSequence(reshape(tokensFirst, (long) nW * t, d)), d);
    }

    /**
     * Swin V1's patch merging before the norm and reduction: the 2x2 neighbours {@code x[0::2, 0::2]},
     * {@code x[1::2, 0::2]}, {@code x[0::2, 1::2]}, {@code x[1::2, 1::2]} (four strided Slices) concatenated along
     * the channels: {@code [N, H*W, C] -> [N, H/2 * W/2, 4C]}.
     */
    public Tensor mergePatches(Tensor x, int height, int width) {
        if (height % 2 != 0 || width % 2 != 0) throw new IllegalArgumentException("patch merging needs an even grid, got " + height + "x" + width);
        View g = gridView(x, height, width);
        long[][] offsets = {{0, 0}, {1, 0}, {0, 1}, {1, 1}};
        View[] parts = new View[4];
        for (int i = 0; i < 4; i++)
            parts[i] = slice(g, new long[] {1, 2}, offsets[i], new long[] {height, width}, new long[] {2, 2});
        return toSequence(concat(3, parts));
    }

    /**
     * The mean over all tokens as a flat vector {@code [N, C]}, computed as torchvision's Swin head does: channels
     * first ({@code permute(0, 3, 1, 2)}), global average pooling, flatten.
     */
    public Tensor meanOverTokens(Tensor x, int height, int width) {
        View channelsFirst = transpose(gridView(x, height, width), 0, 3, 1, 2);
        return flatten(globalAvgPool(toMap(channelsFirst)));
    }

    /** {@code table[index]} reshaped to {@code [heads, 1, w², w²]}, broadcast over the windows. */
    private View relativePositionBias(int heads, int window) {
        int span = 2 * window - 1;
        int t = window * window;
        String name = fresh("rpb");
        String table = weight(name + ".table", 0.02, span * span, heads);
        long[] index = new long[t * t];
        for (int a = 0; a < t; a++)
            for (int b = 0; b < t; b++)
                index[a * t + b] = (long) (a / window - b / window + window - 1) * span + (a % window - b % window + window - 1);
        String indexName = CONSTANT_PREFIX + fresh("index");
        if (withWeights) graph.addInitializer(longs(indexName, index));
        View gathered = new View(fresh("Gather"), 0, (long) t * t, heads);
        emit(node("Gather", gathered.name(), table, indexName).addAttribute(intAttr("axis", 0)), gathered, gathered.elements(),
                new View(table, 0, (long) span * span, heads), new View(indexName, 0, (long) t * t));
        View perHead = transpose(reshape(gathered, t, t, heads), 2, 0, 1);
        return reshape(perHead, heads, 1, t, t);
    }

    /** torchvision's shifted-window mask {@code [nW, w², w²]}: 0 within a region of the rolled map, -100 across regions. */
    private View shiftMask(int height, int width, int window) {
        int shift = window / 2;
        int t = window * window;
        int cols = width / window;
        int nW = (height / window) * cols;
        String name = CONSTANT_PREFIX + fresh("mask");
        if (withWeights) {
            float[] mask = new float[nW * t * t];
            for (int w = 0; w < nW; w++)
                for (int a = 0; a < t; a++)
                    for (int b = 0; b < t; b++) {
                        int ra = region(w / cols * window + a / window, height, window, shift) * 3 + region(w % cols * window + a % window, width, window, shift);
                        int rb = region(w / cols * window + b / window, height, window, shift) * 3 + region(w % cols * window + b % window, width, window, shift);
                        mask[(w * t + a) * t + b] = ra == rb ? 0.0f : -100.0f;
                    }
            graph.addInitializer(tensor(name, mask, nW, t, t));
        }
        return new View(name, 0, nW, t, t);
    }

    /** Which of torchvision's three slices along one axis ({@code [0, -w)}, {@code [-w, -s)}, {@code [-s, end)}) holds {@code i}. */
    private static int region(int i, int size, int window, int shift) {
        return i < size - window ? 0 : i < size - shift ? 1 : 2;
    }

    private static void requireWindows(int height, int width, int window) {
        if (height % window != 0 || width % window != 0)
            throw new IllegalArgumentException("window " + window + " does not divide the grid " + height + "x" + width);
    }

    /**
     * A value of any rank inside a composite operation. {@code dims} is the full ONNX shape; when {@code batched} is
     * set its first entry is the batch (left out of layer signatures, like a {@link Tensor}'s), otherwise the value
     * is a constant without one.
     */
    private record View(String name, boolean batched, long... dims) {
        View(String name, int batch, long... perSample) {
            this(name, batch > 0, batch > 0 ? prepend(batch, perSample) : perSample);
        }

        long elements() {
            long e = 1;
            for (int i = batched ? 1 : 0; i < dims.length; i++) e *= dims[i];
            return e;
        }

        String shape() {
            return Arrays.stream(dims).skip(batched ? 1 : 0).mapToObj(String::valueOf).collect(Collectors.joining("x"));
        }

        private static long[] prepend(long first, long[] rest) {
            long[] all = new long[rest.length + 1];
            all[0] = first;
            System.arraycopy(rest, 0, all, 1, rest.length);
            return all;
        }
    }

    private View asView(Tensor x) {
        long[] full = x.shape(batch);
        return new View(x.name(), true, full);
    }

    private View gridView(Tensor x, int height, int width) {
        requireSequence(x);
        if (x.tokens() != height * width) throw new IllegalArgumentException(x + " is not a " + height + "x" + width + " grid");
        return reshape(asView(x), height, width, x.channels());
    }

    /** Reshapes a batched value to {@code [N, perSample...]}, or a constant to {@code perSample}. */
    private View reshape(View x, long... perSample) {
        View out = new View(fresh("Reshape"), x.batched() ? batch : 0, perSample);
        if (out.elements() != x.elements()) throw new IllegalArgumentException("cannot reshape " + x.shape() + " to " + out.shape());
        String shape = CONSTANT_PREFIX + fresh("shape");
        if (withWeights) graph.addInitializer(longs(shape, out.dims()));
        return emit(node("Reshape", out.name(), x.name(), shape), out, out.elements(), x);
    }

    /** Transposes by {@code perm} over all axes (batch included, so a batched value keeps 0 first). */
    private View transpose(View x, int... perm) {
        if (perm.length != x.dims().length || (x.batched() && perm[0] != 0)) throw new IllegalArgumentException("bad permutation of " + x.shape());
        long[] dims = new long[perm.length];
        for (int i = 0; i < perm.length; i++) dims[i] = x.dims()[perm[i]];
        View out = new View(fresh("Transpose"), x.batched(), dims);
        return emit(node("Transpose", out.name(), x.name()).addAttribute(ints("perm", Arrays.stream(perm).asLongStream().toArray())),
                out, out.elements(), x);
    }

    /** One Slice node over the given axes of a batched value. */
    private View slice(View x, long[] axes, long[] starts, long[] ends, long[] steps) {
        long[] dims = x.dims().clone();
        for (int i = 0; i < axes.length; i++) dims[(int) axes[i]] = (ends[i] - starts[i] + steps[i] - 1) / steps[i];
        View out = new View(fresh("Slice"), true, dims);
        String name = out.name();
        return emit(node("Slice", name, x.name(), constantLongs(starts), constantLongs(ends), constantLongs(axes), constantLongs(steps)),
                out, out.elements(), x);
    }

    /** Concatenates batched values along {@code axis} (batch is axis 0). */
    private View concat(int axis, View... parts) {
        long[] dims = parts[0].dims().clone();
        dims[axis] = Arrays.stream(parts).mapToLong(p -> p.dims()[axis]).sum();
        View out = new View(fresh("Concat"), true, dims);
        NodeProto.Builder node = node("Concat", out.name()).addAttribute(intAttr("axis", axis));
        for (View p : parts) node.addInput(p.name());
        return emit(node, out, out.elements(), parts);
    }

    /** {@code x + addend}, the addend broadcasting over the leading axes it lacks. */
    private View addBroadcast(View x, View addend) {
        View out = new View(fresh("Add"), true, x.dims());
        return emit(node("Add", out.name(), x.name(), addend.name()), out, out.elements(), x, addend);
    }

    /** A batched 3-d value {@code [N, T, C]} as a sequence, reshaping other ranks to {@code [N, T, last]}. */
    private Tensor toSequence(View v) {
        long[] d = v.dims();
        int channels = Math.toIntExact(d[d.length - 1]);
        int tokens = Math.toIntExact(v.elements() / channels);
        View seq = d.length == 3 ? v : reshape(v, tokens, channels);
        return Tensor.sequence(seq.name(), tokens, channels);
    }

    /** A batched 4-d value {@code [N, C, H, W]} as a map. */
    private Tensor toMap(View v) {
        long[] d = v.dims();
        if (!v.batched() || d.length != 4) throw new IllegalArgumentException("not a 4-d batched value: " + v.shape());
        return Tensor.map(v.name(), Math.toIntExact(d[1]), Math.toIntExact(d[2]), Math.toIntExact(d[3]));
    }

    private String constantLongs(long... values) {
        String name = CONSTANT_PREFIX + fresh("ints");
        if (withWeights) graph.addInitializer(longs(name, values));
        return name;
    }

    /** Marks {@code x} (a flat tensor) as the graph's single output and returns the finished network. */
    public OnnxNetwork build(Tensor x, String docString) {
        if (input == null) throw new IllegalStateException("the graph has no input");
        if (!x.flat()) throw new IllegalArgumentException("the output must be flat, got " + x);
        graph.setName("halo").setDocString(docString).addOutput(valueInfo(x.name(), batch, x.channels()));
        ModelProto model = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("halo")
                .setProducerVersion(Halo.version())
                .setGraph(graph)
                .build();
        return new OnnxNetwork(model, input.name(), batch, input.channels(), input.height(), input.width(),
                x.name(), x.channels(), trainable, macs, List.copyOf(layers), withWeights);
    }

    /**
     * Counts the trainable parameters of a model built here from its initializers alone: every element except
     * batch-norm running statistics and graph constants.
     */
    public static long trainableParameters(ModelProto model) {
        long total = 0;
        for (TensorProto t : model.getGraph().getInitializerList()) {
            String n = t.getName();
            if (n.endsWith(RUNNING_MEAN) || n.endsWith(RUNNING_VAR) || n.startsWith(CONSTANT_PREFIX)) continue;
            long elements = 1;
            for (long d : t.getDimsList()) elements *= d;
            total += elements;
        }
        return total;
    }

    // ---- helpers ----

    private Tensor unary(String op, Tensor x) {
        String name = fresh(op);
        return emit(node(op, name, x.name()), rename(x, name), x.elements(), x);
    }

    private Tensor sequenceLinear(Tensor x, int outFeatures, boolean bias) {
        String name = fresh("linear");
        int in = x.channels();
        String w = weight(name + ".weight", Math.sqrt(1.0 / in), in, outFeatures);
        long work = (long) x.tokens() * in * outFeatures;
        String mm = name + ".MatMul";
        Tensor out = Tensor.sequence(mm, x.tokens(), outFeatures);
        macs += work;
        emit(node("MatMul", mm, x.name(), w), out, work, x);
        if (!bias) return out;
        String b = weight(name + ".bias", 0.01, outFeatures);
        String add = name + ".Add";
        return emit(node("Add", add, mm, b), rename(out, add), out.elements(), out);
    }

    private Tensor matMul(Tensor a, Tensor b, Tensor out, long work) {
        macs += work;
        return emit(node("MatMul", out.name(), a.name(), b.name()), out, work, a, b);
    }

    /** Reshapes {@code x} to {@code out}'s shape (same element count); {@code out.name()} names the node. */
    private Tensor reshape(Tensor x, Tensor out) {
        if (x.elements() != out.elements()) throw new IllegalArgumentException("cannot reshape " + x + " to " + out);
        String shape = CONSTANT_PREFIX + fresh("shape");
        if (withWeights) graph.addInitializer(longs(shape, out.shape(batch)));
        return emit(node("Reshape", out.name(), x.name(), shape), out, out.elements(), x);
    }

    private Tensor transpose(Tensor x, Tensor out, long... perm) {
        if (x.elements() != out.elements()) throw new IllegalArgumentException("cannot transpose " + x + " to " + out);
        return emit(node("Transpose", out.name(), x.name()).addAttribute(ints("perm", perm)), out, out.elements(), x);
    }

    /** A float scalar graph constant (not a parameter). */
    private String scalar(float value) {
        String name = CONSTANT_PREFIX + fresh("scalar");
        if (withWeights) graph.addInitializer(tensor(name, new float[] {value}));
        return name;
    }

    private static void requireSequence(Tensor x) {
        if (!x.sequence()) throw new IllegalArgumentException("needs a token sequence, got " + x);
    }

    /** Adds the node to the graph and records it as a {@link Layer} with its signature and work. */
    private Tensor emit(NodeProto.Builder node, Tensor out, long work, Tensor... inputs) {
        append(node, work, shape(out), Arrays.stream(inputs).map(OnnxGraphBuilder::shape).toArray(String[]::new));
        return out;
    }

    /** {@link #emit} for values of any rank. */
    private View emit(NodeProto.Builder node, View out, long work, View... inputs) {
        append(node, work, out.shape(), Arrays.stream(inputs).map(View::shape).toArray(String[]::new));
        return out;
    }

    private void append(NodeProto.Builder node, long work, String outShape, String... inShapes) {
        StringBuilder sig = new StringBuilder(node.getOpType());
        node.getAttributeList().stream()
                .sorted(Comparator.comparing(AttributeProto::getName))
                .forEach(a -> sig.append(' ').append(a.getName()).append('=').append(attributeValue(a)));
        sig.append(" |");
        for (String in : inShapes) sig.append(' ').append(in);
        sig.append(" -> ").append(outShape);
        node.setDocString(sig.toString());
        graph.addNode(node);
        layers.add(new Layer(node.getName(), node.getOpType(), sig.toString(), work));
    }

    private static String attributeValue(AttributeProto a) {
        return switch (a.getType()) {
            case INT -> Long.toString(a.getI());
            case FLOAT -> Float.toString(a.getF());
            case INTS -> a.getIntsList().stream().map(String::valueOf).collect(Collectors.joining(","));
            default -> a.getType().name();
        };
    }

    private static String shape(Tensor t) {
        return switch (t.layout()) {
            case VECTOR -> Integer.toString(t.channels());
            case SEQUENCE -> t.tokens() + "x" + t.channels();
            case MAP -> t.channels() + "x" + t.height() + "x" + t.width();
        };
    }

    private static Tensor rename(Tensor like, String name) {
        return new Tensor(name, like.channels(), like.height(), like.width(), like.layout());
    }

    private static void requireSameShape(Tensor a, Tensor b) {
        if (a.channels() != b.channels() || a.height() != b.height() || a.width() != b.width())
            throw new IllegalArgumentException("cannot add " + a + " and " + b);
    }

    private static int outSize(int in, int kernel, int stride, int padding) {
        int out = (in + 2 * padding - kernel) / stride + 1;
        if (out < 1) throw new IllegalArgumentException("kernel " + kernel + " does not fit an input of size " + in);
        return out;
    }

    private String fresh(String kind) {
        return kind + "_" + (counter++);
    }

    /** A trainable tensor drawn from normal(0, std). */
    private String weight(String name, double std, int... dims) {
        if (!withWeights) {
            trainable += product(dims);
            return name;
        }
        float[] values = new float[Math.toIntExact(product(dims))];
        for (int i = 0; i < values.length; i++) values[i] = (float) (random.nextGaussian() * std);
        return trainable(name, values, dims);
    }

    /** A trainable vector with every element {@code fill} (batch-norm scale 1 and shift 0, as PyTorch initialises them). */
    private String filled(String name, int size, float fill) {
        float[] values = new float[size];
        Arrays.fill(values, fill);
        return trainable(name, values, size);
    }

    private String trainable(String name, float[] values, int... dims) {
        if (withWeights) graph.addInitializer(tensor(name, values, dims));
        trainable += values.length;
        return name;
    }

    private String buffer(String name, int size, float fill) {
        if (!withWeights) return name;
        float[] values = new float[size];
        Arrays.fill(values, fill);
        graph.addInitializer(tensor(name, values, size));
        return name;
    }

    private static long product(int[] dims) {
        long p = 1;
        for (int d : dims) p *= d;
        return p;
    }

    private static TensorProto tensor(String name, float[] values, int... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) bytes.putFloat(v);
        bytes.flip();
        TensorProto.Builder t = TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.FLOAT.getNumber())
                .setRawData(ByteString.copyFrom(bytes));
        for (int d : dims) t.addDims(d);
        return t.build();
    }

    private static TensorProto longs(String name, long... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) bytes.putLong(v);
        bytes.flip();
        return TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.INT64.getNumber())
                .setRawData(ByteString.copyFrom(bytes))
                .addDims(values.length)
                .build();
    }

    private static NodeProto.Builder node(String op, String name, String... inputs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(name);
        for (String i : inputs) n.addInput(i);
        return n;
    }

    private static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) a.addInts(v);
        return a.build();
    }

    private static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static AttributeProto floatAttr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    private static ValueInfoProto valueInfo(String name, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        TypeProto type = TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape))
                .build();
        return ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }
}
