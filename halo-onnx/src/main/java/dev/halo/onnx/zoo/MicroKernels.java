package dev.halo.onnx.zoo;

import dev.halo.onnx.OnnxGraphBuilder;
import dev.halo.onnx.OnnxNetwork;
import dev.halo.onnx.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Single kernels: every variant is a tiny network of ONE operator on the single 4-d input, with only what the builder
 * needs around it (a Reshape that reads the input as a token sequence or as two matrices, a Split that makes the second
 * operand of a product of two activations, and the final Flatten; ONNX Runtime runs the Reshapes and the Flatten as
 * views). The kernel-level latency model is trained on profiled zoo networks, and some kernels occur in one family only
 * (convolutions that ORT's NCHWc layout does not take and so runs in plain NCHW, 2-8x slower per MAC; attention-map
 * softmax, LayerNorm over long sequences, large batched products, window partitions): this family shows each of them on
 * its own, over realistic CNN and transformer shapes drawn independently of any torchvision model.
 *
 * <p>Canonical strings, defaults in brackets ({@code micro:op=conv:cin=58:cout=58:k=3:s=1:g=58:act=relu:res=40}):
 * <ul>
 *   <li>{@code op=conv} [conv]: {@code cin} [64], {@code cout} [64], {@code k} (odd) [3], {@code s} [1], {@code g} [1],
 *       {@code act} none|relu|hardswish|silu [relu], {@code res} [56]: a {@code k x k} convolution, padding {@code k/2},
 *       always followed by BatchNorm (which ORT folds into it, as in every CNN of the zoo) and the activation;
 *   <li>{@code op=matmul}: {@code heads} [8], {@code m} [196], {@code k} [64], {@code n} [196]: {@code [heads, m, k] x [heads, k, n]};
 *   <li>{@code op=linear}: {@code tokens} [196], {@code dim} [384], {@code out} [1536]: MatMul + Add with a weight;
 *   <li>{@code op=softmax}: {@code heads} [8], {@code rows} [196], {@code cols} [196]: over the last axis;
 *   <li>{@code op=layernorm}: {@code tokens} [196], {@code dim} [384];
 *   <li>{@code op=batchnorm|globalpool|concat|split|shuffle}: {@code c} [64], {@code res} [56] (concat: the input with
 *       itself; split and shuffle: two halves, {@code c} even);
 *   <li>element-wise {@code op=add|mul|sigmoid|gelu|hardswish|hardsigmoid|relu}: {@code c} [64] and {@code res} [56] on a
 *       map, or {@code tokens} [196] and {@code dim} [384] on a sequence (when either is given); add: of a trainable
 *       tensor of the same shape; mul: by a trainable per-channel gate;
 *   <li>{@code op=maxpool|avgpool}: {@code c} [64], {@code k} [3], {@code s} [2], {@code res} [56], padding {@code (k-1)/2};
 *   <li>{@code op=transpose}: {@code shape} (the input's three dimensions after the batch) [56-56-64], {@code perm}
 *       (of the four axes, 0 first) [0-3-1-2];
 *   <li>{@code op=windows}: {@code dim} [96], {@code grid} [56], {@code window} [7]: Swin's window partition of a
 *       {@code grid x grid} map of {@code dim} channels (the 6-d transpose).
 * </ul>
 */
public final class MicroKernels implements ModelFamily {
    /** The name halo-core's kernel corpus knows single-kernel models by (they are never held out or calibrated on). */
    public static final String NAME = dev.halo.kernel.KernelCorpus.SINGLE_KERNELS;

    /** Caps on a sampled variant, so that each runs well under 50 ms on one core. */
    static final long MAX_MACS = 1_000_000_000L;
    /** Depthwise and grouped convolutions cost 2-8x more per MAC (more still in ORT's plain NCHW layout): a lower cap. */
    static final long MAX_GROUPED_MACS = 200_000_000L;
    /** 32 MiB of float32 in any one tensor (input, output or weight). */
    static final long MAX_ELEMENTS = 8L << 20;

    static final List<String> ACTIVATIONS = List.of("none", "relu", "hardswish", "silu");
    static final List<String> ELEMENTWISE = List.of("add", "mul", "sigmoid", "gelu", "hardswish", "hardsigmoid", "relu");
    static final List<String> ON_MAPS = List.of("batchnorm", "globalpool", "concat", "split", "shuffle");
    static final List<String> POOLS = List.of("maxpool", "avgpool");
    /** Every {@code op}, in the order {@link #description()} lists them. */
    static final List<String> OPS = concat(List.of("conv", "matmul", "linear", "softmax", "layernorm"), ON_MAPS, ELEMENTWISE, POOLS,
            List.of("transpose", "windows"));

    /**
     * What {@link #sample} draws from, uniformly: every op, with the four kinds of convolution counted as four (ORT runs
     * them as different kernels, and convolutions are most of a CNN's time).
     */
    static final List<String> DRAWN = concat(List.of("conv-dense", "conv-pointwise", "conv-depthwise", "conv-grouped"),
            OPS.subList(1, OPS.size()));

    private static final Set<String> KEYS = Set.of("op", "cin", "cout", "k", "s", "g", "act", "res", "heads", "m", "n", "tokens", "dim",
            "out", "rows", "cols", "c", "shape", "perm", "grid", "window");

    /** A micro model: one operator on one input. */
    public sealed interface Variant extends ZooModel permits Conv, MatMul, Linear, Softmax, OnMap, OnSequence, Pool, Transpose, Windows {
        /** The {@code op} key. */
        String op();

        /** Multiply-accumulates of the operator (0 for operators that do none). */
        long macs();

        /** Elements of the largest tensor in the network (input, output or weight), per sample. */
        long largestTensor();

        /** The network's last tensor before the final Flatten. */
        Tensor operator(OnnxGraphBuilder b);

        /** What the operator is, in words (the model's doc string starts with it). */
        default String label() {
            return op();
        }

        @Override
        default String family() {
            return NAME;
        }

        /** The input map's side; 0 when the input is read as a sequence or matrices. */
        @Override
        default int resolution() {
            return 0;
        }

        @Override
        default OnnxNetwork export(OnnxGraphBuilder b) {
            return b.build(b.flatten(operator(b)), "Micro " + label() + " " + canonical());
        }
    }

    /** A {@code kernel x kernel} convolution, then BatchNorm and {@code activation}. */
    public record Conv(int cin, int cout, int kernel, int stride, int groups, String activation, int resolution) implements Variant {
        @Override
        public String op() {
            return "conv";
        }

        /** dense, pointwise, depthwise or grouped. */
        public String kind() {
            if (groups == 1) return kernel == 1 ? "pointwise" : "dense";
            return groups == cin && cin == cout ? "depthwise" : "grouped";
        }

        public int outputSide() {
            return (resolution - 1) / stride + 1; // padding kernel/2 with an odd kernel
        }

        @Override
        public String canonical() {
            return Spec.format(NAME, "op", op(), "cin", cin, "cout", cout, "k", kernel, "s", stride, "g", groups, "act", activation,
                    "res", resolution);
        }

        @Override
        public long macs() {
            return product(outputSide(), outputSide(), cout, cin / groups, kernel, kernel);
        }

        @Override
        public long largestTensor() {
            return Math.max(Math.max(product(cin, resolution, resolution), product(cout, outputSide(), outputSide())),
                    product(cout, cin / groups, kernel, kernel));
        }

        @Override
        public Tensor operator(OnnxGraphBuilder b) {
            Tensor x = b.batchNorm(b.conv(b.input(cin, resolution, resolution), cout, kernel, stride, groups));
            return switch (activation) {
                case "relu" -> b.relu(x);
                case "hardswish" -> b.hardSwish(x);
                case "silu" -> b.silu(x);
                default -> x;
            };
        }

        @Override
        public String label() {
            return kind() + " conv";
        }
    }

    /**
     * {@code [heads, m, k] x [heads, k, n]}, both operands activations: the input {@code [m*k + k*n, heads, 1]} split
     * in two and each part reshaped (the values are random, so which element lands where does not matter).
     */
    public record MatMul(int heads, int m, int k, int n) implements Variant {
        @Override
        public String op() {
            return "matmul";
        }

        @Override
        public String canonical() {
            return Spec.format(NAME, "op", op(), "heads", heads, "m", m, "k", k, "n", n);
        }

        @Override
        public long macs() {
            return product(heads, m, k, n);
        }

        @Override
        public long largestTensor() {
            return Math.max(product(heads, (long) m * k + (long) k * n), product(heads, m, n));
        }

        @Override
        public Tensor operator(OnnxGraphBuilder b) {
            int left = m * k, right = k * n;
            Tensor[] parts = b.split(b.input(left + right, heads, 1), left, right);
            return b.matMul(b.asMap(parts[0], heads, m, k), b.asMap(parts[1], heads, k, n));
        }
    }

    /** A linear layer with bias on every token of {@code [tokens, dim]}. */
    public record Linear(int tokens, int dim, int out) implements Variant {
        @Override
        public String op() {
            return "linear";
        }

        @Override
        public String canonical() {
            return Spec.format(NAME, "op", op(), "tokens", tokens, "dim", dim, "out", out);
        }

        @Override
        public long macs() {
            return product(tokens, dim, out);
        }

        @Override
        public long largestTensor() {
            return Math.max(Math.max(product(tokens, dim), product(tokens, out)), product(dim, out));
        }

        @Override
        public Tensor operator(OnnxGraphBuilder b) {
            return b.linear(b.asSequence(b.input(tokens, dim, 1), tokens, dim), out);
        }
    }

    /** Softmax over the last axis of {@code [heads, rows, cols]} (attention maps; {@code [1, 1, classes]} for a classifier). */
    public record Softmax(int heads, int rows, int cols) implements Variant {
        @Override
        public String op() {
            return "softmax";
        }

        @Override
        public String canonical() {
            return Spec.format(NAME, "op", op(), "heads", heads, "rows", rows, "cols", cols);
        }

        @Override
        public long macs() {
            return 0;
        }

        @Override
        public long largestTensor() {
            return product(heads, rows, cols);
        }

        @Override
        public Tensor operator(OnnxGraphBuilder b) {
            return b.softmax(b.input(heads, rows, cols));
        }
    }

    /** An operator on a feature map {@code [c, res, res]}: {@link #ON_MAPS} or {@link #ELEMENTWISE}. */
    public record OnMap(String op, int channels, int resolution) implements Variant {
        @Override
        public String canonical() {
            return Spec.format(NAME, "op", op, "c", channels, "res", resolution);
        }

        @Override
        public long macs() {
            return 0;
        }

        @Override
        public long largestTensor() {
            return product(op.equals("concat") ? 2 : 1, channels, resolution, resolution);
        }

        @Override
        public Tensor operator(OnnxGraphBuilder b) {
            Tensor x = b.input(channels, resolution, resolution);
            return switch (op) {
                case "batchnorm" -> b.batchNorm(x); // on the input there is no convolution to fold it into
                case "globalpool" -> b.globalAvgPool(x);
                case "concat" -> b.concat(x, x);
                case "split" -> b.split(x, channels / 2, channels / 2)[0]; // ORT still writes both halves
                case "shuffle" -> b.channelShuffle(x, 2);
                default -> elementwise(b, op, x);
            };
        }
    }

    /** An operator on a token sequence {@code [tokens, dim]}: layernorm or {@link #ELEMENTWISE}. */
    public record OnSequence(String op, int tokens, int dim) implements Variant {
        @Override
        public String canonical() {
            return Spec.format(NAME, "op", op, "tokens", tokens, "dim", dim);
        }

        @Override
        public long macs() {
            return 0;
        }

        @Override
        public long largestTensor() {
            return product(tokens, dim);
        }

        @Override
        public Tensor operator(OnnxGraphBuilder b) {
            Tensor x = b.asSequence(b.input(tokens, dim, 1), tokens, dim);
            return op.equals("layernorm") ? b.layerNorm(x) : elementwise(b, op, x);
        }
    }

    /** Max or average pooling, {@code kernel x kernel}, padding {@code (kernel - 1) / 2}. */
    public record Pool(String op, int channels, int kernel, int stride, int resolution) implements Variant {
        public int padding() {
            return (kernel - 1) / 2;
        }

        @Override
        public String canonical() {
            return Spec.format(NAME, "op", op, "c", channels, "k", kernel, "s", stride, "res", resolution);
        }

        @Override
        public long macs() {
            return 0;
        }

        @Override
        public long largestTensor() {
            return product(channels, resolution, resolution);
        }

        @Override
        public Tensor operator(OnnxGraphBuilder b) {
            Tensor x = b.input(channels, resolution, resolution);
            // count_include_pad as PyTorch's AvgPool2d defaults to
            return op.equals("maxpool") ? b.maxPool(x, kernel, stride, padding()) : b.avgPool(x, kernel, stride, padding(), true);
        }
    }

    /** A Transpose by {@code perm} of an input of {@code shape} (batch excluded). */
    public record Transpose(List<Integer> shape, List<Integer> perm) implements Variant {
        public Transpose {
            shape = List.copyOf(shape);
            perm = List.copyOf(perm);
        }

        @Override
        public String op() {
            return "transpose";
        }

        @Override
        public String canonical() {
            return Spec.format(NAME, "op", op(), "shape", Spec.ints(shape), "perm", Spec.ints(perm));
        }

        @Override
        public long macs() {
            return 0;
        }

        @Override
        public long largestTensor() {
            return product(shape.get(0), shape.get(1), shape.get(2));
        }

        @Override
        public Tensor operator(OnnxGraphBuilder b) {
            return b.permute(b.input(shape.get(0), shape.get(1), shape.get(2)), perm.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    /** Swin's window partition of a {@code grid x grid} map of {@code dim} channels into {@code window x window} windows. */
    public record Windows(int dim, int grid, int window) implements Variant {
        @Override
        public String op() {
            return "windows";
        }

        @Override
        public String canonical() {
            return Spec.format(NAME, "op", op(), "dim", dim, "grid", grid, "window", window);
        }

        @Override
        public int resolution() {
            return grid;
        }

        @Override
        public long macs() {
            return 0;
        }

        @Override
        public long largestTensor() {
            return product(grid, grid, dim);
        }

        @Override
        public Tensor operator(OnnxGraphBuilder b) {
            int tokens = grid * grid;
            return b.windows(b.asSequence(b.input(tokens, dim, 1), tokens, dim), grid, grid, window);
        }
    }

    private static Tensor elementwise(OnnxGraphBuilder b, String op, Tensor x) {
        return switch (op) {
            case "add" -> b.addWeight(x);
            case "mul" -> b.mulChannelWeight(x);
            case "sigmoid" -> b.sigmoid(x);
            case "gelu" -> b.gelu(x);
            case "hardswish" -> b.hardSwish(x);
            case "hardsigmoid" -> b.hardSigmoid(x);
            case "relu" -> b.relu(x);
            default -> throw new IllegalArgumentException("not an element-wise op: " + op);
        };
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "one operator per model: conv (dense k 3/5/7, pointwise, depthwise, grouped of width 8-64; stride 1-2; BN + "
                + "none/relu/hardswish/silu; channels 8-1024, map 7-112), matmul [1-16 heads, 16-800, 16-1024] x [16-1024, 16-1024], "
                + "linear 64-1024 -> 64-4096 on 16-800 tokens, softmax over 16-800 tokens or 10-1000 classes, layernorm on "
                + "16-3136 tokens, batchnorm, element-wise (add, mul, sigmoid, gelu, hardswish, hardsigmoid, relu), max/avg/global "
                + "pooling, concat, split, shuffle, transpose, window partition; half the channel counts not multiples of 16; "
                + "at most 1e9 MACs and 32 MB per tensor";
    }

    @Override
    public Variant parse(String text) {
        Spec s = Spec.parse(text, NAME, KEYS);
        String op = s.string("op", "conv");
        s.require(OPS.contains(op), "unknown op '" + op + "' (micro has " + String.join(", ", OPS) + ")");
        Variant v;
        if (op.equals("conv")) {
            allow(s, op, "cin", "cout", "k", "s", "g", "act", "res");
            Conv c = new Conv(size(s, "cin", 64), size(s, "cout", 64), size(s, "k", 3), size(s, "s", 1), size(s, "g", 1),
                    s.string("act", "relu"), size(s, "res", 56));
            s.require(c.kernel() % 2 == 1, "k must be odd (padding k/2 keeps the map's size)");
            s.require(c.cin() % c.groups() == 0 && c.cout() % c.groups() == 0, "g must divide cin and cout");
            s.require(ACTIVATIONS.contains(c.activation()), "act must be one of " + ACTIVATIONS + ", got '" + c.activation() + "'");
            v = c;
        } else if (op.equals("matmul")) {
            allow(s, op, "heads", "m", "k", "n");
            v = new MatMul(size(s, "heads", 8), size(s, "m", 196), size(s, "k", 64), size(s, "n", 196));
        } else if (op.equals("linear")) {
            allow(s, op, "tokens", "dim", "out");
            v = new Linear(size(s, "tokens", 196), size(s, "dim", 384), size(s, "out", 1536));
        } else if (op.equals("softmax")) {
            allow(s, op, "heads", "rows", "cols");
            v = new Softmax(size(s, "heads", 8), size(s, "rows", 196), size(s, "cols", 196));
        } else if (POOLS.contains(op)) {
            allow(s, op, "c", "k", "s", "res");
            Pool p = new Pool(op, size(s, "c", 64), size(s, "k", 3), size(s, "s", 2), size(s, "res", 56));
            s.require(p.kernel() <= p.resolution() + 2 * p.padding(), "k must fit the padded map (res " + p.resolution() + ")");
            v = p;
        } else if (op.equals("transpose")) {
            allow(s, op, "shape", "perm");
            Transpose t = new Transpose(s.integers("shape", List.of(56, 56, 64)), s.integers("perm", List.of(0, 3, 1, 2)));
            s.require(t.shape().size() == 3 && t.shape().stream().allMatch(d -> d >= 1), "shape must be three sizes >= 1");
            s.require(t.perm().size() == 4 && t.perm().getFirst() == 0 && t.perm().stream().sorted().toList().equals(List.of(0, 1, 2, 3)),
                    "perm must order the axes 0-1-2-3 with 0 (the batch) first");
            v = t;
        } else if (op.equals("windows")) {
            allow(s, op, "dim", "grid", "window");
            Windows w = new Windows(size(s, "dim", 96), size(s, "grid", 56), size(s, "window", 7));
            s.require(w.grid() % w.window() == 0, "window must divide grid");
            v = w;
        } else if (op.equals("layernorm") || ELEMENTWISE.contains(op) && (s.keys().contains("tokens") || s.keys().contains("dim"))) {
            allow(s, op, "tokens", "dim");
            v = new OnSequence(op, size(s, "tokens", 196), size(s, "dim", 384));
        } else {
            allow(s, op, "c", "res");
            OnMap m = new OnMap(op, size(s, "c", 64), size(s, "res", 56));
            s.require(!(op.equals("split") || op.equals("shuffle")) || m.channels() % 2 == 0, "c must be even for " + op);
            v = m;
        }
        s.require(v.largestTensor() <= Integer.MAX_VALUE, "a tensor of " + v.largestTensor() + " elements is too large");
        return v;
    }

    @Override
    public Variant sample(SplittableRandom r) {
        String what = DRAWN.get(r.nextInt(DRAWN.size()));
        while (true) {
            Variant v = draw(what, r);
            long maxMacs = v instanceof Conv c && c.groups() > 1 ? MAX_GROUPED_MACS : MAX_MACS;
            if (v.macs() <= maxMacs && v.largestTensor() <= MAX_ELEMENTS) return v;
        }
    }

    /** No presets: no torchvision model is a single kernel. */
    @Override
    public Map<String, String> presets() {
        return Map.of();
    }

    private static Variant draw(String what, SplittableRandom r) {
        return switch (what) {
            case "conv-dense" -> new Conv(channels(r, 8, 1024), channels(r, 8, 1024), Spec.pick(r, 3, 5, 7), stride(r), 1, activation(r), side(r));
            case "conv-pointwise" -> new Conv(channels(r, 8, 1024), channels(r, 8, 1024), 1, stride(r), 1, activation(r), side(r));
            case "conv-depthwise" -> {
                int c = channels(r, 8, 1024);
                yield new Conv(c, c, Spec.pick(r, 3, 5, 7), stride(r), c, activation(r), side(r));
            }
            case "conv-grouped" -> {
                int c;
                List<Integer> widths;
                do {
                    c = channels(r, 16, 1024);
                    widths = groupWidths(c);
                } while (widths.isEmpty());
                int width = widths.get(r.nextInt(widths.size()));
                yield new Conv(c, c, Spec.pick(r, 1, 3, 5), stride(r), c / width, activation(r), side(r));
            }
            case "matmul" -> {
                int heads = Spec.between(r, 1, 16), tokens = logUniform(r, 16, 800), headDim = channels(r, 16, 128);
                yield switch (r.nextInt(3)) {
                    case 0 -> new MatMul(heads, tokens, headDim, tokens); // attention scores, q kᵀ
                    case 1 -> new MatMul(heads, tokens, tokens, headDim); // attention-weighted values, p v
                    default -> new MatMul(heads, tokens, channels(r, 16, 1024), channels(r, 16, 1024));
                };
            }
            case "linear" -> new Linear(logUniform(r, 16, 800), channels(r, 64, 1024), channels(r, 64, 4096));
            case "softmax" -> {
                int heads = Spec.between(r, 1, 16), tokens = logUniform(r, 16, 800);
                yield r.nextInt(4) == 0 ? new Softmax(1, 1, logUniform(r, 10, 1000)) : new Softmax(heads, tokens, tokens);
            }
            case "layernorm" -> new OnSequence(what, logUniform(r, 16, 3136), channels(r, 32, 1024));
            case "maxpool", "avgpool" -> {
                int c = channels(r, 8, 1024), kernel = Spec.pick(r, 2, 3, 5);
                yield new Pool(what, c, kernel, kernel == 2 ? 2 : Spec.pick(r, 1, 2), side(r));
            }
            case "transpose" -> {
                int c = channels(r, 8, 1024), side = side(r);
                int heads = Spec.between(r, 1, 16), tokens = logUniform(r, 16, 800), headDim = channels(r, 16, 128);
                yield switch (r.nextInt(5)) {
                    case 0 -> new Transpose(List.of(side, side, c), List.of(0, 3, 1, 2));           // channels last to first
                    case 1 -> new Transpose(List.of(c, side, side), List.of(0, 2, 3, 1));           // channels first to last
                    case 2 -> new Transpose(List.of(tokens, heads, headDim), List.of(0, 2, 1, 3));  // tokens to heads
                    case 3 -> new Transpose(List.of(heads, tokens, headDim), List.of(0, 2, 1, 3));  // heads back to tokens
                    default -> new Transpose(List.of(heads, tokens, headDim), List.of(0, 1, 3, 2)); // kᵀ per head
                };
            }
            case "windows" -> {
                int window = Spec.pick(r, 4, 7, 8, 12);
                yield new Windows(channels(r, 32, 1024), window * Spec.between(r, 1, 112 / window), window);
            }
            default -> {
                if (ON_MAPS.contains(what) || r.nextBoolean()) yield new OnMap(what, channels(r, 8, 1024), side(r));
                yield new OnSequence(what, logUniform(r, 16, 3136), channels(r, 32, 4096));
            }
        };
    }

    /**
     * A channel count in {@code [lo, hi]} (both multiples of 8), log-uniform: half of them multiples of 16, a quarter odd
     * multiples of 8, a quarter even but not multiples of 8. ORT's layout depends on it (ORT 1.23 on x86-64, NCHWc block
     * 8 with AVX2, 16 with AVX-512): a dense or depthwise convolution runs in NCHWc, padded to the block, when its
     * channels are a multiple of 4, a grouped one when the block divides its group width; the rest in plain NCHW.
     */
    static int channels(SplittableRandom r, int lo, int hi) {
        double v = Math.exp(Math.log(lo) + r.nextDouble() * (Math.log(hi) - Math.log(lo)));
        int kind = r.nextInt(4);
        int step = kind < 2 ? 16 : kind == 2 ? 8 : 2;
        int c = Math.clamp(Math.round(v / step) * step, (lo + step - 1) / step * step, hi / step * step);
        if (kind == 2 && c % 16 == 0) c += c + 8 <= hi ? 8 : -8;
        if (kind == 3 && c % 8 == 0) c += c + 2 <= hi ? 2 : -2;
        return c;
    }

    /** The group widths from 8 to 64 that divide {@code channels} into at least two groups. */
    static List<Integer> groupWidths(int channels) {
        List<Integer> widths = new ArrayList<>();
        for (int w = 8; w <= 64 && w < channels; w++) if (channels % w == 0) widths.add(w);
        return widths;
    }

    private static int logUniform(SplittableRandom r, int lo, int hi) {
        return (int) Math.round(Math.exp(Math.log(lo) + r.nextDouble() * (Math.log(hi) - Math.log(lo))));
    }

    /** A feature map's side, 7 to 112. */
    private static int side(SplittableRandom r) {
        return Spec.between(r, 7, 112);
    }

    /** Stride 2 one time in three: most convolutions of a network keep the map's size. */
    private static int stride(SplittableRandom r) {
        return Spec.pick(r, 1, 1, 2);
    }

    private static String activation(SplittableRandom r) {
        return ACTIVATIONS.get(r.nextInt(ACTIVATIONS.size()));
    }

    /** An integer key's value, at least 1. */
    private static int size(Spec s, String key, int fallback) {
        int v = s.integer(key, fallback);
        s.require(v >= 1, key + " must be >= 1, got " + v);
        return v;
    }

    /** Refuses keys that {@code op} does not take (the family's key set is the union over its operators). */
    private static void allow(Spec s, String op, String... keys) {
        List<String> allowed = Arrays.asList(keys);
        for (String key : s.keys())
            if (!key.equals("op")) s.require(allowed.contains(key), "op=" + op + " takes no key '" + key + "' (it has " + allowed + ")");
    }

    /** The product of positive factors, saturating at {@code Long.MAX_VALUE} (parsed sizes may be anything). */
    private static long product(long... factors) {
        long p = 1;
        for (long f : factors) p = Math.multiplyHigh(p, f) != 0 || p * f < 0 ? Long.MAX_VALUE : p * f;
        return p;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        return Arrays.stream(lists).flatMap(List::stream).toList();
    }
}
