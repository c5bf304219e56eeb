package dev.halo.kernel;

import dev.halo.nn.LinearSolve;
import dev.halo.stats.Metrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * Latency of any graph on one device as the sum of its executed kernels' costs. Each kernel's time comes from
 * boosted trees fitted on the log of profiled kernel times (so a kernel's cost shape is learned from its kind, shapes,
 * work and bytes, not from its name): the matrix products from trees of their own, fitted on the matrix products and
 * the pointwise convolutions described as products ({@link KernelFeatures#product}), every other kernel from trees
 * fitted on every kernel but the matrix products ({@link KernelFeatures#of}). The model's latency is then
 * {@code scale × Σ kernel ms + perKernel × kernels + overhead}, fitted on whole-model latencies against the profiled
 * sums (what the profiler does not see: the gaps between kernels, its own bookkeeping). The interval comes from leave-one-family-out errors on the training corpus.
 */
public final class KernelCostModel implements GraphLatencyModel {
    /**
     * @param device the fingerprint id of the device the corpus was profiled on
     * @param families the families of the training corpus
     * @param lowLogRatio 5th percentile of log(measured / predicted) over held-out families (0 when not estimated)
     * @param highLogRatio 95th percentile of it
     */
    public record Calibration(double scale, double perKernelMs, double overheadMs, double lowLogRatio, double highLogRatio) {}

    /**
     * A kernel's time before the trees: {@code msPerMac × MACs + msPerByte × bytes moved + msPerKernel}. The trees
     * learn the log of measured / baseline, an efficiency, which stays within what the corpus showed; the baseline
     * carries the scale, so a kernel larger than any profiled one is predicted in proportion to its work instead of
     * being capped at the largest time the trees have seen.
     */
    public record Baseline(double msPerMac, double msPerByte, double msPerKernel) {
        public Baseline {
            if (!(msPerMac > 0) || !(msPerByte > 0) || !(msPerKernel > 0) || Double.isInfinite(msPerMac + msPerByte + msPerKernel))
                throw new IllegalArgumentException("baseline terms must be positive and finite");
        }

        public double ms(KernelShape k) {
            return msPerMac * k.cost().macs() + msPerByte * k.cost().bytesMoved() + msPerKernel;
        }
    }

    /** Where a model came from: the device, how many models and kernels, which families, the feature version. */
    public record Provenance(String device, String deviceLabel, int models, int kernels, List<String> families, int featureVersion,
            String fittedAt) {
        public Provenance {
            families = List.copyOf(families);
        }
    }

    /** A graph's predicted latency (ms) with a 90 % interval and each kernel's share (in the order given). */
    public record Prediction(double ms, double lowMs, double highMs, List<KernelMs> kernels) {
        public Prediction {
            kernels = List.copyOf(kernels);
        }
    }

    public record KernelMs(KernelShape kernel, KernelKind kind, double ms) {}

    private final Baseline baseline;
    private final BoostedTrees trees;
    private final BoostedTrees productTrees;
    private final Calibration calibration;
    private final Provenance provenance;

    /**
     * @param trees what every kernel but the matrix products costs, on {@link KernelFeatures#of}
     * @param productTrees what the matrix products cost, on {@link KernelFeatures#product}
     */
    public KernelCostModel(Baseline baseline, BoostedTrees trees, BoostedTrees productTrees, Calibration calibration, Provenance provenance) {
        if (trees.features() != KernelFeatures.size())
            throw new IllegalArgumentException("the trees read " + trees.features() + " features, kernel features version "
                    + KernelFeatures.VERSION + " has " + KernelFeatures.size());
        if (productTrees.features() != KernelFeatures.productSize())
            throw new IllegalArgumentException("the product trees read " + productTrees.features() + " features, kernel features version "
                    + KernelFeatures.VERSION + " describes a product with " + KernelFeatures.productSize());
        this.baseline = java.util.Objects.requireNonNull(baseline);
        this.trees = trees;
        this.productTrees = productTrees;
        this.calibration = calibration;
        this.provenance = provenance;
    }

    public Baseline baseline() {
        return baseline;
    }

    public BoostedTrees trees() {
        return trees;
    }

    public BoostedTrees productTrees() {
        return productTrees;
    }

    public Calibration calibration() {
        return calibration;
    }

    public Provenance provenance() {
        return provenance;
    }

    /** A kernel's own predicted time (ms), before the model-level calibration, from the trees of its group. */
    public double kernelMs(KernelShape k) {
        double logEfficiency = KernelFeatures.isMatrixProduct(k) ? productTrees.predict(KernelFeatures.product(k)) : trees.predict(KernelFeatures.of(k));
        return baseline.ms(k) * Math.exp(logEfficiency);
    }

    @Override
    public String device() {
        return provenance.device();
    }

    @Override
    public String describe() {
        return String.format(java.util.Locale.ROOT, "kernel model profiled on %s: %d models (%s), %d kernels", provenance.deviceLabel(),
                provenance.models(), String.join(", ", provenance.families()), provenance.kernels());
    }

    @Override
    public Prediction predict(List<KernelShape> kernels) {
        List<KernelMs> parts = new ArrayList<>();
        double sum = 0;
        for (KernelShape k : kernels) {
            double ms = calibration.scale() * kernelMs(k) + calibration.perKernelMs();
            parts.add(new KernelMs(k, KernelKind.of(k), ms));
            sum += ms;
        }
        double ms = Math.max(1e-6, sum + calibration.overheadMs());
        return new Prediction(ms, ms * Math.exp(calibration.lowLogRatio()), ms * Math.exp(calibration.highLogRatio()), parts);
    }

    /**
     * Fits on every model of {@code corpus}; with {@code interval}, also the leave-one-family-out error quantiles (over
     * the families of networks: single-kernel models stay in every fit).
     */
    public static KernelCostModel fit(List<KernelCorpus.Model> corpus, BoostedTrees.Params params, Provenance provenance, boolean interval) {
        KernelCostModel point = fitPoint(corpus, params, provenance);
        if (!interval) return point;
        Map<String, KernelCostModel> heldOut = new TreeMap<>();
        for (String family : families(corpus)) {
            if (family.equals(KernelCorpus.SINGLE_KERNELS)) continue;
            List<KernelCorpus.Model> train = corpus.stream().filter(Predicate.not(m -> m.family().equals(family))).toList();
            if (!train.isEmpty()) heldOut.put(family, fitPoint(train, params, provenance));
        }
        return point.withIntervalFrom(corpus, heldOut);
    }

    /**
     * This model with its 90 % interval set from out-of-family errors: each model of {@code corpus} predicted by the
     * fit that did not see its family ({@code heldOut}: family -> that fit). Fewer than 10 such errors leave it unset.
     */
    public KernelCostModel withIntervalFrom(List<KernelCorpus.Model> corpus, Map<String, KernelCostModel> heldOut) {
        List<Double> logRatios = new ArrayList<>();
        for (KernelCorpus.Model m : corpus) {
            KernelCostModel held = heldOut.get(m.family());
            if (held != null) logRatios.add(Math.log(m.latencyMs() / held.predict(m.shapes()).ms()));
        }
        if (logRatios.size() < 10) return this;
        double[] s = logRatios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        Calibration c = calibration;
        return new KernelCostModel(baseline, trees, productTrees, new Calibration(c.scale(), c.perKernelMs(), c.overheadMs(), Metrics.quantile(s, 0.05), Metrics.quantile(s, 0.95)),
                provenance);
    }

    public static KernelCostModel fitPoint(List<KernelCorpus.Model> corpus, BoostedTrees.Params params, Provenance provenance) {
        Baseline baseline = baseline(corpus);
        BoostedTrees trees = fitTrees(corpus, baseline, Predicate.not(KernelFeatures::isMatrixProduct), KernelFeatures::of, "kernels but matrix products", params);
        BoostedTrees productTrees = fitTrees(corpus, baseline, KernelFeatures::teachesProducts, KernelFeatures::product,
                "matrix products and pointwise convolutions", params);
        // a single-kernel model's latency is mostly per-call overhead: it would pull the calibration towards it
        List<KernelCorpus.Model> networks = corpus.stream().filter(Predicate.not(KernelCorpus.Model::singleKernel)).toList();
        return new KernelCostModel(baseline, trees, productTrees, calibrate(networks.isEmpty() ? corpus : networks), provenance);
    }

    /**
     * Whether a profiled kernel enters the fit: not when the profiler did not time it, and not when it is a convolution
     * of a single-kernel model. Networks cover convolutions by the thousand, and a convolution timed alone moved the
     * networks' ones (sessions 12 and 14); single kernels are there for the kinds networks lack.
     */
    static boolean teaches(KernelCorpus.Model m, ProfiledKernel k) {
        if (!(k.ms() > 0)) return false;
        return !m.singleKernel() || switch (KernelKind.of(k.shape()).group()) {
            case DENSE_CONV, POINTWISE_CONV, SPARSE_CONV -> false;
            case MATMUL, MEMORY -> true;
        };
    }

    /** Trees on the log of measured / baseline time of the profiled kernels that {@code rows} keeps ({@code what} names them). */
    private static BoostedTrees fitTrees(List<KernelCorpus.Model> corpus, Baseline baseline, Predicate<KernelShape> rows,
            BiFunction<KernelShape, Boolean, double[]> features, String what, BoostedTrees.Params params) {
        List<double[]> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>(), ws = new ArrayList<>();
        for (KernelCorpus.Model m : corpus)
            for (ProfiledKernel k : m.kernels()) {
                if (!teaches(m, k) || !rows.test(k.shape())) continue;
                xs.add(features.apply(k.shape(), m.singleKernel()));
                ys.add(Math.log(k.ms() / baseline.ms(k.shape())));
                ws.add(Math.sqrt(k.ms())); // big kernels matter more to a model's sum, small ones are many: a middle way
            }
        if (xs.size() < 20) throw new IllegalArgumentException("need at least 20 profiled " + what + " to fit, got " + xs.size());
        return BoostedTrees.fit(xs.toArray(double[][]::new), ys.stream().mapToDouble(Double::doubleValue).toArray(),
                ws.stream().mapToDouble(Double::doubleValue).toArray(), params);
    }

    /**
     * The corpus's typical cost of arithmetic (median ms per MAC of kernels with more than 10 MACs per byte), of memory
     * traffic (median ms per byte of kernels without MACs moving more than 64 KiB) and of launching a kernel (the
     * median time of kernels moving under 16 KiB), over the networks' kernels (single kernels, timed alone, cost more);
     * a term the corpus has no kernel for falls back to a fixed guess.
     */
    static Baseline baseline(List<KernelCorpus.Model> corpus) {
        List<Double> perMac = new ArrayList<>(), perByte = new ArrayList<>(), small = new ArrayList<>();
        List<KernelCorpus.Model> networks = corpus.stream().filter(Predicate.not(KernelCorpus.Model::singleKernel)).toList();
        for (KernelCorpus.Model m : networks.isEmpty() ? corpus : networks)
            for (ProfiledKernel k : m.kernels()) {
                if (!(k.ms() > 0)) continue;
                long macs = k.shape().cost().macs(), bytes = k.shape().cost().bytesMoved();
                if (macs > 10 * bytes) perMac.add(k.ms() / macs);
                else if (macs == 0 && bytes > 65_536) perByte.add(k.ms() / bytes);
                if (bytes < 16_384) small.add(k.ms());
            }
        return new Baseline(median(perMac, 4e-8), median(perByte, 1e-7), median(small, 2e-3));
    }

    private static double median(List<Double> v, double fallback) {
        if (v.isEmpty()) return fallback;
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s[s.length / 2];
    }

    /**
     * {@code latency ≈ scale × profiled sum + perKernel × kernels + overhead} by least squares on relative errors; the
     * two small terms are dropped (set to 0) when the corpus is too small to pin them down.
     */
    static Calibration calibrate(List<KernelCorpus.Model> corpus) {
        int n = corpus.size();
        if (n < 10) {
            double num = 0, den = 0;
            for (KernelCorpus.Model m : corpus) {
                double wt = 1 / (m.latencyMs() * m.latencyMs());
                num += wt * m.profiledMs() * m.latencyMs();
                den += wt * m.profiledMs() * m.profiledMs();
            }
            return new Calibration(den > 0 ? num / den : 1, 0, 0, 0, 0);
        }
        double[][] a = new double[3][3];
        double[] b = new double[3];
        for (KernelCorpus.Model m : corpus) {
            double[] x = {m.profiledMs(), m.kernels().size(), 1};
            double wt = 1 / (m.latencyMs() * m.latencyMs());
            for (int i = 0; i < 3; i++) {
                b[i] += wt * x[i] * m.latencyMs();
                for (int j = 0; j < 3; j++) a[i][j] += wt * x[i] * x[j];
            }
        }
        for (int i = 0; i < 3; i++) a[i][i] *= 1 + 1e-9;
        double[] s = LinearSolve.solve(a, b);
        return new Calibration(s[0], s[1], s[2], 0, 0);
    }

    static List<String> families(List<KernelCorpus.Model> corpus) {
        return List.copyOf(new TreeSet<>(corpus.stream().map(KernelCorpus.Model::family).toList()));
    }

    /** Predicted ms per kernel kind of a prediction, largest first (for breakdown tables and charts). */
    public static Map<KernelKind, Double> byKind(Prediction p) {
        Map<KernelKind, Double> out = new TreeMap<>();
        for (KernelMs k : p.kernels()) out.merge(k.kind(), k.ms(), Double::sum);
        return out;
    }

    /** The {@code top} slowest predicted kernels. */
    public static List<KernelMs> slowest(Prediction p, int top) {
        return p.kernels().stream().sorted(Comparator.comparingDouble(KernelMs::ms).reversed()).limit(top).toList();
    }

    @Override
    public String toString() {
        return "KernelCostModel" + Arrays.asList(provenance, calibration);
    }
}
