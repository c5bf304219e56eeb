package dev.halo.graph;

import dev.halo.BadInputException;
import java.util.Arrays;

/**
 * The dimensions of a tensor. A dimension below zero is unknown; {@code symbols[i]}, when not null, is the name a
 * model gave a dynamic dimension ({@code batch_size}, {@code sequence}).
 */
public record TensorShape(long[] dims, String[] symbols) {
    public static final TensorShape SCALAR = new TensorShape(new long[0], new String[0]);

    public TensorShape {
        dims = dims.clone();
        symbols = symbols == null ? new String[dims.length] : symbols.clone();
        if (symbols.length != dims.length) throw new IllegalArgumentException("symbols and dims differ in length");
    }

    public static TensorShape of(long... dims) {
        return new TensorShape(dims, null);
    }

    /** Parses {@code 1x3x224x224} (a lone {@code x} or an empty string is a scalar). */
    public static TensorShape parse(String text) {
        String t = text.strip();
        if (t.isEmpty() || t.equals("scalar")) return SCALAR;
        String[] parts = t.split("[xX,]", -1);
        long[] dims = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                dims[i] = Long.parseLong(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new BadInputException("shape '" + text + "': '" + parts[i] + "' is not a number (write e.g. 1x3x224x224)");
            }
            if (dims[i] < 0) throw new BadInputException("shape '" + text + "': dimension " + dims[i] + " is negative");
        }
        return of(dims);
    }

    public int rank() {
        return dims.length;
    }

    public long dim(int i) {
        return dims[i];
    }

    /** Dimensions of this shape (a copy). */
    public long[] toArray() {
        return dims.clone();
    }

    public boolean isStatic() {
        for (long d : dims) if (d < 0) return false;
        return true;
    }

    /** Number of elements, or -1 when a dimension is unknown. */
    public long elements() {
        long n = 1;
        for (long d : dims) {
            if (d < 0) return -1;
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Index of the first unknown dimension, or -1. */
    public int firstDynamic() {
        for (int i = 0; i < dims.length; i++) if (dims[i] < 0) return i;
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorShape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** {@code 1x3x224x224}; unknown dimensions print as their symbol or {@code ?}; a scalar prints as {@code scalar}. */
    @Override
    public String toString() {
        if (dims.length == 0) return "scalar";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) sb.append('x');
            sb.append(dims[i] >= 0 ? Long.toString(dims[i]) : symbols[i] != null ? symbols[i] : "?");
        }
        return sb.toString();
    }
}
