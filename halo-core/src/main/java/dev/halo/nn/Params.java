package dev.halo.nn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * An ordered, immutable map from parameter name to tensor: the functional form of a model's weights. A
 * MAML / Meta-SGD inner loop builds adapted copies ({@link #with}, {@link #plusScaled}) without touching the
 * original, and gradients are themselves {@code Params} with the same names and shapes.
 */
public final class Params {
    private final Map<String, Tensor> tensors;

    private Params(LinkedHashMap<String, Tensor> tensors) {
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    public static Params of(Map<String, Tensor> tensors) {
        return new Params(new LinkedHashMap<>(tensors));
    }

    public static Params empty() {
        return new Params(new LinkedHashMap<>());
    }

    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException("no parameter " + name + " (have " + tensors.keySet() + ")");
        return t;
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    public Map<String, Tensor> asMap() {
        return tensors;
    }

    /** A copy with {@code name} set to {@code value} (added at the end if new). */
    public Params with(String name, Tensor value) {
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>(tensors);
        m.put(name, value);
        return new Params(m);
    }

    /** The union of both maps; names in {@code other} win. */
    public Params merge(Params other) {
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>(tensors);
        m.putAll(other.tensors);
        return new Params(m);
    }

    /** Only the named entries, in this map's order. */
    public Params select(java.util.function.Predicate<String> keep) {
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        tensors.forEach((k, v) -> {
            if (keep.test(k)) m.put(k, v);
        });
        return new Params(m);
    }

    public Params map(UnaryOperator<Tensor> f) {
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        tensors.forEach((k, v) -> m.put(k, f.apply(v)));
        return new Params(m);
    }

    /** Combines entries of equal name; {@code other} must have exactly the same names. */
    public Params zip(Params other, BiFunction<Tensor, Tensor, Tensor> f) {
        if (!tensors.keySet().equals(other.tensors.keySet()))
            throw new IllegalArgumentException("parameter names differ: " + tensors.keySet() + " vs " + other.tensors.keySet());
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        tensors.forEach((k, v) -> m.put(k, f.apply(v, other.tensors.get(k))));
        return new Params(m);
    }

    public Params zerosLike() {
        return map(Tensor::zerosLike);
    }

    /** {@code this + scale * other}. */
    public Params plusScaled(Params other, double scale) {
        return zip(other, (a, b) -> a.plusScaled(b, scale));
    }

    /** {@code this + scale * (a ⊙ b)} in one pass per tensor; {@code a} and {@code b} must have this map's names. */
    public Params plusScaledProduct(Params a, Params b, double scale) {
        if (!tensors.keySet().equals(a.tensors.keySet()) || !tensors.keySet().equals(b.tensors.keySet()))
            throw new IllegalArgumentException("parameter names differ: " + tensors.keySet() + " vs " + a.tensors.keySet() + " / " + b.tensors.keySet());
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        tensors.forEach((k, v) -> m.put(k, v.plusScaledProduct(a.tensors.get(k), b.tensors.get(k), scale)));
        return new Params(m);
    }

    /** Element-wise product. */
    public Params times(Params other) {
        return zip(other, Tensor::times);
    }

    public Params scaled(double s) {
        return map(t -> t.scaled(s));
    }

    public double dot(Params other) {
        double s = 0;
        for (var e : tensors.entrySet()) s += e.getValue().dot(other.get(e.getKey()));
        return s;
    }

    public int count() {
        int n = 0;
        for (Tensor t : tensors.values()) n += t.size();
        return n;
    }

    /** All values concatenated in name order (for gradient checks and serialisation). */
    public double[] flatten() {
        double[] out = new double[count()];
        int i = 0;
        for (Tensor t : tensors.values()) {
            System.arraycopy(t.data(), 0, out, i, t.size());
            i += t.size();
        }
        return out;
    }

    /** The inverse of {@link #flatten}: same names and shapes as this, values from {@code flat}. */
    public Params unflatten(double[] flat) {
        if (flat.length != count()) throw new IllegalArgumentException("need " + count() + " values, got " + flat.length);
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        int i = 0;
        for (var e : tensors.entrySet()) {
            Tensor t = e.getValue();
            double[] d = new double[t.size()];
            System.arraycopy(flat, i, d, 0, d.length);
            i += d.length;
            m.put(e.getKey(), new Tensor(t.shape(), d));
        }
        return new Params(m);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Params p && tensors.equals(p.tensors);
    }

    @Override
    public int hashCode() {
        return tensors.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Params{");
        tensors.forEach((k, v) -> sb.append(k).append(java.util.Arrays.toString(v.shape())).append(' '));
        return sb.append('}').toString();
    }
}
