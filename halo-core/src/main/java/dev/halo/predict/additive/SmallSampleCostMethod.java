package dev.halo.predict.additive;

import dev.halo.fewshot.FewShotTask;
import dev.halo.nn.LinearSolve;
import dev.halo.predict.FewShotContext;
import dev.halo.predict.FewShotMethod;
import dev.halo.predict.LatencyPredictor;
import dev.halo.predict.LeaveOneOutPredictor;
import dev.halo.space.Architecture;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code op-costs-small} (experimental, beyond.md session 8): {@link AdditiveCostMethod} for a device with hardly more
 * known latencies than costs. With at most {@link #SMALL_FACTOR} × (costs + 1) known latencies the fit nearly
 * interpolates them, and on a noisy device (a phone: 8 % relative noise on FBNet's samsung_a50) its costs follow the
 * noise; the geometric mean with the same fit on {@link CoarseCostFeatures} (fewer costs, less variance) ranks better
 * there. With more known latencies, or in a space without a coarser set, it is exactly op-costs.
 * <p>
 * {@code op-costs-small-gated} (auto.md session 9) adds a condition: the known architectures must leave the fine fit
 * unsure, its mean leverage over the space's architectures above 1 ({@link #meanLeverage}). Samples chosen by a
 * design that pins down every cost ({@code --selection cost-optimal}) do not, and there the coarse fit only adds bias.
 */
public final class SmallSampleCostMethod implements FewShotMethod {
    public static final String NAME = "op-costs-small";
    public static final String GATED_NAME = "op-costs-small-gated";
    static final int SMALL_FACTOR = 2;

    private final boolean gated;

    /** @param gated whether the coarse fit also needs the known rows to leave the fine fit unsure ({@link #GATED_NAME}) */
    public SmallSampleCostMethod(boolean gated) {
        this.gated = gated;
    }

    @Override
    public String name() {
        return gated ? GATED_NAME : NAME;
    }

    @Override
    public Adapter prepare(FewShotContext context) {
        CostFeatures fine = CostFeatures.require(context.space(), "method " + NAME);
        Optional<CostFeatures> coarse = CoarseCostFeatures.of(fine);
        List<? extends Architecture> archs = context.archs();
        int small = smallAtMost(fine);
        Standardised spaceRows = gated ? Standardised.of(fine, archs) : null;
        return new Adapter() {
            @Override
            public LatencyPredictor adapt(FewShotTask task) {
                List<Architecture> known = new ArrayList<>();
                for (int r : task.knownIndices()) known.add(archs.get(r));
                if (gated && spaceRows.meanLeverage(known) <= 1) return AdditiveCostPredictor.fit(fine, known, task.knownLatencies());
                return fit(fine, known, task.knownLatencies());
            }

            @Override
            public String summary() {
                return "op-costs (" + String.join(", ", fine.names()) + ")"
                        + coarse.map(c -> "; with <= " + small + " known latencies" + (gated ? " whose fit's mean leverage over the space exceeds 1" : "")
                                        + " the geometric mean with the fit on " + String.join(", ", c.names()))
                                .orElse("; no coarser feature set for this space, so op-costs unchanged");
            }
        };
    }

    /**
     * The space's architectures in {@code features}, each column centred and scaled over them, with their second-moment
     * matrix (intercept first): enough to give, for any set of known architectures, the fine fit's mean leverage.
     */
    record Standardised(CostFeatures features, double[] mean, double[] scale, double[][] secondMoment) {
        static Standardised of(CostFeatures features, List<? extends Architecture> space) {
            int p = features.names().size();
            double[][] rows = space.stream().map(features::of).toArray(double[][]::new);
            double[] mean = new double[p], scale = new double[p];
            for (double[] r : rows) for (int j = 0; j < p; j++) mean[j] += r[j] / rows.length;
            for (double[] r : rows) for (int j = 0; j < p; j++) scale[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / rows.length;
            // a constant column (e.g. a count no architecture varies) keeps scale 1: it is the intercept again
            for (int j = 0; j < p; j++) scale[j] = scale[j] > 0 ? Math.sqrt(scale[j]) : 1;
            Standardised s = new Standardised(features, mean, scale, new double[p + 1][p + 1]);
            for (double[] r : rows) addOuter(s.secondMoment, s.row(r), 1.0 / rows.length);
            return s;
        }

        /**
         * The mean over the space of h(x) = xᵀ(XᵀX)⁻¹x, X the {@code known} rows: how much noisier the fine fit's
         * prediction of an unseen architecture is than one measurement, on average. It equals trace((XᵀX)⁻¹ S) with
         * S the space's second-moment matrix. Fewer known rows than unknowns give a (near-)singular XᵀX and a huge value.
         */
        double meanLeverage(List<? extends Architecture> known) {
            int d = secondMoment.length;
            double[][] gram = new double[d][d];
            for (Architecture a : known) addOuter(gram, row(features.of(a)), 1);
            double trace = 0;
            for (int j = 0; j < d; j++) {
                double[] column = new double[d];
                for (int i = 0; i < d; i++) column[i] = secondMoment[i][j];
                trace += LinearSolve.solve(gram, column)[j];
            }
            return trace;
        }

        private double[] row(double[] x) {
            double[] out = new double[x.length + 1];
            out[0] = 1;
            for (int j = 0; j < x.length; j++) out[j + 1] = (x[j] - mean[j]) / scale[j];
            return out;
        }

        private static void addOuter(double[][] m, double[] x, double weight) {
            for (int i = 0; i < x.length; i++) for (int j = 0; j < x.length; j++) m[i][j] += weight * x[i] * x[j];
        }
    }

    /** The most known latencies at which the coarse fit joins in: {@link #SMALL_FACTOR} × (costs + fixed cost). */
    static int smallAtMost(CostFeatures fine) {
        return SMALL_FACTOR * (fine.names().size() + 1);
    }

    /** op-costs on {@code fine}, or its geometric mean with the coarse fit when {@code ms} is small ({@link #smallAtMost}). */
    static LeaveOneOutPredictor fit(CostFeatures fine, List<? extends Architecture> known, double[] ms) {
        AdditiveCostPredictor full = AdditiveCostPredictor.fit(fine, known, ms);
        Optional<CostFeatures> coarse = CoarseCostFeatures.of(fine);
        if (coarse.isEmpty() || ms.length > smallAtMost(fine)) return full;
        return new Mean(full, AdditiveCostPredictor.fit(coarse.get(), known, ms), ms);
    }

    /** The geometric mean of two fits; its leave-one-out predictions are the geometric means of theirs. */
    static final class Mean implements LeaveOneOutPredictor {
        private final AdditiveCostPredictor a, b;
        private final double[] leaveOneOutMs;
        private final double[] sortedLooErrors;

        Mean(AdditiveCostPredictor a, AdditiveCostPredictor b, double[] knownMs) {
            this.a = a;
            this.b = b;
            this.leaveOneOutMs = geometricMean(a.leaveOneOutMs(), b.leaveOneOutMs());
            this.sortedLooErrors = LeaveOneOutPredictor.sortedRelativeErrors(knownMs, leaveOneOutMs);
        }

        @Override
        public String space() {
            return a.space();
        }

        @Override
        public double[] predictMs(List<? extends Architecture> archs) {
            return geometricMean(a.predictMs(archs), b.predictMs(archs));
        }

        @Override
        public double[] leaveOneOutMs() {
            return leaveOneOutMs.clone();
        }

        @Override
        public Prediction[] predictWithInterval(List<? extends Architecture> archs, double level) {
            return LeaveOneOutPredictor.withJackknifeIntervals(predictMs(archs), sortedLooErrors, level);
        }

        private static double[] geometricMean(double[] x, double[] y) {
            double[] out = new double[x.length];
            for (int i = 0; i < out.length; i++) out[i] = Math.sqrt(x[i] * y[i]);
            return out;
        }
    }
}
