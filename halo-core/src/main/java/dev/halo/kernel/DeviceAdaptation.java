package dev.halo.kernel;

import dev.halo.nn.LinearSolve;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A kernel cost model carried to a device it was not profiled on, from a few whole-model latencies measured there
 * (no profiler needed on the device). The source model's per-kernel times keep the shape of each kernel's cost; the
 * device gets one speed factor per kernel group ({@link KernelKind.Group}: dense convolutions, pointwise, depthwise
 * and grouped, matrix products, memory-bound work) and a fixed overhead. Twenty latencies cannot pin five factors
 * down on their own, so the factors are shrunk towards one common factor, with the strength chosen by leave-one-out
 * on the known models themselves.
 *
 * <p>When the known models were profiled on the device too ({@link #fitProfiled}), their kernel times also fit a small
 * correction of the source model's per-kernel times (boosted trees on the log ratio, so that a device whose small
 * kernels gain nothing from a second thread while its large ones halve is described), before the factors are fitted.
 *
 * @param correction trees on log(device kernel time / source kernel time), or null
 * @param groupScales the factor of each group, in {@link KernelKind.Group} order
 * @param overheadMs the per-inference overhead on the device
 * @param shrinkage the chosen strength (0: free factors; large: one common factor)
 * @param looMape the leave-one-out mean absolute percentage error on the known models at that strength
 */
public record DeviceAdaptation(String device, KernelCostModel source, BoostedTrees correction, double[] groupScales, double overheadMs, double shrinkage, double looMape, int known)
        implements GraphLatencyModel {
    static final double[] SHRINKAGES = {0, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 100, 1e4};
    static final int GROUPS = KernelKind.Group.values().length;

    public DeviceAdaptation {
        java.util.Objects.requireNonNull(device, "device");
        groupScales = groupScales.clone();
        if (groupScales.length != GROUPS) throw new IllegalArgumentException("one scale per kernel group");
    }

    @Override
    public double[] groupScales() {
        return groupScales.clone();
    }

    /** Fits the device's factors from the kernels of {@code models} and their latencies measured on the device. */
    public static DeviceAdaptation fit(String device, KernelCostModel source, List<List<KernelShape>> models, double[] latencyMs) {
        return fit(device, source, null, models, latencyMs);
    }

    static final BoostedTrees.Params CORRECTION = new BoostedTrees.Params(100, 4, 0.1, 1e-3, 1e-3, 0.8, 11);

    /** As {@link #fit}, from models profiled on the device: their kernel times first correct the source's kernel times. */
    public static DeviceAdaptation fitProfiled(String device, KernelCostModel source, List<KernelCorpus.Model> known) {
        List<double[]> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>(), ws = new ArrayList<>();
        for (KernelCorpus.Model m : known)
            for (ProfiledKernel k : m.kernels()) {
                if (!(k.ms() > 0)) continue;
                xs.add(KernelFeatures.of(k.shape()));
                ys.add(Math.log(k.ms() / source.kernelMs(k.shape())));
                ws.add(Math.sqrt(k.ms()));
            }
        BoostedTrees correction = xs.size() < 20 ? null : BoostedTrees.fit(xs.toArray(double[][]::new),
                ys.stream().mapToDouble(Double::doubleValue).toArray(), ws.stream().mapToDouble(Double::doubleValue).toArray(), CORRECTION);
        return fit(device, source, correction, known.stream().map(KernelCorpus.Model::shapes).toList(),
                known.stream().mapToDouble(KernelCorpus.Model::latencyMs).toArray());
    }

    private static DeviceAdaptation fit(String device, KernelCostModel source, BoostedTrees correction, List<List<KernelShape>> models,
            double[] latencyMs) {
        int n = models.size();
        if (n != latencyMs.length) throw new IllegalArgumentException("one latency per model");
        if (n < 3) throw new IllegalArgumentException("need at least 3 measured models to adapt, got " + n);
        for (double l : latencyMs)
            if (!(l > 0) || Double.isInfinite(l)) throw new IllegalArgumentException("latencies must be positive and finite, got " + l);
        double[][] t = new double[n][];
        DeviceAdaptation unscaled = new DeviceAdaptation(device, source, correction, ones(), 0, 0, Double.NaN, n);
        for (int i = 0; i < n; i++) t[i] = unscaled.groupTimes(models.get(i));
        // only strengths whose factors are all positive on the known models are candidates: a negative speed factor
        // (few models, collinear groups) would predict negative time for a model heavy in that group
        List<Double> candidates = new ArrayList<>();
        for (double lambda : SHRINKAGES) if (allPositive(solve(t, latencyMs, lambda, -1))) candidates.add(lambda);
        if (candidates.isEmpty())
            throw new IllegalArgumentException("the known latencies do not fit the source model with positive speed factors; measure more models");
        double best = Double.NaN, bestLambda = candidates.get(candidates.size() - 1);
        if (n >= 6) {
            for (double lambda : candidates) {
                double err = 0;
                for (int out = 0; out < n; out++) {
                    double[] s = solve(t, latencyMs, lambda, out);
                    err += Math.abs(predict(s, t[out]) / latencyMs[out] - 1);
                }
                err /= n;
                if (Double.isNaN(best) || err < best - 1e-12) {
                    best = err;
                    bestLambda = lambda;
                }
            }
        }
        double[] s = solve(t, latencyMs, bestLambda, -1);
        return new DeviceAdaptation(device, source, correction, Arrays.copyOf(s, GROUPS), s[GROUPS], bestLambda, best, n);
    }

    @Override
    public String describe() {
        return String.format(java.util.Locale.ROOT, "adapted from the kernel model of %s with %d latencies%s measured on %s (leave-one-out MAPE %.1f %%)",
                source.provenance().deviceLabel(), known, correction == null ? "" : " and their kernel profiles", device, 100 * looMape);
    }

    /** The adapted prediction: each kernel's source time times its group's factor, plus the overhead. */
    @Override
    public KernelCostModel.Prediction predict(List<KernelShape> kernels) {
        List<KernelCostModel.KernelMs> parts = new ArrayList<>();
        double sum = 0;
        KernelCostModel.Calibration c = source.calibration();
        for (KernelShape k : kernels) {
            KernelKind kind = KernelKind.of(k);
            double ms = groupScales[kind.group().ordinal()] * kernelMs(k);
            parts.add(new KernelCostModel.KernelMs(k, kind, ms));
            sum += ms;
        }
        double ms = Math.max(1e-6, sum + overheadMs);
        return new KernelCostModel.Prediction(ms, ms * Math.exp(c.lowLogRatio()), ms * Math.exp(c.highLogRatio()), parts);
    }

    /** A kernel's time on the device before its group's factor: the source's calibrated time, corrected if profiled. */
    double kernelMs(KernelShape k) {
        KernelCostModel.Calibration c = source.calibration();
        double ms = source.kernelMs(k);
        if (correction != null) ms *= Math.exp(correction.predict(KernelFeatures.of(k)));
        return c.scale() * ms + c.perKernelMs();
    }

    /** Each kernel group's time of one model before the factors. */
    double[] groupTimes(List<KernelShape> kernels) {
        double[] t = new double[GROUPS];
        for (KernelShape k : kernels) t[KernelKind.of(k).group().ordinal()] += kernelMs(k);
        return t;
    }

    private static double[] ones() {
        double[] o = new double[GROUPS];
        Arrays.fill(o, 1);
        return o;
    }

    private static boolean allPositive(double[] s) {
        for (int g = 0; g < GROUPS; g++) if (!(s[g] > 0)) return false;
        return true;
    }

    private static double predict(double[] s, double[] t) {
        double y = s[GROUPS];
        for (int g = 0; g < GROUPS; g++) y += s[g] * t[g];
        return y;
    }

    /**
     * Relative least squares for the group factors and the overhead, with a penalty {@code lambda} on each factor's
     * distance from the common factor (first fitted alone), scaled by that group's share so that lambda is unitless.
     * Row {@code skip} is left out (-1: none).
     */
    static double[] solve(double[][] t, double[] y, double lambda, int skip) {
        int n = t.length;
        // the common factor and overhead: y ≈ s0 · Σ_g t_g + c
        double[][] a2 = new double[2][2];
        double[] b2 = new double[2];
        for (int i = 0; i < n; i++) {
            if (i == skip) continue;
            double w = 1 / (y[i] * y[i]);
            double[] x = {Arrays.stream(t[i]).sum(), 1};
            for (int p = 0; p < 2; p++) {
                b2[p] += w * x[p] * y[i];
                for (int q = 0; q < 2; q++) a2[p][q] += w * x[p] * x[q];
            }
        }
        double[] common = LinearSolve.solve(ridge(a2, 1e-12), b2);
        int d = GROUPS + 1;
        double[][] a = new double[d][d];
        double[] b = new double[d];
        for (int i = 0; i < n; i++) {
            if (i == skip) continue;
            double w = 1 / (y[i] * y[i]);
            double[] x = Arrays.copyOf(t[i], d);
            x[GROUPS] = 1;
            for (int p = 0; p < d; p++) {
                b[p] += w * x[p] * y[i];
                for (int q = 0; q < d; q++) a[p][q] += w * x[p] * x[q];
            }
        }
        for (int g = 0; g < GROUPS; g++) {
            double scale = Math.max(a[g][g], 1e-12);
            a[g][g] += lambda * scale;
            b[g] += lambda * scale * common[0];
        }
        // a group absent from every known model keeps the common factor
        for (int g = 0; g < GROUPS; g++) {
            if (a[g][g] <= 1e-10) {
                a[g][g] = 1;
                b[g] = common[0];
            }
        }
        return LinearSolve.solve(ridge(a, 1e-12), b);
    }

    private static double[][] ridge(double[][] a, double eps) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
            c[i][i] += eps * Math.max(1, Math.abs(c[i][i]));
        }
        return c;
    }
}
