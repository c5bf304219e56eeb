package dev.halo.kernel;

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
 * @param groupScales the factor of each group, in {@link KernelKind.Group} order
 * @param overheadMs the per-inference overhead on the device
 * @param shrinkage the chosen strength (0: free factors; large: one common factor)
 * @param looMape the leave-one-out mean absolute percentage error on the known models at that strength
 */
public record DeviceAdaptation(String device, KernelCostModel source, double[] groupScales, double overheadMs, double shrinkage, double looMape, int known)
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
        int n = models.size();
        if (n != latencyMs.length) throw new IllegalArgumentException("one latency per model");
        if (n < 3) throw new IllegalArgumentException("need at least 3 measured models to adapt, got " + n);
        for (double l : latencyMs)
            if (!(l > 0) || Double.isInfinite(l)) throw new IllegalArgumentException("latencies must be positive and finite, got " + l);
        double[][] t = new double[n][];
        for (int i = 0; i < n; i++) t[i] = groupTimes(source, models.get(i));
        double best = Double.NaN, bestLambda = SHRINKAGES[SHRINKAGES.length - 1];
        if (n >= 6) {
            for (double lambda : SHRINKAGES) {
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
        return new DeviceAdaptation(device, source, Arrays.copyOf(s, GROUPS), s[GROUPS], bestLambda, best, n);
    }

    @Override
    public String describe() {
        return String.format(java.util.Locale.ROOT, "adapted from the kernel model of %s with %d latencies measured on %s (leave-one-out MAPE %.1f %%)",
                source.provenance().deviceLabel(), known, device, 100 * looMape);
    }

    /** The adapted prediction: each kernel's source time times its group's factor, plus the overhead. */
    @Override
    public KernelCostModel.Prediction predict(List<KernelShape> kernels) {
        List<KernelCostModel.KernelMs> parts = new ArrayList<>();
        double sum = 0;
        KernelCostModel.Calibration c = source.calibration();
        for (KernelShape k : kernels) {
            KernelKind kind = KernelKind.of(k);
            double ms = groupScales[kind.group().ordinal()] * (c.scale() * source.kernelMs(k) + c.perKernelMs());
            parts.add(new KernelCostModel.KernelMs(k, kind, ms));
            sum += ms;
        }
        double ms = Math.max(1e-6, sum + overheadMs);
        return new KernelCostModel.Prediction(ms, ms * Math.exp(c.lowLogRatio()), ms * Math.exp(c.highLogRatio()), parts);
    }

    /** The source model's calibrated time of each kernel group of one model. */
    static double[] groupTimes(KernelCostModel source, List<KernelShape> kernels) {
        double[] t = new double[GROUPS];
        KernelCostModel.Calibration c = source.calibration();
        for (KernelShape k : kernels) t[KernelKind.of(k).group().ordinal()] += c.scale() * source.kernelMs(k) + c.perKernelMs();
        return t;
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
