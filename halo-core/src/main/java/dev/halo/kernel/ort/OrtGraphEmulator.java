package dev.halo.kernel.ort;

import dev.halo.BadInputException;
import dev.halo.graph.Attribute;
import dev.halo.graph.ConstTensor;
import dev.halo.graph.DType;
import dev.halo.graph.Graph;
import dev.halo.graph.GraphAnalysis;
import dev.halo.graph.GraphReport;
import dev.halo.graph.NodeReport;
import dev.halo.graph.TensorShape;
import dev.halo.graph.ValueInfo;
import dev.halo.kernel.KernelShape;
import dev.halo.kernel.ort.WorkingGraph.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The graph ONNX Runtime 1.23 executes for a model on an x86-64 CPU at optimisation level ALL, worked out in plain
 * Java from the model as read (shapes only, no weights) instead of an ONNX Runtime session that loads and rewrites
 * the weights (most of a prediction's time on a ResNet-50). The rewrites, in ORT's order:
 * <ol>
 *   <li>function inlining: HardSwish becomes HardSigmoid(1/6, 1/2) · x (ORT's CPU provider has no HardSwish kernel);</li>
 *   <li>Identity and Dropout removal;</li>
 *   <li>Conv+BatchNormalization folding (the convolution gains a bias);</li>
 *   <li>x · Sigmoid(x) into QuickGelu (SiLU);</li>
 *   <li>Conv+activation into FusedConv (Relu, Sigmoid, Tanh, LeakyRelu, HardSigmoid, Clip with constant bounds) where
 *       the activation is the convolution's only reader;</li>
 *   <li>Gemm+activation into FusedGemm (Relu, Sigmoid, Tanh, LeakyRelu);</li>
 *   <li>the NCHWc layout transformer ({@link NchwcLayout}), when the CPU has a blocked layout;</li>
 *   <li>Conv+Add into FusedConv (the Add's other operand becomes its fourth input) for the convolutions left in the
 *       plain layout, e.g. FBNet's grouped 1×1 projections whose channels per group are no multiple of the block.</li>
 * </ol>
 * A node or pattern outside what this class knows ORT to do (an operator it does not list, a convolution with
 * computed weights, a constant operand of an element-wise operator, ...) is reported with its name and operator
 * rather than guessed: such a model's kernels must come from ONNX Runtime itself.
 */
public final class OrtGraphEmulator {
    private OrtGraphEmulator() {}

    /** Operators whose rewrites (or absence of rewrites) this emulation knows. */
    private static final Set<String> COVERED = Set.of("Conv", "BatchNormalization", "Relu", "Clip", "Sigmoid", "Tanh",
            "LeakyRelu", "HardSigmoid", "HardSwish", "Add", "Mul", "MaxPool", "AveragePool", "GlobalAveragePool",
            "GlobalMaxPool", "Flatten", "Gemm", "Concat", "Reshape", "Transpose", "Split", "Identity", "Dropout", "ReduceMean");
    private static final Set<String> CONV_ACTIVATIONS = Set.of("Relu", "Sigmoid", "Tanh", "LeakyRelu", "HardSigmoid", "Clip");
    private static final Set<String> GEMM_ACTIVATIONS = Set.of("Relu", "Sigmoid", "Tanh", "LeakyRelu");

    /**
     * @param optimized the emulated optimised graph (null when not covered)
     * @param uncovered one line per node or pattern the emulation does not cover, naming node and operator; empty
     *     when the whole model is covered
     */
    public record Result(Graph optimized, List<KernelShape> kernels, List<String> uncovered) {
        public Result {
            kernels = kernels == null ? null : List.copyOf(kernels);
            uncovered = List.copyOf(uncovered);
        }

        public boolean covered() {
            return uncovered.isEmpty();
        }
    }

    /**
     * The executed kernels of {@code original} as ONNX Runtime would run them.
     *
     * @param nchwcBlock the channel block of ORT's NCHWc kernels on the target CPU (8 with AVX2, 16 with AVX-512), or
     *     0 where ORT has no blocked layout (the NCHWc transformer does not run)
     * @throws BadInputException for inputs the model cannot be fed with (as {@link GraphAnalysis#analyze})
     */
    public static Result emulate(Graph original, Map<String, TensorShape> inputs, int nchwcBlock) {
        if (nchwcBlock != 0 && nchwcBlock != 8 && nchwcBlock != 16)
            throw new IllegalArgumentException("NCHWc block is 0, 8 or 16, got " + nchwcBlock);
        GraphReport report = GraphAnalysis.analyze(original, inputs);
        List<String> uncovered = new ArrayList<>();
        Map<String, TensorShape> shapes = new HashMap<>();
        for (ValueInfo v : report.inputs()) shapes.put(v.name(), v.shape());
        for (NodeReport r : report.nodes()) {
            dev.halo.graph.Node n = original.nodes().get(r.index());
            if (!r.costed()) uncovered.add(r.problem() == null ? "node '" + r.name() + "' (" + r.op() + "): not costed" : r.problem());
            for (int i = 0; i < n.outputs().size() && i < r.outputShapes().size(); i++)
                if (r.outputShapes().get(i) != null) shapes.put(n.outputs().get(i), r.outputShapes().get(i));
        }
        WorkingGraph g = new WorkingGraph(original, shapes);
        foldConstants(g);
        uncovered.addAll(unsupported(g));
        if (!uncovered.isEmpty()) return new Result(null, null, uncovered);
        inlineHardSwish(g);
        removeIdentities(g);
        foldBatchNorms(g);
        fuseQuickGelu(g);
        fuseConvActivations(g);
        fuseGemmActivations(g);
        if (nchwcBlock > 0) {
            NchwcLayout layout = new NchwcLayout(g, nchwcBlock);
            layout.run();
            if (!layout.unsupported.isEmpty()) return new Result(null, null, layout.unsupported);
        }
        uncovered.addAll(fuseConvAdds(g));
        if (!uncovered.isEmpty()) return new Result(null, null, uncovered);
        Graph optimized = g.toGraph();
        GraphReport after = GraphAnalysis.analyze(optimized, inputs);
        List<KernelShape> kernels = KernelShape.executed(optimized, after);
        for (NodeReport r : after.nodes())
            if (!r.costed()) uncovered.add("emulated " + (r.problem() == null ? r.name() + " (" + r.op() + ")" : r.problem()));
        return new Result(optimized, kernels, uncovered);
    }

    /** Nodes whose operator, domain or constant inputs are outside what the rewrites below model. */
    private static List<String> unsupported(WorkingGraph g) {
        List<String> out = new ArrayList<>();
        if (g.opset < 13 || g.opset > 18)
            out.add("opset " + g.opset + ": the emulated rewrites are those of opsets 13 to 18 (checked at 17)");
        for (Op n : g.nodes) {
            if (!n.domain.isEmpty() || !COVERED.contains(n.type)) {
                out.add(n.label() + ": operator not covered by the emulated ONNX Runtime rewrites");
                continue;
            }
            String why = switch (n.type) {
                case "Conv" -> {
                    ConstTensor w = g.constant(n.input(1));
                    if (w == null) yield "its weights are computed, not a constant";
                    if (w.dims().length != 4) yield "only 2-D convolutions are covered (weights of rank " + w.dims().length + ")";
                    if (w.type() != DType.FLOAT) yield "only float32 weights are covered";
                    if (!n.input(2).isEmpty() && !g.isConstant(n.input(2))) yield "its bias is computed, not a constant";
                    yield null;
                }
                case "BatchNormalization" -> {
                    for (int i = 1; i <= 4; i++) if (!g.isConstant(n.input(i))) yield "its statistics are computed, not constants";
                    yield n.outputs.size() > 1 ? "training outputs are not covered" : null;
                }
                case "Clip" -> (!n.input(1).isEmpty() && !hasValues(g, n.input(1))) || (!n.input(2).isEmpty() && !hasValues(g, n.input(2)))
                        ? "its bounds are not constants" : null;
                case "Add", "Mul", "Concat" -> n.inputs.stream().anyMatch(g::isConstant)
                        ? "a constant operand (constant folding and Conv+Add/Mul fusions are not covered)" : null;
                case "MaxPool" -> n.outputs.size() > 1 ? "the index output is not covered" : null;
                case "Gemm" -> n.inputs.size() > 0 && g.isConstant(n.input(0)) ? "a constant first operand" : null;
                default -> null;
            };
            if (why != null) out.add(n.label() + ": " + why);
        }
        return out;
    }

    private static boolean hasValues(WorkingGraph g, String tensor) {
        ConstTensor t = g.constant(tensor);
        return t != null && t.values() != null && t.values().length == 1;
    }

    /**
     * ORT's constant folding as far as exporters need it: a Constant node becomes a constant, and so does an Identity
     * of a constant (PyTorch's exporter shares equal folded biases between convolutions that way).
     */
    private static void foldConstants(WorkingGraph g) {
        for (Op n : List.copyOf(g.nodes)) {
            String out = n.outputs.isEmpty() ? "" : n.outputs.get(0);
            ConstTensor value = null;
            if (n.is("", "Constant") && n.attributes.containsKey("value") && n.attributes.get("value").t() != null) {
                ConstTensor t = n.attributes.get("value").t();
                value = new ConstTensor(out, t.type(), t.dims(), t.values(), null);
            } else if (n.is("", "Constant") && n.attributes.containsKey("value_float")) {
                value = new ConstTensor(out, DType.FLOAT, new long[0], new double[] {n.attributes.get("value_float").f()}, null);
            } else if (n.is("", "Identity") && g.isConstant(n.input(0))) {
                ConstTensor t = g.constant(n.input(0));
                value = new ConstTensor(out, t.type(), t.dims(), t.values(), null);
            }
            if (value == null || g.graphOutputs.contains(out)) continue;
            g.constants.put(out, value);
            g.remove(n);
        }
    }

    /** ORT inlines HardSwish's ONNX function body: an unnamed HardSigmoid(alpha 1/6, beta 1/2) and an unnamed Mul. */
    private static void inlineHardSwish(WorkingGraph g) {
        for (int i = 0; i < g.nodes.size(); i++) {
            Op n = g.nodes.get(i);
            if (!n.is("", "HardSwish")) continue;
            String gate = g.freshName(n.name + "_HS_X");
            g.shapes.put(gate, g.shapes.get(n.input(0)));
            Op sigmoid = new Op("", "HardSigmoid", "", List.of(n.input(0)), List.of(gate),
                    Map.of("alpha", Attribute.ofFloat("alpha", (float) (1.0 / 6)), "beta", Attribute.ofFloat("beta", 0.5)));
            Op mul = new Op("", "Mul", "", List.of(n.input(0), gate), n.outputs, Map.of());
            g.nodes.set(i, sigmoid);
            g.nodes.add(i + 1, mul);
        }
    }

    private static void removeIdentities(WorkingGraph g) {
        for (Op n : List.copyOf(g.nodes)) {
            if (!(n.is("", "Identity") || n.is("", "Dropout"))) continue;
            if (g.graphOutputs.contains(n.outputs.get(0))) continue;
            g.rename(n.outputs.get(0), n.input(0));
            g.remove(n);
        }
    }

    /** A convolution read only by a batch norm absorbs it: the weights keep their shape, a bias of [M] is added. */
    private static void foldBatchNorms(WorkingGraph g) {
        for (Op bn : List.copyOf(g.nodes)) {
            if (!bn.is("", "BatchNormalization")) continue;
            Op conv = g.producer(bn.input(0));
            if (conv == null || !conv.is("", "Conv") || g.uses(bn.input(0)) != 1) continue;
            long channels = g.constant(conv.input(1)).dims()[0];
            if (g.constant(bn.input(1)).dims().length != 1 || g.constant(bn.input(1)).dims()[0] != channels) continue;
            String bias = conv.input(2).isEmpty() ? g.addConstant("ConvBnFusion_BN_B_" + bn.name, channels) : conv.input(2);
            while (conv.inputs.size() < 3) conv.inputs.add("");
            conv.inputs.set(2, bias);
            conv.outputs.set(0, bn.outputs.get(0));
            conv.name = bn.name;
            g.remove(bn);
        }
    }

    /** Sigmoid(x) read only by x · Sigmoid(x): ORT's QuickGelu with alpha 1 (SiLU, Swish). */
    private static void fuseQuickGelu(WorkingGraph g) {
        for (Op sigmoid : List.copyOf(g.nodes)) {
            if (!sigmoid.is("", "Sigmoid")) continue;
            String x = sigmoid.input(0), s = sigmoid.outputs.get(0);
            List<Op> readers = g.consumers(s);
            if (readers.size() != 1 || g.uses(s) != 1) continue;
            Op mul = readers.get(0);
            if (!mul.is("", "Mul") || mul.inputs.size() != 2 || !mul.inputs.contains(x)) continue;
            Op gelu = new Op(mul.name, "QuickGelu", "com.microsoft", List.of(x), mul.outputs, Map.of("alpha", Attribute.ofFloat("alpha", 1.0)));
            g.nodes.set(g.nodes.indexOf(mul), gelu);
            g.remove(sigmoid);
        }
    }

    /** A convolution whose only reader is a fusable activation becomes FusedConv with that activation. */
    private static void fuseConvActivations(WorkingGraph g) {
        for (Op act : List.copyOf(g.nodes)) {
            if (!act.domain.isEmpty() || !CONV_ACTIVATIONS.contains(act.type)) continue;
            Op conv = g.producer(act.input(0));
            if (conv == null || !conv.is("", "Conv") || g.uses(act.input(0)) != 1) continue;
            double[] params = switch (act.type) {
                case "Clip" -> clipBounds(g, act);
                case "LeakyRelu" -> new double[] {act.attributes.containsKey("alpha") ? act.attributes.get("alpha").f() : 0.01};
                case "HardSigmoid" -> new double[] {
                    act.attributes.containsKey("alpha") ? act.attributes.get("alpha").f() : 0.2,
                    act.attributes.containsKey("beta") ? act.attributes.get("beta").f() : 0.5};
                default -> null;
            };
            conv.type = "FusedConv";
            conv.domain = "com.microsoft";
            conv.attributes.put("activation", Attribute.ofString("activation", act.type));
            if (params != null) conv.attributes.put("activation_params", Attribute.ofFloats("activation_params", params));
            conv.outputs.set(0, act.outputs.get(0));
            conv.name = act.name;
            g.remove(act);
        }
    }

    /** A Gemm whose only reader is Relu, Sigmoid, Tanh or LeakyRelu becomes FusedGemm with that activation. */
    private static void fuseGemmActivations(WorkingGraph g) {
        for (Op act : List.copyOf(g.nodes)) {
            if (!act.domain.isEmpty() || !GEMM_ACTIVATIONS.contains(act.type)) continue;
            Op gemm = g.producer(act.input(0));
            if (gemm == null || !gemm.is("", "Gemm") || g.uses(act.input(0)) != 1) continue;
            gemm.type = "FusedGemm";
            gemm.domain = "com.microsoft";
            gemm.attributes.put("activation", Attribute.ofString("activation", act.type));
            if (act.type.equals("LeakyRelu"))
                gemm.attributes.put("activation_alpha", Attribute.ofFloat("activation_alpha",
                        act.attributes.containsKey("alpha") ? act.attributes.get("alpha").f() : 0.01));
            gemm.outputs.set(0, act.outputs.get(0));
            gemm.name = act.name;
            g.remove(act);
        }
    }

    /**
     * A plain-layout convolution without a fused activation whose output only an Add of two same-shaped, computed
     * operands reads becomes FusedConv with the other operand as its fourth ("Z") input, as ONNX Runtime's CPU provider
     * does after the NCHWc layout (checked on FBNet's residual blocks, {@code FbnetExecutedKernelsTest}). An Add whose
     * only reader is an activation would fuse that too; not checked against ORT, so such a model is reported, not guessed.
     */
    private static List<String> fuseConvAdds(WorkingGraph g) {
        List<String> unchecked = new ArrayList<>();
        for (Op add : List.copyOf(g.nodes)) {
            if (!add.is("", "Add") || add.inputs.size() != 2 || g.graphOutputs.contains(add.outputs.get(0))) continue;
            TensorShape a = g.shapes.get(add.input(0)), b = g.shapes.get(add.input(1));
            if (a == null || b == null || !a.isStatic() || !java.util.Arrays.equals(a.toArray(), b.toArray())) continue;
            for (int k = 0; k < 2; k++) {
                Op conv = g.producer(add.input(k));
                if (conv == null || !conv.is("", "Conv") || g.uses(add.input(k)) != 1) continue;
                List<Op> readers = g.consumers(add.outputs.get(0));
                if (readers.size() == 1 && readers.get(0).domain.isEmpty() && CONV_ACTIVATIONS.contains(readers.get(0).type)) {
                    unchecked.add(add.label() + ": Conv+Add+activation fusion in the plain layout is not covered");
                    break;
                }
                while (conv.inputs.size() < 3) conv.inputs.add("");
                conv.inputs.add(add.input(1 - k));
                conv.type = "FusedConv";
                conv.domain = "com.microsoft";
                conv.outputs.set(0, add.outputs.get(0));
                conv.name = add.name;
                g.remove(add);
                break;
            }
        }
        return unchecked;
    }

    private static double[] clipBounds(WorkingGraph g, Op clip) {
        double min = -Float.MAX_VALUE, max = Float.MAX_VALUE;
        if (clip.attributes.containsKey("min")) min = clip.attributes.get("min").f();
        if (clip.attributes.containsKey("max")) max = clip.attributes.get("max").f();
        if (!clip.input(1).isEmpty()) min = g.constant(clip.input(1)).values()[0];
        if (!clip.input(2).isEmpty()) max = g.constant(clip.input(2)).values()[0];
        return new double[] {min, max};
    }
}
