package dev.halo.kernel;

import dev.halo.graph.Node;
import dev.halo.graph.NodeCost;
import dev.halo.graph.NodeReport;
import dev.halo.graph.TensorShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One kernel a runtime executes, as its cost model sees it: operator, the activation fused into it, shapes, the
 * window attributes and the work ({@link NodeCost}). Built from a node of the runtime's optimised graph.
 *
 * @param op qualified operator ({@code com.microsoft.nchwc::Conv}, {@code Gemm}, ...)
 * @param activation the activation fused into the kernel ({@code Relu}, {@code Clip}, ...), or "" for none
 * @param inputs shapes of the non-constant inputs (null entries unknown)
 * @param weights shapes of the constant inputs
 * @param outputs shapes of the outputs (null entries unknown)
 * @param window kernel height and width of a convolution or pooling window ({@code [0, 0]} for other kernels)
 * @param stride its strides ({@code [1, 1]} for other kernels)
 * @param group convolution groups (1 for other kernels)
 */
public record KernelShape(String node, String op, String activation, List<TensorShape> inputs, List<TensorShape> weights,
        List<TensorShape> outputs, long[] window, long[] stride, long group, NodeCost cost) {
    public KernelShape {
        Objects.requireNonNull(node);
        Objects.requireNonNull(op);
        activation = activation == null ? "" : activation;
        inputs = java.util.Collections.unmodifiableList(new ArrayList<>(inputs));
        weights = List.copyOf(weights);
        outputs = java.util.Collections.unmodifiableList(new ArrayList<>(outputs));
        if (window.length != 2 || stride.length != 2) throw new IllegalArgumentException("window and stride are [h, w]");
        window = window.clone();
        stride = stride.clone();
        Objects.requireNonNull(cost, "cost");
    }

    /** The kernel of an optimised graph's node, or null for a node that could not be costed. */
    public static KernelShape of(Node node, NodeReport report) {
        if (!report.costed()) return null;
        long[] window = windowOf(node, report);
        long[] stride = pair(node.attrInts("strides"), 1);
        return new KernelShape(report.name(), report.op(), node.attrString("activation", ""), report.inputShapes(),
                report.weightShapes(), report.outputShapes(), window, stride, node.attrInt("group", 1), report.cost());
    }

    /** The kernels of an optimised graph, from its report: every costed node in order (uncosted nodes left out). */
    public static List<KernelShape> executed(dev.halo.graph.Graph optimized, dev.halo.graph.GraphReport report) {
        List<KernelShape> out = new ArrayList<>();
        for (NodeReport r : report.nodes()) {
            KernelShape k = of(optimized.nodes().get(r.index()), r);
            if (k != null) out.add(k);
        }
        return out;
    }

    private static long[] windowOf(Node node, NodeReport report) {
        long[] k = node.attrInts("kernel_shape");
        if (k != null) return pair(k, 0);
        // a convolution without kernel_shape takes it from its weight [M, C/g, kh, kw]
        if (node.opType().equals("Conv") && !report.weightShapes().isEmpty()) {
            TensorShape w = report.weightShapes().get(0);
            if (w != null && w.rank() == 4) return new long[] {w.dim(2), w.dim(3)};
        }
        return new long[] {0, 0};
    }

    private static long[] pair(long[] v, long fallback) {
        if (v == null || v.length == 0) return new long[] {fallback, fallback};
        return v.length == 1 ? new long[] {v[0], v[0]} : new long[] {v[0], v[1]};
    }

    @Override
    public long[] window() {
        return window.clone();
    }

    @Override
    public long[] stride() {
        return stride.clone();
    }

    /** The first input's shape, or null when unknown or absent. */
    public TensorShape firstInput() {
        return inputs.isEmpty() ? null : inputs.get(0);
    }

    /** The first output's shape, or null when unknown or absent. */
    public TensorShape firstOutput() {
        return outputs.isEmpty() ? null : outputs.get(0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KernelShape k && node.equals(k.node) && op.equals(k.op) && activation.equals(k.activation)
                && inputs.equals(k.inputs) && weights.equals(k.weights) && outputs.equals(k.outputs)
                && Arrays.equals(window, k.window) && Arrays.equals(stride, k.stride) && group == k.group && cost.equals(k.cost);
    }

    @Override
    public int hashCode() {
        return Objects.hash(node, op, activation, inputs, weights, outputs, Arrays.hashCode(window), Arrays.hashCode(stride), group, cost);
    }
}
