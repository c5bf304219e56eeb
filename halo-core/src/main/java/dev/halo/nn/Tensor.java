package dev.halo.nn;

import java.util.Arrays;

/**
 * A dense row-major array of doubles with a shape. The data array is owned by the tensor: callers must not
 * mutate a tensor they did not just create (the numeric core creates a fresh tensor for every result, so
 * parameter maps can be shared between an original model and its adapted copies without defensive copies).
 *
 * <p>Double precision throughout: the models are small (~100k parameters) and the meta-gradient is checked
 * against finite differences, which float32 cannot resolve.
 */
public record Tensor(int[] shape, double[] data) {
    public Tensor {
        int n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            n *= d;
        }
        if (n != data.length)
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
        shape = shape.clone();
    }

    public static Tensor zeros(int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return new Tensor(shape, new double[n]);
    }

    public static Tensor of(double[] data, int... shape) {
        return new Tensor(shape, data);
    }

    /** A 1-d tensor holding a copy of {@code values}. */
    public static Tensor vector(double... values) {
        return new Tensor(new int[] {values.length}, values.clone());
    }

    public int size() {
        return data.length;
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int i) {
        return shape[i];
    }

    public Tensor zerosLike() {
        return new Tensor(shape, new double[data.length]);
    }

    public Tensor copy() {
        return new Tensor(shape, data.clone());
    }

    public boolean sameShape(Tensor other) {
        return Arrays.equals(shape, other.shape);
    }

    /** {@code this + scale * other}, a new tensor. */
    public Tensor plusScaled(Tensor other, double scale) {
        requireSameShape(other);
        double[] out = data.clone();
        double[] o = other.data;
        for (int i = 0; i < out.length; i++) out[i] += scale * o[i];
        return new Tensor(shape, out);
    }

    /** {@code this + scale * (a ⊙ b)}, a new tensor, in one pass (same rounding as {@code plusScaled(a.times(b), scale)}). */
    public Tensor plusScaledProduct(Tensor a, Tensor b, double scale) {
        requireSameShape(a);
        requireSameShape(b);
        double[] out = new double[data.length], x = a.data, y = b.data;
        for (int i = 0; i < out.length; i++) out[i] = data[i] + scale * (x[i] * y[i]);
        return new Tensor(shape, out);
    }

    /** Element-wise product, a new tensor. */
    public Tensor times(Tensor other) {
        requireSameShape(other);
        double[] out = new double[data.length];
        for (int i = 0; i < out.length; i++) out[i] = data[i] * other.data[i];
        return new Tensor(shape, out);
    }

    public Tensor scaled(double s) {
        double[] out = new double[data.length];
        for (int i = 0; i < out.length; i++) out[i] = data[i] * s;
        return new Tensor(shape, out);
    }

    public double dot(Tensor other) {
        requireSameShape(other);
        double s = 0;
        for (int i = 0; i < data.length; i++) s += data[i] * other.data[i];
        return s;
    }

    private void requireSameShape(Tensor other) {
        if (!sameShape(other))
            throw new IllegalArgumentException("shape mismatch " + Arrays.toString(shape) + " vs " + Arrays.toString(other.shape));
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
        return "Tensor" + Arrays.toString(shape);
    }
}
