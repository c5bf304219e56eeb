package dev.halo.data;

import java.util.Arrays;

/**
 * A dense float32 tensor read from a torch file: its shape and its values in row-major (C) order.
 * Immutable: the accessors return copies; {@link #get} reads one value without copying.
 */
public record Tensor(int[] shape, float[] data) {
    public Tensor {
        shape = shape.clone();
        data = data.clone();
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n *= d;
        }
        if (n != data.length) throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
    }

    /** A copy of the shape. */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** A copy of the values, row-major. */
    @Override
    public float[] data() {
        return data.clone();
    }

    public int dim() {
        return shape.length;
    }

    public int size(int dimension) {
        return shape[dimension];
    }

    public int numel() {
        return data.length;
    }

    /** The value at the given indices (one per dimension; none for a scalar). */
    public float get(int... index) {
        if (index.length != shape.length)
            throw new IllegalArgumentException(index.length + " indices for a " + shape.length + "-d tensor");
        int flat = 0;
        for (int d = 0; d < shape.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d])
                throw new IndexOutOfBoundsException("index " + index[d] + " out of range for dimension " + d + " of size " + shape[d]);
            flat = flat * shape[d] + index[d];
        }
        return data[flat];
    }

    /** Shape as text, e.g. {@code [100, 145]}. */
    public String shapeText() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Tensor" + shapeText();
    }
}
