package dev.halo.graph;

import java.util.List;

/**
 * A described model: resolved input shapes, every node with its shapes and cost, inferred output shapes and totals.
 */
public record GraphReport(List<ValueInfo> inputs, List<ValueInfo> outputs, List<NodeReport> nodes, Totals totals) {
    public GraphReport {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        nodes = List.copyOf(nodes);
    }

    /**
     * Sums over the costed nodes; {@code params} and {@code buffers} count each constant once even when several
     * nodes read it.
     */
    public record Totals(int nodes, int costed, long macs, long flops, long params, long buffers, long bytesMoved,
            long weightBytes) {}

    /** The nodes that could not be costed. */
    public List<NodeReport> problems() {
        return nodes.stream().filter(n -> n.problem() != null).toList();
    }

    /** Node count per operator, most frequent first. */
    public java.util.Map<String, Long> opCounts() {
        java.util.Map<String, Long> counts = new java.util.LinkedHashMap<>();
        nodes.forEach(n -> counts.merge(n.op(), 1L, Long::sum));
        java.util.Map<String, Long> sorted = new java.util.LinkedHashMap<>();
        counts.entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }
}
