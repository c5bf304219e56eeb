package dev.halo.graph;

/**
 * A constant tensor (an initializer, or a Constant node's value) described without its bulk data.
 *
 * @param values the elements, kept only for small tensors that shape inference may need (a Reshape's target shape,
 *     Slice bounds, Resize scales); null otherwise. Integers are exact up to 2^53.
 * @param externalFile the external-data file holding the elements, or null when they are in the model file
 */
public record ConstTensor(String name, DType type, long[] dims, double[] values, String externalFile) {
    /** The largest tensor whose values a reader keeps. */
    public static final int MAX_KEPT_ELEMENTS = 64;

    public ConstTensor {
        dims = dims.clone();
        values = values == null ? null : values.clone();
    }

    public TensorShape shape() {
        return TensorShape.of(dims);
    }

    public long elements() {
        return shape().elements();
    }

    public long bytes() {
        return elements() * type.bytes();
    }
}
