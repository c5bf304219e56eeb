package dev.halo.graph;

import java.util.List;
import java.util.Map;

/**
 * One operator application. An empty input name is an omitted optional input, as in ONNX.
 *
 * @param domain operator domain: "" for the ONNX default domain, {@code com.microsoft} for ONNX Runtime's contrib
 *     and fused kernels, {@code com.microsoft.nchwc} for its blocked-layout kernels
 */
public record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
        Map<String, Attribute> attributes) {
    public Node {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = Map.copyOf(attributes);
    }

    /** The input at {@code i}, or "" when the node has fewer inputs. */
    public String input(int i) {
        return i < inputs.size() ? inputs.get(i) : "";
    }

    public boolean has(String attribute) {
        return attributes.containsKey(attribute);
    }

    public long attrInt(String attribute, long fallback) {
        Attribute a = attributes.get(attribute);
        return a == null ? fallback : a.i();
    }

    public double attrFloat(String attribute, double fallback) {
        Attribute a = attributes.get(attribute);
        return a == null ? fallback : a.f();
    }

    public String attrString(String attribute, String fallback) {
        Attribute a = attributes.get(attribute);
        return a == null || a.s() == null ? fallback : a.s();
    }

    /** The INTS attribute, or null when absent. */
    public long[] attrInts(String attribute) {
        Attribute a = attributes.get(attribute);
        return a == null ? null : a.ints();
    }

    /** {@code domain::op} for non-default domains, {@code op} otherwise. */
    public String qualifiedOp() {
        return domain.isEmpty() || domain.equals("ai.onnx") ? opType : domain + "::" + opType;
    }
}
