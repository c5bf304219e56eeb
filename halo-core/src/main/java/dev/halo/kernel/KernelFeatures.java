package dev.halo.kernel;

import dev.halo.graph.NodeCost;
import dev.halo.graph.TensorShape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The numbers a kernel cost model reads: the kind (one-hot), the work and bytes (log scale: kernel times span five
 * decades), channel counts, window and stride, groups, spatial size, fused inputs and activation, and arithmetic
 * intensity, and the arithmetic class of an element-wise operator. Version {@value #VERSION}: a fitted model records it
 * and refuses kernels described by another version.
 *
 * <p>The operator class is there because bytes alone do not price an element-wise kernel: a sigmoid or an erf costs
 * an exponential per element where an add costs one instruction. Version 1 had no such feature; on the zoo's own
 * leave-one-family-out check it could not price the SiLU kernels of the one family that uses them
 * (docs/results/kernels.md).
 */
public final class KernelFeatures {
    public static final int VERSION = 2;

    private static final List<String> NUMERIC = List.of("log_macs", "log_flops", "log_bytes_in", "log_bytes_weights", "log_bytes_out",
            "log_channels_in", "log_channels_out", "window_h", "window_w", "stride", "log_groups", "log_spatial_out", "inputs",
            "activation", "log_intensity", "log_inner_dim", "log_outer_rows", "op_class");
    private static final List<String> NAMES;

    static {
        List<String> names = new ArrayList<>();
        for (KernelKind k : KernelKind.values()) names.add("kind_" + k.label());
        names.addAll(NUMERIC);
        NAMES = Collections.unmodifiableList(names);
    }

    private KernelFeatures() {}

    public static List<String> names() {
        return NAMES;
    }

    public static int size() {
        return NAMES.size();
    }

    public static double[] of(KernelShape k) {
        double[] x = new double[NAMES.size()];
        KernelKind kind = KernelKind.of(k);
        x[kind.ordinal()] = 1;
        int i = KernelKind.values().length;
        NodeCost c = k.cost();
        TensorShape in = k.firstInput();
        TensorShape out = k.firstOutput();
        x[i++] = log(c.macs());
        x[i++] = log(c.flops());
        x[i++] = log(c.bytesIn());
        x[i++] = log(c.bytesWeights());
        x[i++] = log(c.bytesOut());
        x[i++] = log(channels(in));
        x[i++] = log(channels(out));
        x[i++] = k.window()[0];
        x[i++] = k.window()[1];
        x[i++] = Math.max(k.stride()[0], k.stride()[1]);
        x[i++] = log(k.group());
        x[i++] = log(spatial(out));
        x[i++] = k.inputs().size();
        x[i++] = activationCode(k.activation());
        x[i++] = log((double) c.macs() / Math.max(1, c.bytesMoved()) * 1000);
        x[i++] = log(innerDim(in));
        x[i++] = log(outerRows(in));
        x[i++] = opClass(k);
        return x;
    }

    /** Channels of an NCHW(c) tensor (dimension 1), or the feature width (last dimension) of a sequence or matrix. */
    private static long channels(TensorShape s) {
        if (s == null || s.rank() == 0) return 0;
        if (s.rank() >= 4) return Math.max(0, s.dim(1));
        return Math.max(0, s.dim(s.rank() - 1));
    }

    private static long spatial(TensorShape s) {
        if (s == null) return 0;
        if (s.rank() >= 4) {
            long p = 1;
            for (int d = 2; d < s.rank(); d++) p *= Math.max(1, s.dim(d));
            return p;
        }
        return s.rank() >= 2 ? Math.max(0, s.dim(s.rank() - 2)) : 1;
    }

    private static long innerDim(TensorShape s) {
        return s == null || s.rank() == 0 ? 0 : Math.max(0, s.dim(s.rank() - 1));
    }

    private static long outerRows(TensorShape s) {
        if (s == null || s.rank() == 0) return 0;
        long p = 1;
        for (int d = 0; d < s.rank() - 1; d++) p *= Math.max(1, s.dim(d));
        return p;
    }

    private static final java.util.Set<String> TRANSCENDENTAL = java.util.Set.of("Sigmoid", "Tanh", "Exp", "Log", "Erf", "Gelu", "FastGelu",
            "BiasGelu", "QuickGelu", "Softplus", "Softsign", "Elu", "Selu", "Celu", "Mish", "Swish", "Pow", "Sqrt", "Reciprocal", "Sin", "Cos");
    private static final java.util.Set<String> SIMPLE = java.util.Set.of("Add", "Sub", "Mul", "Div", "Max", "Min", "Neg", "Abs", "Relu",
            "LeakyRelu", "PRelu", "Clip", "HardSigmoid", "HardSwish", "Where", "Equal", "Less", "Greater", "Not", "And", "Or", "Sum", "Mean");

    /** 0: not element-wise or unknown, 1: simple arithmetic (add, multiply, clamp), 2: transcendental (exp, erf, tanh, ...). */
    static int opClass(KernelShape k) {
        String op = k.op().substring(k.op().lastIndexOf(':') + 1);
        if (TRANSCENDENTAL.contains(op)) return 2;
        return SIMPLE.contains(op) ? 1 : 0;
    }

    static int activationCode(String a) {
        return switch (a) {
            case "" -> 0;
            case "Relu" -> 1;
            case "Clip" -> 2;
            case "HardSigmoid", "Sigmoid" -> 3;
            default -> 4;
        };
    }

    private static double log(double v) {
        return Math.log1p(Math.max(0, v));
    }
}
