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
 *
 * <p>Version 4 prices matrix products apart ({@link #isMatrixProduct}): they are described by {@link #product} and
 * predicted by trees of their own, fitted on the matrix products plus the pointwise convolutions, while every other
 * kernel keeps version 2's description ({@link #of}) and trees that never see a matrix product. The zoo's CNN families
 * hold thousands of pointwise convolutions and no matrix product but a classifier's matrix-vector product, so a held-out
 * transformer's MatMuls were priced from those; describing them in a convolution's terms inside one set of trees
 * priced them well but moved other families' convolutions through the shared splits (versions 3 to 3c, session 10).
 * Here the convolutions lend the product trees their data without being predicted by them (session 11).
 */
public final class KernelFeatures {
    public static final int VERSION = 5;

    private static final List<String> NUMERIC = List.of("log_macs", "log_flops", "log_bytes_in", "log_bytes_weights", "log_bytes_out",
            "log_channels_in", "log_channels_out", "window_h", "window_w", "stride", "log_groups", "log_spatial_out", "inputs",
            "activation_pass", "log_intensity", "log_inner_dim", "log_outer_rows", "op_class");
    private static final List<String> NAMES;
    private static final List<String> PRODUCT_NAMES = List.of("log_batch", "log_rows", "log_inner", "log_columns", "log_macs",
            "log_bytes_in", "log_bytes_weights", "log_bytes_out", "log_intensity", "activation_pass");

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

    /** The names of {@link #product}'s numbers. */
    public static List<String> productNames() {
        return PRODUCT_NAMES;
    }

    public static int productSize() {
        return PRODUCT_NAMES.size();
    }

    /** The kernels priced by the product trees: MatMul, Gemm, FusedMatMul and the other matrix products, attention. */
    public static boolean isMatrixProduct(KernelShape k) {
        return KernelKind.of(k).group() == KernelKind.Group.MATMUL;
    }

    /** The kernels the product trees learn from: the matrix products and the pointwise (1×1, one group) convolutions. */
    public static boolean teachesProducts(KernelShape k) {
        return isMatrixProduct(k) || KernelKind.of(k) == KernelKind.CONV_POINTWISE;
    }

    /**
     * A kernel as {@code batch} independent products of an M×K by a K×N matrix, with its work, bytes and fused
     * activation. A matrix product: its leading indices (an attention head), rows, inner and last dimension; a
     * convolution: its groups, output pixels (batch × spatial), output channels per group, and K from the work
     * (MACs / (batch·M·N)) so that padded NCHWc channels and fused inputs do not distort it. No number names the
     * operator: the product trees can tell a MatMul from a convolution only by what its work looks like. An unknown
     * output shape gives zero dimensions.
     */
    public static double[] product(KernelShape k) {
        long[] bmkn = productDimensions(k);
        NodeCost c = k.cost();
        return new double[] {log(bmkn[0]), log(bmkn[1]), log(bmkn[2]), log(bmkn[3]), log(c.macs()), log(c.bytesIn()),
                log(c.bytesWeights()), log(c.bytesOut()), log((double) c.macs() / Math.max(1, c.bytesMoved()) * 1000),
                activationPass(k)};
    }

    /** {batch, M, K, N}; see {@link #product}. */
    static long[] productDimensions(KernelShape k) {
        TensorShape out = k.firstOutput();
        if (out == null || out.rank() < 2) return new long[4];
        long batch, rows, columns;
        if (isMatrixProduct(k)) {
            batch = 1;
            for (int d = 0; d < out.rank() - 2; d++) batch *= Math.max(1, out.dim(d));
            rows = Math.max(1, out.dim(out.rank() - 2));
            columns = Math.max(1, out.dim(out.rank() - 1));
        } else {
            batch = Math.max(1, k.group());
            long pixels = 1;
            for (int d = 2; d < out.rank(); d++) pixels *= Math.max(1, out.dim(d));
            rows = Math.max(1, out.dim(0)) * pixels;
            columns = Math.max(1, out.dim(1) / batch);
        }
        long inner = k.cost().macs() / Math.max(1, batch * rows * columns);
        return new long[] {batch, rows, inner, columns};
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
        x[i++] = activationPass(k);
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

    /**
     * What the fused activation costs beyond the kernel's own work. 0: none, or ReLU in a blocked-layout (NCHWc) kernel,
     * where MLAS clamps the accumulators before they are stored; 1: a simple activation applied in a second pass over the
     * output (Clip, HardSigmoid, LeakyRelu, and ReLU in a plain-layout kernel); 2: a transcendental one in a second pass
     * (Sigmoid, Tanh, ...). A class rather than the activation's name, so that a family whose activation no other family
     * fuses (ReLU6 as Clip) is priced like the kernels that cost the same.
     */
    static int activationPass(KernelShape k) {
        String a = k.activation();
        if (a.isEmpty() || (a.equals("Relu") && k.op().startsWith("com.microsoft.nchwc::"))) return 0;
        return TRANSCENDENTAL.contains(a) ? 2 : 1;
    }

    private static double log(double v) {
        return Math.log1p(Math.max(0, v));
    }
}
