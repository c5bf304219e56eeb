package dev.halo.measure;

import dev.halo.graph.Node;
import dev.halo.onnx.OnnxNetwork;
import dev.halo.measure.model.OptimizedModel;
import java.util.Map;
import java.util.TreeMap;

/**
 * The kernels ONNX Runtime actually runs for a network ({@link OptimizedModel}: the graph after its own optimisation,
 * with fusions, constant folding, common-subexpression elimination and the NCHWc layout transformer's reorder
 * kernels), counted by kind. Counting these rather than the operations the architecture names is what lets a
 * per-kernel cost model see, for instance, that a convolution reading a zero tensor forces layout reorders (issue 13).
 */
public final class ExecutedKernels {
    private ExecutedKernels() {}

    /** Kernel kind → how many such kernels the optimised graph of {@code net} runs at {@code level}. */
    public static Map<String, Integer> count(OnnxNetwork net, GraphOptimization level) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Node node : OptimizedModel.kernels(net.bytes(), level).nodes()) counts.merge(kind(node), 1, Integer::sum);
        return counts;
    }

    /**
     * A kernel's kind for costing: its domain (ORT's own kernels such as {@code com.microsoft.nchwc} run differently
     * from the standard ones), operator and, for windowed operators, the window size and whether it is grouped.
     * Activations fused into a kernel are left out: they cost little beside the kernel itself.
     */
    public static String kind(Node node) {
        StringBuilder kind = new StringBuilder();
        String domain = node.domain();
        if (!domain.isEmpty() && !domain.equals("ai.onnx")) kind.append(domain.substring(domain.lastIndexOf('.') + 1)).append('.');
        kind.append(node.opType());
        long[] window = node.attrInts("kernel_shape");
        if (window != null && window.length > 0) kind.append("_k").append(window[0]);
        if (node.attrInt("group", 1) > 1) kind.append("_grouped");
        return kind.toString();
    }
}
