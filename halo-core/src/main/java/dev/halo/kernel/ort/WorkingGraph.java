package dev.halo.kernel.ort;

import dev.halo.graph.Attribute;
import dev.halo.graph.ConstTensor;
import dev.halo.graph.Graph;
import dev.halo.graph.Node;
import dev.halo.graph.TensorShape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A graph being rewritten: nodes in a topological order that each rewrite keeps (a replacement takes its original's
 * place, a reorder sits next to the node it serves), constants by name (shapes only, as the reader gives them), and
 * the logical shape of every non-constant tensor of the original model. Mutable and short-lived: one emulation
 * builds it, rewrites it and turns it into an immutable {@link Graph}.
 */
final class WorkingGraph {
    /** One node; its fields are changed in place by the rewrites. */
    static final class Op {
        String name;
        String type;
        String domain;
        final List<String> inputs;
        final List<String> outputs;
        final Map<String, Attribute> attributes;

        Op(String name, String type, String domain, List<String> inputs, List<String> outputs, Map<String, Attribute> attributes) {
            this.name = name;
            this.type = type;
            this.domain = domain;
            this.inputs = new ArrayList<>(inputs);
            this.outputs = new ArrayList<>(outputs);
            this.attributes = new HashMap<>(attributes);
        }

        boolean is(String domain, String type) {
            return this.domain.equals(domain) && this.type.equals(type);
        }

        String input(int i) {
            return i < inputs.size() ? inputs.get(i) : "";
        }

        long intAttr(String name, long fallback) {
            Attribute a = attributes.get(name);
            return a == null ? fallback : a.i();
        }

        String label() {
            return "node '" + name + "' (" + (domain.isEmpty() ? type : domain + "::" + type) + ")";
        }
    }

    private final Graph original;
    /** The model's default-domain opset: which version of each operator ORT's rewrites see. */
    final long opset;
    final List<Op> nodes = new ArrayList<>();
    final Map<String, ConstTensor> constants;
    final Map<String, TensorShape> shapes;
    final Set<String> graphOutputs = new HashSet<>();
    private int fresh;

    WorkingGraph(Graph original, Map<String, TensorShape> shapes) {
        this.original = original;
        this.opset = original.opset();
        this.constants = new LinkedHashMap<>(original.initializers());
        this.shapes = new HashMap<>(shapes);
        for (Node n : original.nodes())
            nodes.add(new Op(n.name(), n.opType(), n.domain().equals("ai.onnx") ? "" : n.domain(), n.inputs(), n.outputs(), n.attributes()));
        original.outputs().forEach(v -> graphOutputs.add(v.name()));
    }

    /** A tensor name no node or constant uses yet. */
    String freshName(String hint) {
        return hint + "_halo" + (fresh++);
    }

    boolean isConstant(String tensor) {
        return constants.containsKey(tensor);
    }

    ConstTensor constant(String tensor) {
        return constants.get(tensor);
    }

    String addConstant(String hint, long... dims) {
        String name = freshName(hint);
        constants.put(name, new ConstTensor(name, dev.halo.graph.DType.FLOAT, dims, null, null));
        return name;
    }

    /** The node that writes {@code tensor}, or null for graph inputs and constants. */
    Op producer(String tensor) {
        for (Op n : nodes) if (n.outputs.contains(tensor)) return n;
        return null;
    }

    /**
     * How many times ONNX Runtime counts {@code tensor} as used: one edge per consuming input slot, plus one when the
     * tensor is a graph output.
     */
    int uses(String tensor) {
        int n = graphOutputs.contains(tensor) ? 1 : 0;
        for (Op o : nodes) for (String i : o.inputs) if (i.equals(tensor)) n++;
        return n;
    }

    /** The nodes reading {@code tensor}, once per node. */
    List<Op> consumers(String tensor) {
        List<Op> out = new ArrayList<>();
        for (Op o : nodes) if (o.inputs.contains(tensor)) out.add(o);
        return out;
    }

    /** Replaces every read of {@code from} by {@code to} (graph outputs are left alone). */
    void rename(String from, String to) {
        for (Op o : nodes) o.inputs.replaceAll(i -> i.equals(from) ? to : i);
    }

    void insertBefore(Op anchor, Op node) {
        nodes.add(nodes.indexOf(anchor), node);
    }

    void insertAfter(Op anchor, Op node) {
        nodes.add(nodes.indexOf(anchor) + 1, node);
    }

    void remove(Op node) {
        nodes.remove(node);
    }

    /**
     * The nodes in an order where every tensor is written before it is read, otherwise as close to the current order
     * as possible: a fusion can make a node read a tensor written further down (a convolution absorbing an Add whose
     * other operand comes from a later branch), which ORT's own topological sort resolves the same way.
     */
    private List<Op> topologicalOrder() {
        Map<String, Op> writer = new HashMap<>();
        for (Op o : nodes) for (String t : o.outputs) writer.put(t, o);
        Map<Op, Integer> waiting = new HashMap<>();
        Map<Op, List<Op>> readers = new HashMap<>();
        for (Op o : nodes) {
            int n = 0;
            for (String t : new HashSet<>(o.inputs)) {
                Op w = writer.get(t);
                if (w == null || w == o) continue;
                n++;
                readers.computeIfAbsent(w, k -> new ArrayList<>()).add(o);
            }
            waiting.put(o, n);
        }
        Map<Op, Integer> position = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) position.put(nodes.get(i), i);
        java.util.PriorityQueue<Op> ready = new java.util.PriorityQueue<>(java.util.Comparator.comparingInt(position::get));
        for (Op o : nodes) if (waiting.get(o) == 0) ready.add(o);
        List<Op> out = new ArrayList<>(nodes.size());
        while (!ready.isEmpty()) {
            Op o = ready.poll();
            out.add(o);
            for (Op r : readers.getOrDefault(o, List.of())) if (waiting.merge(r, -1, Integer::sum) == 0) ready.add(r);
        }
        if (out.size() != nodes.size()) throw new IllegalStateException("the rewritten graph has a cycle");
        return out;
    }

    /** The rewritten model; constants nobody reads any more are dropped, as ONNX Runtime drops them. */
    Graph toGraph() {
        Set<String> read = new HashSet<>();
        for (Op o : nodes) read.addAll(o.inputs);
        Map<String, ConstTensor> kept = new LinkedHashMap<>();
        constants.forEach((name, t) -> {
            if (read.contains(name)) kept.put(name, t);
        });
        List<Node> out = new ArrayList<>(nodes.size());
        for (Op o : topologicalOrder()) out.add(new Node(o.name, o.type, o.domain, o.inputs, o.outputs, o.attributes));
        return new Graph(original.name(), original.producer(), original.irVersion(), original.opsets(), original.inputs(),
                original.outputs(), List.of(), kept, out);
    }
}
