package dev.halo.graph;

import java.util.List;
import java.util.Map;

/**
 * A whole model as halo sees it: declared inputs and outputs, constants (without their bulk data), and the nodes in
 * topological order.
 *
 * @param opsets operator-set version per domain ("" is the ONNX default domain)
 * @param valueInfos shapes the model declares for intermediate tensors (ONNX Runtime writes them into optimised
 *     models); used for operators halo cannot infer
 */
public record Graph(String name, String producer, long irVersion, Map<String, Long> opsets, List<ValueInfo> inputs,
        List<ValueInfo> outputs, List<ValueInfo> valueInfos, Map<String, ConstTensor> initializers, List<Node> nodes) {
    public Graph {
        opsets = Map.copyOf(opsets);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        valueInfos = List.copyOf(valueInfos);
        initializers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(initializers));
        nodes = List.copyOf(nodes);
    }

    /** The default-domain opset (ONNX requires one). */
    public long opset() {
        return opsets.getOrDefault("", opsets.getOrDefault("ai.onnx", 0L));
    }

    /** Inputs that are real inputs: not also initializers (IR < 4 lists initializers as inputs). */
    public List<ValueInfo> feeds() {
        return inputs.stream().filter(v -> !initializers.containsKey(v.name())).toList();
    }
}
