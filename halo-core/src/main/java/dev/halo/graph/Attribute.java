package dev.halo.graph;

/**
 * One node attribute. Only the field of its {@code kind} is meaningful; subgraph attributes are kept as their kind
 * alone.
 */
public record Attribute(String name, Kind kind, long i, double f, String s, long[] ints, double[] floats, ConstTensor t) {
    public enum Kind { INT, FLOAT, STRING, INTS, FLOATS, STRINGS, TENSOR, GRAPH, OTHER }

    public Attribute {
        ints = ints == null ? new long[0] : ints.clone();
        floats = floats == null ? new double[0] : floats.clone();
    }

    public static Attribute ofInt(String name, long v) {
        return new Attribute(name, Kind.INT, v, 0, null, null, null, null);
    }

    public static Attribute ofInts(String name, long... v) {
        return new Attribute(name, Kind.INTS, 0, 0, null, v, null, null);
    }

    public static Attribute ofFloat(String name, double v) {
        return new Attribute(name, Kind.FLOAT, 0, v, null, null, null, null);
    }

    public static Attribute ofFloats(String name, double... v) {
        return new Attribute(name, Kind.FLOATS, 0, 0, null, null, v, null);
    }

    public static Attribute ofString(String name, String v) {
        return new Attribute(name, Kind.STRING, 0, 0, v, null, null, null);
    }

    public static Attribute ofTensor(String name, ConstTensor t) {
        return new Attribute(name, Kind.TENSOR, 0, 0, null, null, null, t);
    }

    public long[] ints() {
        return ints.clone();
    }

    public double[] floats() {
        return floats.clone();
    }
}
