package dev.halo.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small fluent builder of {@link Graph}s for tests. */
final class TestGraph {
    private final long opset;
    private final List<ValueInfo> inputs = new ArrayList<>(), outputs = new ArrayList<>(), valueInfos = new ArrayList<>();
    private final Map<String, ConstTensor> inits = new LinkedHashMap<>();
    private final List<Node> nodes = new ArrayList<>();

    TestGraph(long opset) {
        this.opset = opset;
    }

    TestGraph input(String name, long... dims) {
        inputs.add(new ValueInfo(name, DType.FLOAT, TensorShape.of(dims)));
        return this;
    }

    TestGraph input(ValueInfo v) {
        inputs.add(v);
        return this;
    }

    TestGraph weight(String name, long... dims) {
        inits.put(name, new ConstTensor(name, DType.FLOAT, dims, null, null));
        return this;
    }

    TestGraph ints(String name, long... values) {
        double[] v = new double[values.length];
        for (int i = 0; i < v.length; i++) v[i] = values[i];
        inits.put(name, new ConstTensor(name, DType.INT64, new long[] {values.length}, v, null));
        return this;
    }

    TestGraph floats(String name, double... values) {
        inits.put(name, new ConstTensor(name, DType.FLOAT, new long[] {values.length}, values, null));
        return this;
    }

    TestGraph declared(String name, long... dims) {
        valueInfos.add(new ValueInfo(name, DType.FLOAT, TensorShape.of(dims)));
        return this;
    }

    /** {@code node("Conv", "c", in("x","w"), out("y"), Attribute...)} */
    TestGraph node(String op, String name, List<String> in, List<String> out, Attribute... attrs) {
        Map<String, Attribute> a = new HashMap<>();
        for (Attribute at : attrs) a.put(at.name(), at);
        nodes.add(new Node(name, op, "", in, out, a));
        return this;
    }

    TestGraph output(String name) {
        outputs.add(new ValueInfo(name, DType.FLOAT, null));
        return this;
    }

    Graph build() {
        return new Graph("test", "halo-test", 8, Map.of("", opset), inputs, outputs, valueInfos, inits, nodes);
    }

    GraphReport analyze() {
        return GraphAnalysis.analyze(build(), Map.of());
    }

    static List<String> in(String... names) {
        return List.of(names);
    }

    static List<String> out(String... names) {
        return List.of(names);
    }
}
