package dev.halo.graph;

import java.util.List;

/**
 * One node after shape inference and costing.
 *
 * @param inputShapes shapes of the node's non-constant inputs (null entries are unknown)
 * @param weightShapes shapes of its constant inputs
 * @param outputShapes shapes of its outputs (null entries are unknown)
 * @param cost null when the node could not be costed
 * @param problem why the node could not be costed (names the node and operator), or null
 */
public record NodeReport(int index, String name, String op, List<TensorShape> inputShapes,
        List<TensorShape> weightShapes, List<TensorShape> outputShapes, NodeCost cost, String problem) {
    public NodeReport {
        inputShapes = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(inputShapes));
        weightShapes = List.copyOf(weightShapes);
        outputShapes = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(outputShapes));
    }

    public boolean costed() {
        return cost != null;
    }
}
