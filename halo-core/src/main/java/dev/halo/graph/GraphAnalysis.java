package dev.halo.graph;

import dev.halo.BadInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Shape inference and costs for a {@link Graph}: halo's own rules for the operators CNNs and transformers use
 * (default ONNX domain, plus the fused and blocked-layout kernels ONNX Runtime writes into optimised models).
 *
 * <p>A node halo cannot handle (an unknown operator, a shape that depends on data) is reported with a message naming
 * it and its operator; its outputs take the shapes the model declares in {@code value_info} when it declares them,
 * and are unknown otherwise, so that only the nodes which need them are reported too. The rest is still described.
 */
public final class GraphAnalysis {
    private static final Set<String> UNARY = Set.of("Relu", "LeakyRelu", "PRelu", "Elu", "Selu", "Celu", "Sigmoid",
            "HardSigmoid", "HardSwish", "Tanh", "Gelu", "FastGelu", "QuickGelu", "Erf", "Exp", "Log", "Sqrt", "Reciprocal",
            "Neg", "Abs", "Softplus", "Softsign", "Mish", "Clip", "Floor", "Ceil", "Round", "Sin", "Cos", "Sign",
            "ThresholdedRelu", "Shrink", "Not", "IsNaN", "IsInf", "CumSum", "Trilu", "Swish");
    private static final Set<String> BINARY = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean",
            "Mod", "And", "Or", "Xor", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "BiasGelu", "BiasAdd",
            "Where");
    private static final Set<String> BOOL_OUT = Set.of("Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual",
            "And", "Or", "Xor", "Not", "IsNaN", "IsInf");
    private static final Set<String> MOVES = Set.of("Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Shape",
            "Constant", "Transpose", "Concat", "Split", "Slice", "Gather", "GatherElements", "Expand", "Tile", "Pad",
            "Cast", "CastLike", "Dropout", "ConstantOfShape", "ReorderInput", "ReorderOutput", "DepthToSpace",
            "SpaceToDepth", "Range", "ScatterND", "ScatterElements", "Size");
    private static final Set<String> KNOWN_DOMAINS = Set.of("", "ai.onnx", "com.microsoft", "com.microsoft.nchwc");

    private final Graph graph;
    private final long opset;
    private final Map<String, Value> values = new HashMap<>();
    private final Map<String, String> unknownOrigin = new HashMap<>();
    private final Map<String, ValueInfo> declared = new HashMap<>();
    private final Map<String, String> aliases = new HashMap<>();
    private final long nchwcBlock;

    /** A tensor during inference: type, shape (null = unknown rank) and, for small constants, its elements. */
    private record Value(DType type, TensorShape shape, double[] data, boolean constant) {
        long[] dims() {
            return shape.toArray();
        }
    }

    /** A node halo cannot infer or cost; the message names the reason (the caller adds node and operator). */
    private static final class Fail extends RuntimeException {
        Fail(String message) {
            super(message, null, false, false);
        }
    }

    private GraphAnalysis(Graph graph) {
        this.graph = graph;
        this.opset = graph.opset();
        this.nchwcBlock = nchwcBlock(graph);
    }

    /**
     * The channel block of ONNX Runtime's NCHWc kernels in an optimised model (8 with AVX2, 16 with AVX-512): the
     * larger of the two that divides every blocked channel count the model's NCHWc convolution weights show. A
     * tensor whose channels are an odd multiple of 8 would show up there, so 16 is only chosen when it gives the
     * same padded shapes.
     */
    private static long nchwcBlock(Graph g) {
        for (Node n : g.nodes()) {
            if (!n.domain().equals("com.microsoft.nchwc") || !n.opType().equals("Conv")) continue;
            ConstTensor w = g.initializers().get(n.input(1));
            if (w == null || w.dims().length < 2) continue;
            long out = w.dims()[0], in = w.dims()[1] * n.attrInt("group", 1);
            if (out % 16 != 0 || (in >= 8 && in % 16 != 0)) return 8;
        }
        return 16;
    }

    /**
     * Infers every shape and cost of {@code graph}.
     *
     * @param given shapes for inputs (required for inputs with dynamic dimensions, optional otherwise)
     * @throws BadInputException for inputs halo cannot feed: a dynamic dimension without a given shape, a given shape
     *     that contradicts the model, an input name the model does not have, a non-float input
     */
    public static GraphReport analyze(Graph graph, Map<String, TensorShape> given) {
        return new GraphAnalysis(graph).run(given);
    }

    /** The shape of every graph input as halo will feed it; see {@link #analyze} for the errors. */
    public static List<ValueInfo> resolveInputs(Graph graph, Map<String, TensorShape> given) {
        Map<String, TensorShape> left = new LinkedHashMap<>(given);
        List<ValueInfo> out = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (ValueInfo v : graph.feeds()) {
            TensorShape g = left.remove(v.name());
            if (!v.type().isFloat())
                throw new BadInputException("input '" + v.name() + "' has element type " + v.type().label()
                        + "; halo feeds float inputs only (float32, float16, bfloat16, double)");
            if (g != null) {
                TensorShape d = v.shape();
                if (d != null && d.rank() != g.rank())
                    throw new BadInputException("--input " + v.name() + "=" + g + ": the model declares rank " + d.rank() + " (" + d + ")");
                if (d != null)
                    for (int i = 0; i < d.rank(); i++)
                        if (d.dim(i) >= 0 && d.dim(i) != g.dim(i))
                            throw new BadInputException("--input " + v.name() + "=" + g + ": the model fixes dimension " + i + " to " + d.dim(i) + " (" + d + ")");
                out.add(new ValueInfo(v.name(), v.type(), g));
            } else if (v.shape() == null) {
                missing.add("'" + v.name() + "' has no declared shape");
            } else if (!v.shape().isStatic()) {
                int i = v.shape().firstDynamic();
                String sym = v.shape().symbols()[i];
                missing.add("'" + v.name() + "' has a dynamic dimension " + (sym == null ? "" : "'" + sym + "' ") + "(dim " + i + " of " + v.shape() + ")");
            } else {
                out.add(v);
            }
        }
        if (!left.isEmpty()) {
            String name = left.keySet().iterator().next();
            throw new BadInputException("--input " + name + ": the model has no input '" + name + "' (inputs: "
                    + String.join(", ", graph.feeds().stream().map(ValueInfo::name).toList()) + ")");
        }
        if (!missing.isEmpty()) {
            String example = graph.feeds().stream().filter(v -> !given.containsKey(v.name()))
                    .map(v -> "--input " + v.name() + "=" + example(v.shape())).reduce((a, b) -> a + " " + b).orElse("");
            throw new BadInputException("input " + String.join("; input ", missing) + ": give every input's shape, e.g. " + example);
        }
        return out;
    }

    private static String example(TensorShape declared) {
        if (declared == null) return "1x3x224x224";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < declared.rank(); i++) sb.append(i == 0 ? "" : "x").append(declared.dim(i) >= 0 ? declared.dim(i) : 1);
        return sb.isEmpty() ? "scalar" : sb.toString();
    }

    private GraphReport run(Map<String, TensorShape> given) {
        List<ValueInfo> inputs = resolveInputs(graph, given);
        for (ValueInfo v : inputs) values.put(v.name(), new Value(v.type(), v.shape(), null, false));
        for (ConstTensor t : graph.initializers().values())
            values.put(t.name(), new Value(t.type(), t.shape(), t.values(), true));
        for (ValueInfo v : graph.valueInfos()) declared.put(v.name(), v);
        for (ValueInfo v : graph.outputs()) declared.putIfAbsent(v.name(), v);

        List<NodeReport> reports = new ArrayList<>();
        Set<String> paramsSeen = new HashSet<>();
        long macs = 0, flops = 0, params = 0, buffers = 0, bytes = 0, weightBytes = 0;
        int costed = 0;
        List<Node> nodes = graph.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            String name = n.name().isEmpty() ? n.opType() + "#" + i : n.name();
            NodeReport r = node(i, name, n);
            reports.add(r);
            if (r.cost() == null) continue;
            costed++;
            NodeCost c = r.cost();
            macs += c.macs();
            flops += c.flops();
            bytes += c.bytesMoved();
            for (int k = 0; k < n.inputs().size(); k++) {
                String in = n.inputs().get(k);
                Value v = values.get(in);
                if (in.isEmpty() || v == null || !v.constant() || !paramsSeen.add(aliases.getOrDefault(in, in))) continue;
                long elements = Math.max(0, v.shape().elements());
                weightBytes += elements * v.type().bytes();
                if (!isParameter(v)) continue;
                if (isStatistic(n, k)) buffers += elements;
                else params += elements;
            }
        }
        List<ValueInfo> outputs = new ArrayList<>();
        for (ValueInfo o : graph.outputs()) {
            Value v = values.get(o.name());
            outputs.add(v == null ? new ValueInfo(o.name(), o.type(), null) : new ValueInfo(o.name(), v.type(), v.shape()));
        }
        return new GraphReport(inputs, outputs, reports,
                new GraphReport.Totals(nodes.size(), costed, macs, flops, params, buffers, bytes, weightBytes));
    }

    /** Float constants of rank 1 or more; scalars (an epsilon, a power of 2, the exporter's zero) are not parameters. */
    private static boolean isParameter(Value v) {
        return v.type().isFloat() && v.shape().rank() > 0;
    }

    private static boolean isStatistic(Node n, int input) {
        return n.opType().equals("BatchNormalization") && input >= 3;
    }

    private NodeReport node(int index, String name, Node n) {
        List<TensorShape> ins = new ArrayList<>();
        List<TensorShape> weights = new ArrayList<>();
        for (String in : n.inputs()) {
            if (in.isEmpty()) continue;
            Value v = values.get(in);
            if (v != null && v.constant() && !n.opType().equals("Identity")) weights.add(v.shape());
            else ins.add(v == null ? null : v.shape());
        }
        String where = "node '" + name + "' (op " + n.qualifiedOp() + ")";
        List<Value> outs;
        NodeCost cost = null;
        String problem = null;
        try {
            if (!KNOWN_DOMAINS.contains(n.domain())) throw new Fail("unknown operator domain '" + n.domain() + "'");
            outs = infer(n);
            cost = cost(n, outs);
        } catch (Fail f) {
            problem = where + ": " + f.getMessage();
            outs = fromDeclared(n);
            if (outs != null) problem += "; its output shapes come from the model's value_info";
        } catch (ArithmeticException | IndexOutOfBoundsException e) {
            problem = where + ": inconsistent shapes (" + e.getClass().getSimpleName() + ")";
            outs = fromDeclared(n);
        }
        List<TensorShape> outShapes = new ArrayList<>();
        for (int k = 0; k < n.outputs().size(); k++) {
            String o = n.outputs().get(k);
            Value v = outs != null && k < outs.size() ? outs.get(k) : null;
            if (v == null || v.shape() == null) {
                if (!o.isEmpty()) unknownOrigin.put(o, unknownOrigin.getOrDefault(firstUnknownInput(n), name));
                outShapes.add(null);
            } else {
                if (!o.isEmpty()) values.put(o, v);
                outShapes.add(v.shape());
            }
        }
        return new NodeReport(index, name, n.qualifiedOp(), ins, weights, outShapes, cost, problem);
    }

    private String firstUnknownInput(Node n) {
        for (String in : n.inputs()) if (!in.isEmpty() && unknownOrigin.containsKey(in)) return in;
        return "";
    }

    private List<Value> fromDeclared(Node n) {
        List<Value> outs = new ArrayList<>();
        for (String o : n.outputs()) {
            ValueInfo d = declared.get(o);
            if (d == null || d.shape() == null || !d.shape().isStatic()) return null;
            outs.add(new Value(d.type(), d.shape(), null, false));
        }
        return outs;
    }

    // ---- shape inference ----

    private Value in(Node n, int i) {
        String name = n.input(i);
        if (name.isEmpty()) throw new Fail("input " + i + " is missing");
        Value v = values.get(name);
        if (v == null || v.shape() == null) {
            String origin = unknownOrigin.get(name);
            throw new Fail("input '" + name + "' has no known shape" + (origin == null ? "" : " (from node '" + origin + "', not costed)"));
        }
        return v;
    }

    private Value optional(Node n, int i) {
        return n.input(i).isEmpty() ? null : in(n, i);
    }

    private long[] ints(Node n, int i, String what) {
        Value v = in(n, i);
        if (v.data() == null) throw new Fail(what + " (input '" + n.input(i) + "') is not a constant halo can evaluate");
        long[] out = new long[v.data().length];
        for (int k = 0; k < out.length; k++) out[k] = (long) v.data()[k];
        return out;
    }

    private double[] reals(Node n, int i, String what) {
        Value v = in(n, i);
        if (v.data() == null) throw new Fail(what + " (input '" + n.input(i) + "') is not a constant halo can evaluate");
        return v.data();
    }

    /** The attribute if present, else the constant input {@code i} if given, else null. */
    private long[] attrOrInput(Node n, String attr, int i, String what) {
        if (n.has(attr)) return n.attrInts(attr);
        if (!n.input(i).isEmpty()) return ints(n, i, what);
        return null;
    }

    private static Value tensor(DType t, long... dims) {
        return new Value(t, TensorShape.of(dims), null, false);
    }

    private static Value consts(DType t, long[] dims, double[] data) {
        return new Value(t, TensorShape.of(dims), data != null && data.length <= ConstTensor.MAX_KEPT_ELEMENTS ? data : null, false);
    }

    private static int axis(long a, int rank) {
        long r = a < 0 ? a + rank : a;
        if (r < 0 || r >= rank) throw new Fail("axis " + a + " is out of range for rank " + rank);
        return (int) r;
    }

    private List<Value> infer(Node n) {
        String op = n.opType();
        if (n.domain().equals("com.microsoft.nchwc") && !Set.of("Conv", "MaxPool", "AveragePool", "GlobalAveragePool",
                "GlobalMaxPool", "Upsample", "ReorderOutput", "ReorderInput").contains(op))
            throw new Fail("unknown operator");
        if (UNARY.contains(op)) {
            Value x = in(n, 0);
            return List.of(tensor(BOOL_OUT.contains(op) ? DType.BOOL : x.type(), x.dims()));
        }
        if (BINARY.contains(op)) return List.of(broadcastAll(n, op));
        return switch (op) {
            case "Conv", "FusedConv", "ConvInteger" -> List.of(conv(n));
            case "ConvTranspose" -> List.of(convTranspose(n));
            case "MaxPool", "AveragePool", "LpPool" -> pool(n);
            case "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool" -> {
                Value x = in(n, 0);
                long[] d = x.dims();
                for (int k = 2; k < d.length; k++) d[k] = 1;
                yield List.of(tensor(x.type(), d));
            }
            case "Gemm", "FusedGemm" -> List.of(gemm(n));
            case "MatMul", "FusedMatMul" -> List.of(matmul(n));
            case "BatchNormalization", "InstanceNormalization", "GroupNormalization", "LRN", "Softmax", "LogSoftmax",
                    "Hardmax", "Identity", "QuantizeLinear", "DequantizeLinear", "ScatterND", "ScatterElements" -> {
                Value x = in(n, 0);
                DType t = op.equals("QuantizeLinear") ? DType.UINT8 : op.equals("DequantizeLinear") ? DType.FLOAT : x.type();
                // an Identity of a constant is that constant under another name (PyTorch shares tensors that way)
                boolean alias = op.equals("Identity") && x.constant();
                if (alias) aliases.put(n.outputs().getFirst(), aliases.getOrDefault(n.input(0), n.input(0)));
                yield List.of(new Value(t, x.shape(), op.equals("Identity") ? x.data() : null, alias));
            }
            case "LayerNormalization", "SimplifiedLayerNormalization", "SkipLayerNormalization",
                    "SkipSimplifiedLayerNormalization" -> layerNorm(n);
            case "Dropout" -> {
                Value x = in(n, 0);
                yield List.of(new Value(x.type(), x.shape(), x.data(), false), tensor(DType.BOOL, x.dims()));
            }
            case "Cast", "CastLike" -> {
                Value x = in(n, 0);
                DType to = op.equals("Cast") ? DType.of((int) n.attrInt("to", 1)) : in(n, 1).type();
                yield List.of(new Value(to, x.shape(), x.data(), false));
            }
            case "Constant" -> List.of(constant(n));
            case "ConstantOfShape" -> {
                long[] shape = ints(n, 0, "the shape");
                var a = n.attributes().get("value");
                DType t = a != null && a.t() != null ? a.t().type() : DType.FLOAT;
                double fill = a != null && a.t() != null && a.t().values() != null && a.t().values().length > 0 ? a.t().values()[0] : 0;
                long count = TensorShape.of(shape).elements();
                double[] data = count <= ConstTensor.MAX_KEPT_ELEMENTS ? filled((int) count, fill) : null;
                yield List.of(consts(t, shape, data));
            }
            case "Shape" -> List.of(shapeOf(n));
            case "Size" -> {
                long e = in(n, 0).shape().elements();
                yield List.of(consts(DType.INT64, new long[0], e < 0 ? null : new double[] {e}));
            }
            case "Reshape" -> List.of(reshape(n));
            case "Flatten" -> {
                Value x = in(n, 0);
                long[] d = x.dims();
                int ax = (int) (n.attrInt("axis", 1) < 0 ? n.attrInt("axis", 1) + d.length : n.attrInt("axis", 1));
                yield List.of(new Value(x.type(), TensorShape.of(product(d, 0, ax), product(d, ax, d.length)), x.data(), false));
            }
            case "Transpose" -> {
                Value x = in(n, 0);
                long[] d = x.dims();
                long[] perm = n.attrInts("perm");
                long[] out = new long[d.length];
                for (int k = 0; k < d.length; k++) out[k] = d[perm == null ? d.length - 1 - k : (int) perm[k]];
                yield List.of(tensor(x.type(), out));
            }
            case "Squeeze" -> List.of(squeeze(n));
            case "Unsqueeze" -> List.of(unsqueeze(n));
            case "Concat" -> List.of(concat(n));
            case "Split" -> split(n);
            case "Slice" -> List.of(slice(n));
            case "Gather" -> List.of(gather(n));
            case "GatherElements" -> List.of(tensor(in(n, 0).type(), in(n, 1).dims()));
            case "Expand" -> {
                Value x = in(n, 0);
                yield List.of(tensor(x.type(), broadcast(x.dims(), ints(n, 1, "the target shape"))));
            }
            case "Tile" -> {
                Value x = in(n, 0);
                long[] reps = ints(n, 1, "the repeats");
                long[] d = x.dims();
                for (int k = 0; k < d.length; k++) d[k] = d[k] < 0 ? -1 : d[k] * reps[k];
                yield List.of(tensor(x.type(), d));
            }
            case "Pad" -> {
                Value x = in(n, 0);
                long[] pads = attrOrInput(n, "pads", 1, "the pads");
                if (pads == null) throw new Fail("no pads");
                long[] d = x.dims();
                long[] axes = n.input(3).isEmpty() ? null : ints(n, 3, "the axes");
                int count = axes == null ? d.length : axes.length;
                for (int k = 0; k < count; k++) {
                    int ax = axes == null ? k : axis(axes[k], d.length);
                    if (d[ax] >= 0) d[ax] += pads[k] + pads[k + count];
                }
                yield List.of(tensor(x.type(), d));
            }
            case "Resize", "Upsample" -> List.of(resize(n));
            case "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
                    "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare", "ArgMax", "ArgMin" -> List.of(reduce(n));
            case "TopK" -> {
                Value x = in(n, 0);
                long[] d = x.dims();
                long k = n.has("k") ? n.attrInt("k", 1) : ints(n, 1, "K")[0];
                d[axis(n.attrInt("axis", -1), d.length)] = k;
                yield List.of(tensor(x.type(), d), tensor(DType.INT64, d));
            }
            case "Range" -> {
                double[] s = reals(n, 0, "start"), l = reals(n, 1, "limit"), dl = reals(n, 2, "delta");
                long count = Math.max(0, (long) Math.ceil((l[0] - s[0]) / dl[0]));
                double[] data = null;
                if (count <= ConstTensor.MAX_KEPT_ELEMENTS) {
                    data = new double[(int) count];
                    for (int k = 0; k < count; k++) data[k] = s[0] + k * dl[0];
                }
                yield List.of(consts(in(n, 0).type(), new long[] {count}, data));
            }
            case "DepthToSpace", "SpaceToDepth" -> {
                Value x = in(n, 0);
                long[] d = x.dims();
                long b = n.attrInt("blocksize", 1);
                boolean up = op.equals("DepthToSpace");
                yield List.of(tensor(x.type(), d[0], up ? d[1] / (b * b) : d[1] * b * b, up ? d[2] * b : d[2] / b, up ? d[3] * b : d[3] / b));
            }
            case "Attention" -> {
                Value x = in(n, 0);
                long[] d = x.dims();
                long[] w = in(n, 1).dims();
                long[] qkv = n.attrInts("qkv_hidden_sizes");
                long hv = qkv != null && qkv.length == 3 ? qkv[2] : w[1] / 3;
                yield List.of(tensor(x.type(), d[0], d[1], hv));
            }
            case "MultiHeadAttention" -> {
                Value q = in(n, 0);
                long[] d = q.dims();
                if (d.length != 3) throw new Fail("packed query layouts are not supported");
                Value v = optional(n, 2);
                long hv = v != null && v.shape().rank() == 3 ? v.shape().dim(2) : d[2];
                yield List.of(tensor(q.type(), d[0], d[1], hv));
            }
            case "ReorderInput" -> {
                Value x = in(n, 0);
                long[] d = x.dims();
                boolean last = n.attrInt("channels_last", 0) != 0;
                long c = last ? d[3] : d[1];
                long padded = c < 0 ? -1 : Math.ceilDiv(c, nchwcBlock) * nchwcBlock;
                yield List.of(tensor(x.type(), d[0], padded, last ? d[1] : d[2], last ? d[2] : d[3]));
            }
            case "ReorderOutput" -> {
                Value x = in(n, 0);
                long[] d = x.dims();
                long c = n.attrInt("channels", d[1]);
                boolean last = n.attrInt("channels_last", 0) != 0;
                yield List.of(tensor(x.type(), last ? new long[] {d[0], d[2], d[3], c} : new long[] {d[0], c, d[2], d[3]}));
            }
            case "NonZero", "NonMaxSuppression", "Unique", "Compress" -> throw new Fail("its output shape depends on the data");
            default -> throw new Fail("unknown operator");
        };
    }

    private Value constant(Node n) {
        var a = n.attributes();
        if (a.containsKey("value") && a.get("value").t() != null) {
            ConstTensor t = a.get("value").t();
            return new Value(t.type(), t.shape(), t.values(), true);
        }
        if (a.containsKey("value_float")) return new Value(DType.FLOAT, TensorShape.SCALAR, new double[] {a.get("value_float").f()}, true);
        if (a.containsKey("value_int")) return new Value(DType.INT64, TensorShape.SCALAR, new double[] {a.get("value_int").i()}, true);
        if (a.containsKey("value_floats")) {
            double[] f = a.get("value_floats").floats();
            return new Value(DType.FLOAT, TensorShape.of(f.length), f.length <= ConstTensor.MAX_KEPT_ELEMENTS ? f : null, true);
        }
        if (a.containsKey("value_ints")) {
            long[] v = a.get("value_ints").ints();
            double[] d = new double[v.length];
            for (int k = 0; k < v.length; k++) d[k] = v[k];
            return new Value(DType.INT64, TensorShape.of(v.length), v.length <= ConstTensor.MAX_KEPT_ELEMENTS ? d : null, true);
        }
        throw new Fail("a Constant without a supported value attribute");
    }

    private static double[] filled(int count, double v) {
        double[] d = new double[count];
        Arrays.fill(d, v);
        return d;
    }

    private Value broadcastAll(Node n, String op) {
        int first = op.equals("Where") ? 1 : 0;
        Value a = in(n, first);
        long[] d = a.dims();
        if (op.equals("Where")) d = broadcast(d, in(n, 0).dims());
        for (int k = first + 1; k < n.inputs().size(); k++) d = broadcast(d, in(n, k).dims());
        DType t = BOOL_OUT.contains(op) ? DType.BOOL : a.type();
        List<Value> operands = new ArrayList<>();
        for (int k = 0; k < n.inputs().size(); k++) operands.add(in(n, k));
        return consts(t, d, evaluate(op, operands, d, a.type()));
    }

    /**
     * Element-wise evaluation on small constants, for the shape computations exporters emit (PyTorch's
     * {@code expand(n, -1, -1)} becomes Shape, Equal, Where, Expand); null when an operand is not a known constant or
     * the operands are not scalars or vectors of the output's length.
     */
    private static double[] evaluate(String op, List<Value> operands, long[] out, DType type) {
        if (!Set.of("Add", "Sub", "Mul", "Div", "Equal", "Less", "Greater", "Where", "Max", "Min").contains(op)) return null;
        long count = TensorShape.of(out).elements();
        if (count < 0 || count > ConstTensor.MAX_KEPT_ELEMENTS) return null;
        for (Value v : operands) if (v.data() == null || (v.data().length != 1 && v.data().length != count)) return null;
        boolean integer = !type.isFloat();
        double[] r = new double[(int) count];
        for (int k = 0; k < count; k++) {
            double[] x = new double[operands.size()];
            for (int i = 0; i < x.length; i++) x[i] = operands.get(i).data()[operands.get(i).data().length == 1 ? 0 : k];
            r[k] = switch (op) {
                case "Add" -> x[0] + x[1];
                case "Sub" -> x[0] - x[1];
                case "Mul" -> x[0] * x[1];
                case "Div" -> integer ? (double) Math.floorDiv((long) x[0], (long) x[1]) : x[0] / x[1];
                case "Equal" -> x[0] == x[1] ? 1 : 0;
                case "Less" -> x[0] < x[1] ? 1 : 0;
                case "Greater" -> x[0] > x[1] ? 1 : 0;
                case "Max" -> Arrays.stream(x).max().orElseThrow();
                case "Min" -> Arrays.stream(x).min().orElseThrow();
                default -> x[0] != 0 ? x[1] : x[2]; // Where
            };
        }
        return r;
    }

    /** Numpy broadcasting; -1 dims stay unknown unless the other side decides them. */
    private static long[] broadcast(long[] a, long[] b) {
        int r = Math.max(a.length, b.length);
        long[] out = new long[r];
        for (int k = 0; k < r; k++) {
            long x = k - (r - a.length) >= 0 ? a[k - (r - a.length)] : 1;
            long y = k - (r - b.length) >= 0 ? b[k - (r - b.length)] : 1;
            if (x == 1) out[k] = y;
            else if (y == 1) out[k] = x;
            else if (x < 0 || y < 0) out[k] = Math.max(x, y);
            else if (x == y) out[k] = x;
            else throw new Fail("cannot broadcast " + TensorShape.of(a) + " with " + TensorShape.of(b));
        }
        return out;
    }

    private static long product(long[] d, int from, int to) {
        long p = 1;
        for (int k = from; k < to; k++) {
            if (d[k] < 0) return -1;
            p *= d[k];
        }
        return p;
    }

    private Value conv(Node n) {
        Value x = in(n, 0);
        long[] w = in(n, 1).dims();
        long[] d = x.dims();
        if (d.length < 3 || w.length != d.length) throw new Fail("expects input and weight of the same rank >= 3, got " + x.shape() + " and " + TensorShape.of(w));
        long[] kernel = n.has("kernel_shape") ? n.attrInts("kernel_shape") : Arrays.copyOfRange(w, 2, w.length);
        long group = n.attrInt("group", 1);
        if (d[1] >= 0 && !n.domain().equals("com.microsoft.nchwc") && d[1] != w[1] * group)
            throw new Fail("input has " + d[1] + " channels, weight expects " + w[1] + " x group " + group);
        long[] out = windowed(n, d, kernel, false);
        out[1] = w[0];
        return tensor(x.type(), out);
    }

    /** Output dims of a sliding window over dims 2.. of {@code d} (channels kept). */
    private static long[] windowed(Node n, long[] d, long[] kernel, boolean ceilAllowed) {
        int sp = d.length - 2;
        long[] strides = orOnes(n.attrInts("strides"), sp);
        long[] dil = orOnes(n.attrInts("dilations"), sp);
        long[] pads = n.attrInts("pads");
        if (pads == null) pads = new long[2 * sp];
        String auto = n.attrString("auto_pad", "NOTSET");
        boolean ceil = ceilAllowed && n.attrInt("ceil_mode", 0) != 0;
        long[] out = d.clone();
        for (int k = 0; k < sp; k++) {
            long in = d[k + 2];
            if (in < 0) {
                out[k + 2] = -1;
                continue;
            }
            long eff = (kernel[k] - 1) * dil[k] + 1;
            long o;
            if (auto.startsWith("SAME")) o = Math.ceilDiv(in, strides[k]);
            else if (auto.equals("VALID")) o = Math.floorDiv(in - eff, strides[k]) + 1;
            else {
                long span = in + pads[k] + pads[k + sp] - eff;
                o = (ceil ? Math.ceilDiv(span, strides[k]) : Math.floorDiv(span, strides[k])) + 1;
                // ceil mode: the last window must start inside the input or the left padding
                if (ceil && (o - 1) * strides[k] >= in + pads[k]) o--;
            }
            if (o < 1) throw new Fail("window " + eff + " does not fit dimension " + in);
            out[k + 2] = o;
        }
        return out;
    }

    private static long[] orOnes(long[] v, int n) {
        if (v != null && v.length == n) return v;
        long[] ones = new long[n];
        Arrays.fill(ones, 1);
        return ones;
    }

    private Value convTranspose(Node n) {
        Value x = in(n, 0);
        long[] w = in(n, 1).dims();
        long[] d = x.dims();
        int sp = d.length - 2;
        long group = n.attrInt("group", 1);
        long[] kernel = n.has("kernel_shape") ? n.attrInts("kernel_shape") : Arrays.copyOfRange(w, 2, w.length);
        long[] strides = orOnes(n.attrInts("strides"), sp);
        long[] dil = orOnes(n.attrInts("dilations"), sp);
        long[] outPad = n.has("output_padding") ? n.attrInts("output_padding") : new long[sp];
        long[] pads = n.has("pads") ? n.attrInts("pads") : new long[2 * sp];
        long[] outShape = n.attrInts("output_shape");
        String auto = n.attrString("auto_pad", "NOTSET");
        long[] out = d.clone();
        out[1] = w[1] * group;
        for (int k = 0; k < sp; k++) {
            if (outShape != null) out[k + 2] = outShape[outShape.length - sp + k];
            else if (d[k + 2] < 0) out[k + 2] = -1;
            else if (auto.startsWith("SAME")) out[k + 2] = d[k + 2] * strides[k];
            else out[k + 2] = strides[k] * (d[k + 2] - 1) + outPad[k] + (kernel[k] - 1) * dil[k] + 1 - pads[k] - pads[k + sp];
        }
        return tensor(x.type(), out);
    }

    private List<Value> pool(Node n) {
        Value x = in(n, 0);
        long[] kernel = n.attrInts("kernel_shape");
        if (kernel == null) throw new Fail("no kernel_shape");
        long[] out = windowed(n, x.dims(), kernel, true);
        return List.of(tensor(x.type(), out), tensor(DType.INT64, out));
    }

    private Value gemm(Node n) {
        long[] a = in(n, 0).dims(), b = in(n, 1).dims();
        if (a.length != 2 || b.length != 2) throw new Fail("expects 2-D operands, got " + TensorShape.of(a) + " and " + TensorShape.of(b));
        boolean ta = n.attrInt("transA", 0) != 0, tb = n.attrInt("transB", 0) != 0;
        long m = ta ? a[1] : a[0], k = ta ? a[0] : a[1], k2 = tb ? b[1] : b[0], nn = tb ? b[0] : b[1];
        if (k >= 0 && k2 >= 0 && k != k2) throw new Fail("inner dimensions differ: " + k + " and " + k2);
        return tensor(in(n, 0).type(), m, nn);
    }

    /** [batch..., M, N] and K of a (possibly transposed) matmul. */
    private long[][] matmulDims(Node n) {
        long[] a = in(n, 0).dims(), b = in(n, 1).dims();
        boolean aVec = a.length == 1, bVec = b.length == 1;
        if (aVec) a = new long[] {1, a[0]};
        if (bVec) b = new long[] {b[0], 1};
        // ONNX Runtime's FusedMatMul: transBatch moves the first dimension behind the batch dimensions
        if (n.attrInt("transBatchA", 0) != 0) a = batchTranspose(a);
        if (n.attrInt("transBatchB", 0) != 0) b = batchTranspose(b);
        if (n.attrInt("transA", 0) != 0) a = swapLast(a);
        if (n.attrInt("transB", 0) != 0) b = swapLast(b);
        long k = a[a.length - 1];
        if (k >= 0 && b[b.length - 2] >= 0 && k != b[b.length - 2])
            throw new Fail("inner dimensions differ: " + TensorShape.of(a) + " @ " + TensorShape.of(b));
        long[] batch = broadcast(Arrays.copyOf(a, a.length - 2), Arrays.copyOf(b, b.length - 2));
        List<Long> out = new ArrayList<>();
        for (long v : batch) out.add(v);
        if (!aVec) out.add(a[a.length - 2]);
        if (!bVec) out.add(b[b.length - 1]);
        return new long[][] {out.stream().mapToLong(Long::longValue).toArray(), {product(batch, 0, batch.length), a[a.length - 2], k, b[b.length - 1]}};
    }

    private static long[] batchTranspose(long[] d) {
        if (d.length < 3) return d;
        long[] t = new long[d.length];
        System.arraycopy(d, 1, t, 0, d.length - 2);
        t[d.length - 2] = d[0];
        t[d.length - 1] = d[d.length - 1];
        return t;
    }

    private static long[] swapLast(long[] d) {
        long[] s = d.clone();
        s[d.length - 1] = d[d.length - 2];
        s[d.length - 2] = d[d.length - 1];
        return s;
    }

    private Value matmul(Node n) {
        return tensor(in(n, 0).type(), matmulDims(n)[0]);
    }

    private List<Value> layerNorm(Node n) {
        Value x = in(n, 0);
        long[] d = x.dims();
        int ax = axis(n.attrInt("axis", -1), d.length);
        long[] stat = d.clone();
        for (int k = ax; k < d.length; k++) stat[k] = 1;
        List<Value> out = new ArrayList<>(List.of(tensor(x.type(), d), tensor(DType.FLOAT, stat), tensor(DType.FLOAT, stat)));
        if (n.opType().startsWith("Skip")) out.add(tensor(x.type(), d));
        return out;
    }

    private Value shapeOf(Node n) {
        TensorShape s = in(n, 0).shape();
        int r = s.rank();
        long start = n.attrInt("start", 0), end = n.attrInt("end", r);
        start = Math.clamp(start < 0 ? start + r : start, 0, r);
        end = Math.clamp(end < 0 ? end + r : end, 0, r);
        int len = (int) Math.max(0, end - start);
        double[] data = new double[len];
        for (int k = 0; k < len; k++) {
            long v = s.dim((int) start + k);
            if (v < 0) data = null;
            if (data != null) data[k] = v;
        }
        return consts(DType.INT64, new long[] {len}, data);
    }

    private Value reshape(Node n) {
        Value x = in(n, 0);
        long[] target = ints(n, 1, "the target shape");
        long[] d = x.dims();
        boolean allowZero = n.attrInt("allowzero", 0) != 0;
        long[] out = target.clone();
        int infer = -1;
        long known = 1;
        for (int k = 0; k < out.length; k++) {
            if (out[k] == 0 && !allowZero) out[k] = d[k];
            if (out[k] == -1) {
                if (infer >= 0) throw new Fail("more than one -1 in the target shape");
                infer = k;
            } else if (out[k] < 0) return tensor(x.type(), out);
            else known *= out[k];
        }
        long total = x.shape().elements();
        if (infer >= 0) {
            if (total < 0) out[infer] = -1;
            else if (known == 0 || total % known != 0) throw new Fail("cannot reshape " + x.shape() + " to " + TensorShape.of(target));
            else out[infer] = total / known;
        } else if (total >= 0 && known != total) throw new Fail("cannot reshape " + x.shape() + " (" + total + " elements) to " + TensorShape.of(out));
        return consts(x.type(), out, x.data());
    }

    private Value squeeze(Node n) {
        Value x = in(n, 0);
        long[] d = x.dims();
        long[] axes = attrOrInput(n, "axes", 1, "the axes");
        Set<Integer> drop = new HashSet<>();
        if (axes == null) {
            for (int k = 0; k < d.length; k++) {
                if (d[k] < 0) throw new Fail("cannot squeeze an unknown dimension without axes");
                if (d[k] == 1) drop.add(k);
            }
        } else for (long a : axes) drop.add(axis(a, d.length));
        long[] out = new long[d.length - drop.size()];
        for (int k = 0, j = 0; k < d.length; k++) if (!drop.contains(k)) out[j++] = d[k];
        return consts(x.type(), out, x.data());
    }

    private Value unsqueeze(Node n) {
        Value x = in(n, 0);
        long[] d = x.dims();
        long[] axes = attrOrInput(n, "axes", 1, "the axes");
        if (axes == null) throw new Fail("no axes");
        int r = d.length + axes.length;
        Set<Integer> add = new HashSet<>();
        for (long a : axes) add.add(axis(a, r));
        long[] out = new long[r];
        for (int k = 0, j = 0; k < r; k++) out[k] = add.contains(k) ? 1 : d[j++];
        return consts(x.type(), out, x.data());
    }

    private Value concat(Node n) {
        Value first = in(n, 0);
        long[] d = first.dims();
        int ax = axis(n.attrInt("axis", 0), d.length);
        long[] out = d.clone();
        List<Double> data = new ArrayList<>();
        boolean allConst = true;
        for (int k = 0; k < n.inputs().size(); k++) {
            if (n.input(k).isEmpty()) continue;
            Value v = in(n, k);
            if (k > 0) {
                long[] e = v.dims();
                if (e.length != d.length) throw new Fail("inputs differ in rank: " + first.shape() + " and " + v.shape());
                out[ax] = out[ax] < 0 || e[ax] < 0 ? -1 : out[ax] + e[ax];
            }
            if (v.data() == null || d.length != 1) allConst = false;
            else for (double x : v.data()) data.add(x);
        }
        return consts(first.type(), out, allConst ? data.stream().mapToDouble(Double::doubleValue).toArray() : null);
    }

    private List<Value> split(Node n) {
        Value x = in(n, 0);
        long[] d = x.dims();
        int ax = axis(n.attrInt("axis", 0), d.length);
        int outs = n.outputs().size();
        long[] sizes = attrOrInput(n, "split", 1, "the split sizes");
        if (sizes == null) {
            if (d[ax] < 0) throw new Fail("cannot split an unknown dimension");
            long chunk = Math.ceilDiv(d[ax], outs);
            sizes = new long[outs];
            for (int k = 0; k < outs; k++) sizes[k] = Math.max(0, Math.min(chunk, d[ax] - k * chunk));
        }
        List<Value> out = new ArrayList<>();
        for (long s : sizes) {
            long[] e = d.clone();
            e[ax] = s;
            out.add(tensor(x.type(), e));
        }
        return out;
    }

    private Value slice(Node n) {
        Value x = in(n, 0);
        long[] d = x.dims();
        long[] starts, ends, axes, steps;
        if (opset < 10 || n.has("starts")) {
            starts = n.attrInts("starts");
            ends = n.attrInts("ends");
            axes = n.attrInts("axes");
            steps = null;
        } else {
            starts = ints(n, 1, "the starts");
            ends = ints(n, 2, "the ends");
            axes = n.input(3).isEmpty() ? null : ints(n, 3, "the axes");
            steps = n.input(4).isEmpty() ? null : ints(n, 4, "the steps");
        }
        if (starts == null || ends == null) throw new Fail("no starts/ends");
        long[] out = d.clone();
        double[] data = x.data() != null && d.length == 1 ? x.data() : null;
        for (int k = 0; k < starts.length; k++) {
            int ax = axis(axes == null ? k : axes[k], d.length);
            long step = steps == null ? 1 : steps[k];
            if (step == 0) throw new Fail("step 0");
            long dim = d[ax];
            if (dim < 0) {
                out[ax] = -1;
                data = null;
                continue;
            }
            long s = starts[k] < 0 ? starts[k] + dim : starts[k];
            long e = ends[k] < 0 ? ends[k] + dim : ends[k];
            if (step > 0) {
                s = Math.clamp(s, 0, dim);
                e = Math.clamp(e, 0, dim);
            } else {
                s = Math.clamp(s, 0, dim - 1);
                e = Math.clamp(e, -1, dim - 1);
            }
            long len = Math.max(0, Math.ceilDiv(e - s, step));
            out[ax] = len;
            if (data != null) {
                double[] sliced = new double[(int) len];
                for (int j = 0; j < len; j++) sliced[j] = data[(int) (s + j * step)];
                data = sliced;
            }
        }
        return consts(x.type(), out, data);
    }

    private Value gather(Node n) {
        Value x = in(n, 0);
        Value idx = in(n, 1);
        long[] d = x.dims();
        int ax = axis(n.attrInt("axis", 0), d.length);
        long[] id = idx.dims();
        long[] out = new long[d.length - 1 + id.length];
        int j = 0;
        for (int k = 0; k < ax; k++) out[j++] = d[k];
        for (long v : id) out[j++] = v;
        for (int k = ax + 1; k < d.length; k++) out[j++] = d[k];
        double[] data = null;
        if (x.data() != null && idx.data() != null && d.length == 1) {
            data = new double[idx.data().length];
            for (int k = 0; k < data.length; k++) {
                long i = (long) idx.data()[k];
                data[k] = x.data()[(int) (i < 0 ? i + d[0] : i)];
            }
        }
        return consts(x.type(), out, data);
    }

    private Value resize(Node n) {
        Value x = in(n, 0);
        long[] d = x.dims();
        double[] scales = null;
        long[] sizes = null;
        if (n.opType().equals("Upsample")) {
            if (n.has("scales")) scales = n.attributes().get("scales").floats();
            else scales = reals(n, 1, "the scales");
        } else if (opset <= 10) {
            scales = reals(n, 1, "the scales");
        } else {
            if (!n.input(3).isEmpty()) sizes = ints(n, 3, "the sizes");
            else if (!n.input(2).isEmpty()) scales = reals(n, 2, "the scales");
            else throw new Fail("neither scales nor sizes given");
            if (scales != null && scales.length == 0 && !n.input(3).isEmpty()) sizes = ints(n, 3, "the sizes");
        }
        long[] axes = n.attrInts("axes");
        long[] out = d.clone();
        int count = sizes != null ? sizes.length : scales.length;
        for (int k = 0; k < count; k++) {
            int ax = axes == null ? k : axis(axes[k], d.length);
            if (sizes != null) out[ax] = sizes[k];
            else out[ax] = d[ax] < 0 ? -1 : (long) Math.floor(d[ax] * scales[k] + 1e-9);
        }
        if (sizes != null && axes == null && sizes.length != d.length) throw new Fail("sizes has " + sizes.length + " entries for rank " + d.length);
        return tensor(x.type(), out);
    }

    private Value reduce(Node n) {
        Value x = in(n, 0);
        long[] d = x.dims();
        boolean arg = n.opType().startsWith("Arg");
        long[] axes = arg ? new long[] {n.attrInt("axis", 0)} : attrOrInput(n, "axes", 1, "the axes");
        boolean keep = n.attrInt("keepdims", 1) != 0;
        Set<Integer> reduced = new HashSet<>();
        if (axes == null || axes.length == 0) {
            if (n.attrInt("noop_with_empty_axes", 0) != 0) return tensor(x.type(), d);
            for (int k = 0; k < d.length; k++) reduced.add(k);
        } else for (long a : axes) reduced.add(axis(a, d.length));
        List<Long> out = new ArrayList<>();
        for (int k = 0; k < d.length; k++) {
            if (!reduced.contains(k)) out.add(d[k]);
            else if (keep) out.add(1L);
        }
        return tensor(arg ? DType.INT64 : x.type(), out.stream().mapToLong(Long::longValue).toArray());
    }

    // ---- costs ----

    private NodeCost cost(Node n, List<Value> outs) {
        String op = n.opType();
        long bytesIn = 0, bytesWeights = 0, bytesOut = 0, params = 0, buffers = 0;
        for (int k = 0; k < n.inputs().size(); k++) {
            String name = n.input(k);
            Value v = name.isEmpty() ? null : values.get(name);
            if (v == null || v.shape() == null) continue;
            long b = Math.max(0, v.shape().elements()) * v.type().bytes();
            if (v.constant() && op.equals("Identity")) {
                bytesIn += b;
            } else if (v.constant()) {
                bytesWeights += b;
                if (isParameter(v)) {
                    if (isStatistic(n, k)) buffers += v.shape().elements();
                    else params += v.shape().elements();
                }
            } else if (!op.equals("Shape") && !op.equals("Size")) bytesIn += b;
        }
        for (Value v : outs) if (v != null && v.shape() != null) bytesOut += Math.max(0, v.shape().elements()) * v.type().bytes();
        long outElems = Math.max(0, outs.isEmpty() ? 0 : outs.get(0).shape().elements());
        long macs = 0, flops;
        switch (op) {
            case "Conv", "FusedConv", "ConvInteger" -> {
                long[] w = in(n, 1).dims();
                macs = outElems * product(w, 1, w.length);
                flops = 2 * macs + (n.input(2).isEmpty() ? 0 : outElems) + (op.equals("FusedConv") ? outElems : 0)
                        + (n.input(3).isEmpty() ? 0 : outElems);
            }
            case "ConvTranspose" -> {
                long[] w = in(n, 1).dims();
                macs = Math.max(0, in(n, 0).shape().elements()) * product(w, 1, w.length);
                flops = 2 * macs + (n.input(2).isEmpty() ? 0 : outElems);
            }
            case "Gemm", "FusedGemm" -> {
                long[] a = in(n, 0).dims();
                long k = n.attrInt("transA", 0) != 0 ? a[0] : a[1];
                macs = outElems * k;
                flops = 2 * macs + (n.input(2).isEmpty() ? 0 : outElems) + (op.equals("FusedGemm") ? outElems : 0);
            }
            case "MatMul", "FusedMatMul" -> {
                long[] m = matmulDims(n)[1];
                macs = m[0] * m[1] * m[2] * m[3];
                flops = 2 * macs;
            }
            case "Attention" -> {
                long[] x = in(n, 0).dims(), w = in(n, 1).dims();
                long b = x[0], s = x[1];
                long hv = outs.get(0).shape().dim(2);
                long qk = w[1] - hv; // q and k hidden sizes together
                macs = b * s * x[2] * w[1] + b * s * s * (qk / 2) + b * s * s * hv;
                flops = 2 * macs + 3 * b * n.attrInt("num_heads", 1) * s * s;
            }
            case "MultiHeadAttention" -> {
                long[] q = in(n, 0).dims();
                Value k = optional(n, 1);
                long kv = k != null && k.shape().rank() >= 3 ? k.shape().dim(k.shape().rank() == 3 ? 1 : 2) : q[1];
                long hv = outs.get(0).shape().dim(2);
                macs = q[0] * q[1] * kv * (q[2] + hv);
                flops = 2 * macs + 3 * q[0] * n.attrInt("num_heads", 1) * q[1] * kv;
            }
            case "MaxPool", "AveragePool", "LpPool" -> flops = outElems * product(n.attrInts("kernel_shape"), 0, n.attrInts("kernel_shape").length);
            case "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool", "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin",
                    "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare", "ArgMax", "ArgMin" ->
                    flops = Math.max(0, in(n, 0).shape().elements());
            case "BatchNormalization" -> flops = 2 * outElems;
            case "Softmax", "LogSoftmax" -> flops = 3 * outElems;
            case "LayerNormalization", "SimplifiedLayerNormalization", "InstanceNormalization", "GroupNormalization" -> flops = 5 * outElems;
            case "SkipLayerNormalization", "SkipSimplifiedLayerNormalization" -> flops = 6 * outElems;
            default -> flops = MOVES.contains(op) ? 0 : outElems;
        }
        return new NodeCost(macs, flops, params, buffers, bytesIn, bytesWeights, bytesOut);
    }
}
