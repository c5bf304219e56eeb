package dev.halo.kernel;

import dev.halo.BadInputException;
import java.util.List;

/**
 * The checks every kernel model passes on its way in, from JSON ({@link KernelModelFile}) or from its binary cache
 * ({@link KernelModelBinary}): finite numbers, positive terms, array lengths, feature indices in range, children that
 * only point forward. Kept apart from the JSON reader so that reading the binary form loads no JSON library.
 */
final class KernelModelChecks {
    private KernelModelChecks() {}

    static void featureVersion(int version, String where) {
        if (version != KernelFeatures.VERSION)
            throw new BadInputException(where + ".featureVersion: " + version + ", this halo describes kernels with version " + KernelFeatures.VERSION
                    + ": fit the model again");
    }

    static KernelCostModel.Calibration calibration(KernelCostModel.Calibration c, String where) {
        for (double v : new double[] {c.scale(), c.perKernelMs(), c.overheadMs(), c.lowLogRatio(), c.highLogRatio()})
            if (!Double.isFinite(v)) throw new BadInputException(where + ": every term must be a finite number");
        if (!(c.scale() > 0)) throw new BadInputException(where + ".scale: must be positive, got " + c.scale());
        if (c.lowLogRatio() > c.highLogRatio()) throw new BadInputException(where + ": lowLogRatio above highLogRatio");
        return c;
    }

    static KernelCostModel.Baseline baseline(double perMac, double perByte, double perKernel, String where) {
        if (!(perMac > 0) || !(perByte > 0) || !(perKernel > 0) || Double.isInfinite(perMac + perByte + perKernel))
            throw new BadInputException(where + ": every term must be positive");
        return new KernelCostModel.Baseline(perMac, perByte, perKernel);
    }

    static double[] groupScales(double[] scales, String where) {
        if (scales.length != DeviceAdaptation.GROUPS) throw new BadInputException(where + ": expected " + DeviceAdaptation.GROUPS + " values");
        for (double s : scales) if (!(s > 0) || Double.isInfinite(s)) throw new BadInputException(where + ": factors must be positive, got " + s);
        return scales;
    }

    /** A tree over {@code features} numbers per kernel. */
    static BoostedTrees.Tree tree(int[] feature, double[] threshold, int[] left, int[] right, double[] value, int features, String where) {
        int n = feature.length;
        if (n == 0 || threshold.length != n || left.length != n || right.length != n || value.length != n)
            throw new BadInputException(where + ": arrays must be non-empty and of one length");
        for (int k = 0; k < n; k++) {
            if (feature[k] >= features || feature[k] < -1) throw new BadInputException(where + ".feature[" + k + "]: " + feature[k] + " is not a feature index");
            // children only point forward, so walking a tree always ends
            if (feature[k] >= 0 && (left[k] <= k || right[k] <= k || left[k] >= n || right[k] >= n))
                throw new BadInputException(where + ": node " + k + " has children outside " + (k + 1) + ".." + (n - 1));
            if (!Double.isFinite(threshold[k]) || !Double.isFinite(value[k])) throw new BadInputException(where + ": node " + k + " holds a number that is not finite");
        }
        return new BoostedTrees.Tree(feature, threshold, left, right, value);
    }

    static BoostedTrees boostedTrees(double base, List<BoostedTrees.Tree> trees, int features, String where) {
        if (trees.isEmpty()) throw new BadInputException(where + ": no trees");
        if (!Double.isFinite(base)) throw new BadInputException(where + ".base: not a finite number");
        return new BoostedTrees(base, trees, features);
    }

    /** A linear base over {@code features} numbers: one entry per key, each array of the right length and finite. */
    static LinearBase linear(LinearBase lb, int features, String where) {
        for (int g = 0; g < lb.coef().length; g++) {
            if (lb.coef()[g] == null) {
                if (lb.mean()[g] != null || lb.sd()[g] != null) throw new BadInputException(where + "[" + g + "]: partly missing");
                continue;
            }
            String kw = where + "[" + g + "]";
            if (lb.mean()[g] == null || lb.mean()[g].length != features || lb.sd()[g] == null || lb.sd()[g].length != features
                    || lb.coef()[g].length != features + 1)
                throw new BadInputException(kw + ": expected " + features + " means and deviations and " + (features + 1) + " coefficients");
            for (double[] a : new double[][] {lb.mean()[g], lb.sd()[g], lb.coef()[g], {lb.low()[g], lb.high()[g]}})
                for (double v : a) if (!Double.isFinite(v)) throw new BadInputException(kw + ": holds a number that is not finite");
            for (double v : lb.sd()[g]) if (v < 0) throw new BadInputException(kw + ".sd: negative");
            if (lb.low()[g] > lb.high()[g]) throw new BadInputException(kw + ": low above high");
        }
        return lb;
    }
}
