package dev.halo.predict.additive;

import dev.halo.BadInputException;
import dev.halo.predict.LeaveOneOutPredictor;
import dev.halo.space.Architecture;
import java.util.Arrays;
import java.util.List;

/**
 * One device's {@link RobustCostFit} over {@link CostFeatures}; predicts any architecture of the space, not only
 * benchmark rows. Intervals are jackknife intervals: at level L the half-width q is the ⌈(n+1)L⌉-th smallest
 * leave-one-out relative error of the n known latencies, applied as {@code [ŷ(1−q), ŷ(1+q)]}.
 */
public final class AdditiveCostPredictor implements LeaveOneOutPredictor {
    private final CostFeatures features;
    private final RobustCostFit fit;
    private final double floorMs;
    private final double[] leaveOneOutMs;
    private final double[] sortedLooErrors;

    private AdditiveCostPredictor(CostFeatures features, RobustCostFit fit, double floorMs, double[] leaveOneOutMs, double[] known) {
        this.features = features;
        this.fit = fit;
        this.floorMs = floorMs;
        this.leaveOneOutMs = leaveOneOutMs;
        this.sortedLooErrors = LeaveOneOutPredictor.sortedRelativeErrors(known, leaveOneOutMs);
    }

    /**
     * Fits {@code archs} with measured latencies {@code ms}; fewer rows than unknowns plus one, or a latency that is not a
     * positive number, is bad input naming it.
     */
    public static AdditiveCostPredictor fit(CostFeatures features, List<? extends Architecture> archs, double[] ms) {
        double[] equal = new double[ms.length];
        Arrays.fill(equal, 1);
        return fit(features, archs, ms, equal);
    }

    /** The same with a fixed weight in (0, 1] per known row ({@link RobustCostFit#fit(double[][], double[], boolean, double[])}). */
    static AdditiveCostPredictor fit(CostFeatures features, List<? extends Architecture> archs, double[] ms, double[] rowWeights) {
        int unknowns = features.names().size() + 1;
        if (archs.size() != ms.length) throw new IllegalArgumentException(archs.size() + " architectures for " + ms.length + " latencies");
        if (ms.length <= unknowns)
            throw new BadInputException(AdditiveCostMethod.NAME + " on " + features.space() + " fits " + unknowns + " costs and needs more than "
                    + unknowns + " measured architectures (20 recommended), got " + ms.length);
        for (int i = 0; i < ms.length; i++)
            if (!(ms[i] > 0) || !Double.isFinite(ms[i]))
                throw new BadInputException("latency of " + archs.get(i).canonical() + " must be a positive number of ms, got " + ms[i]);
        double[][] x = archs.stream().map(features::of).toArray(double[][]::new);
        boolean nonNegative = features.nonNegativeCosts();
        // A linear fit can extrapolate below zero for the cheapest cells; no latency is below 1 % of the fastest known one.
        double floor = 0.01 * Arrays.stream(ms).min().orElseThrow();
        double[] loo = new double[ms.length];
        for (int left = 0; left < ms.length; left++) {
            double[][] xs = new double[ms.length - 1][];
            double[] ys = new double[ms.length - 1], ws = new double[ms.length - 1];
            for (int i = 0, k = 0; i < ms.length; i++) {
                if (i == left) continue;
                xs[k] = x[i];
                ys[k] = ms[i];
                ws[k++] = rowWeights[i];
            }
            loo[left] = Math.max(floor, RobustCostFit.fit(xs, ys, nonNegative, ws).predict(x[left]));
        }
        return new AdditiveCostPredictor(features, RobustCostFit.fit(x, ms, nonNegative, rowWeights), floor, loo, ms);
    }

    /** The features the costs are per unit of. */
    public CostFeatures features() {
        return features;
    }

    /** b0, then one cost per feature (ms), in {@link CostFeatures#names()} order. */
    public double[] coefficients() {
        return fit.coefficients();
    }

    @Override
    public double[] leaveOneOutMs() {
        return leaveOneOutMs.clone();
    }

    @Override
    public String space() {
        return features.space();
    }

    @Override
    public double[] predictMs(List<? extends Architecture> archs) {
        double[] out = new double[archs.size()];
        for (int i = 0; i < out.length; i++) out[i] = Math.max(floorMs, fit.predict(features.of(archs.get(i))));
        return out;
    }

    @Override
    public Prediction[] predictWithInterval(List<? extends Architecture> archs, double level) {
        return LeaveOneOutPredictor.withJackknifeIntervals(predictMs(archs), sortedLooErrors, level);
    }
}
