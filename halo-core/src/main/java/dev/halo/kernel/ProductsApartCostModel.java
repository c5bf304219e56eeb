package dev.halo.kernel;

import dev.halo.graph.NodeCost;
import dev.halo.graph.TensorShape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Experimental, the bench path only (session 11, "kernel features version 4", docs/results/kernels.md): matrix
 * products priced apart from every other kernel. The convolutions and the other kernels keep version 2's description
 * and trees, fitted as {@link KernelCostModel#fitPoint} does but without the matrix products in their rows; the
 * matrix products (the kinds of {@link KernelKind.Group#MATMUL}) get trees of their own, fitted on the matrix products plus the
 * pointwise convolutions, all described as products ({@link #productFeatures}). A kernel is predicted by the trees of
 * its group.
 *
 * <p>Why: the zoo's CNN families hold thousands of pointwise convolutions and no matrix product but a classifier's
 * matrix-vector product, so a held-out transformer's MatMuls were priced from those. Describing matrix products in a
 * convolution's terms inside the shared trees priced them well but moved other families' convolutions through the
 * shared splits (session 10, versions 3 to 3c). Here the convolutions' own trees never see a matrix product, and the
 * convolutions lend the product trees their data without being predicted by them.
 *
 * <p>Both tree sets learn the log of measured / {@link KernelCostModel.Baseline} time, with the baseline and the
 * model-level calibration of version 2 (from the whole corpus).
 */
public record ProductsApartCostModel(KernelCostModel.Baseline baseline, BoostedTrees otherTrees, BoostedTrees productTrees,
        KernelCostModel.Calibration calibration) {

    public static final List<String> PRODUCT_FEATURE_NAMES = List.of("log_batch", "log_rows", "log_inner", "log_columns", "log_macs",
            "log_bytes_in", "log_bytes_weights", "log_bytes_out", "log_intensity", "activation");

    /** The kernels the product trees predict: MatMul, Gemm, FusedMatMul and the other matrix products, attention. */
    static boolean isMatrixProduct(KernelShape k) {
        return KernelKind.of(k).group() == KernelKind.Group.MATMUL;
    }

    /** The kernels the product trees learn from: the matrix products and the pointwise (1×1, one group) convolutions. */
    static boolean teachesProducts(KernelShape k) {
        return isMatrixProduct(k) || KernelKind.of(k) == KernelKind.CONV_POINTWISE;
    }

    public static ProductsApartCostModel fitPoint(List<KernelCorpus.Model> corpus, BoostedTrees.Params params) {
        KernelCostModel.Baseline baseline = KernelCostModel.baseline(corpus);
        BoostedTrees others = fitTrees(corpus, baseline, Predicate.not(ProductsApartCostModel::isMatrixProduct), KernelFeatures::of, params);
        BoostedTrees products = fitTrees(corpus, baseline, ProductsApartCostModel::teachesProducts, ProductsApartCostModel::productFeatures, params);
        return new ProductsApartCostModel(baseline, others, products, KernelCostModel.calibrate(corpus));
    }

    /** Trees on the log of measured / baseline time of the kernels {@code rows} keeps, weighted as version 2 weighs them. */
    private static BoostedTrees fitTrees(List<KernelCorpus.Model> corpus, KernelCostModel.Baseline baseline, Predicate<KernelShape> rows,
            Function<KernelShape, double[]> features, BoostedTrees.Params params) {
        List<double[]> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>(), ws = new ArrayList<>();
        for (KernelCorpus.Model m : corpus)
            for (ProfiledKernel k : m.kernels()) {
                if (!(k.ms() > 0) || !rows.test(k.shape())) continue;
                xs.add(features.apply(k.shape()));
                ys.add(Math.log(k.ms() / baseline.ms(k.shape())));
                ws.add(Math.sqrt(k.ms()));
            }
        if (xs.size() < 20) throw new IllegalArgumentException("need at least 20 profiled kernels to fit, got " + xs.size());
        return BoostedTrees.fit(xs.toArray(double[][]::new), ys.stream().mapToDouble(Double::doubleValue).toArray(),
                ws.stream().mapToDouble(Double::doubleValue).toArray(), params);
    }

    /** A kernel's own predicted time (ms), before the model-level calibration, from the trees of its group. */
    public double kernelMs(KernelShape k) {
        double logEfficiency = isMatrixProduct(k) ? productTrees.predict(productFeatures(k)) : otherTrees.predict(KernelFeatures.of(k));
        return baseline.ms(k) * Math.exp(logEfficiency);
    }

    /** A graph's predicted latency (ms), calibrated as {@link KernelCostModel#predict} does (no interval). */
    public double predictMs(List<KernelShape> kernels) {
        double sum = 0;
        for (KernelShape k : kernels) sum += calibration.scale() * kernelMs(k) + calibration.perKernelMs();
        return Math.max(1e-6, sum + calibration.overheadMs());
    }

    /**
     * A kernel as {@code batch} independent products of an M×K by a K×N matrix, with its work, bytes and fused
     * activation. A matrix product: its leading indices (an attention head), rows, inner and last dimension; a
     * convolution: its groups, output pixels (batch × spatial), output channels per group, and K from the work
     * (MACs / (batch·M·N)) so that padded NCHWc channels and fused inputs do not distort it. No feature names the
     * operator: the trees can tell a MatMul from a convolution only by what its work looks like. An unknown output
     * shape gives zero dimensions.
     */
    static double[] productFeatures(KernelShape k) {
        long[] bmkn = dimensions(k);
        NodeCost c = k.cost();
        return new double[] {log(bmkn[0]), log(bmkn[1]), log(bmkn[2]), log(bmkn[3]), log(c.macs()), log(c.bytesIn()),
                log(c.bytesWeights()), log(c.bytesOut()), log((double) c.macs() / Math.max(1, c.bytesMoved()) * 1000),
                KernelFeatures.activationCode(k.activation())};
    }

    /** {batch, M, K, N}; see {@link #productFeatures}. */
    static long[] dimensions(KernelShape k) {
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

    private static double log(double v) {
        return Math.log1p(Math.max(0, v));
    }
}
