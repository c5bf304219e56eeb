package dev.halo.predict.additive;

import dev.halo.fewshot.FewShotTask;
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
 */
public final class SmallSampleCostMethod implements FewShotMethod {
    public static final String NAME = "op-costs-small";
    static final int SMALL_FACTOR = 2;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Adapter prepare(FewShotContext context) {
        CostFeatures fine = CostFeatures.require(context.space(), "method " + NAME);
        Optional<CostFeatures> coarse = CoarseCostFeatures.of(fine);
        List<? extends Architecture> archs = context.archs();
        int small = smallAtMost(fine);
        return new Adapter() {
            @Override
            public LatencyPredictor adapt(FewShotTask task) {
                List<Architecture> known = new ArrayList<>();
                for (int r : task.knownIndices()) known.add(archs.get(r));
                return fit(fine, known, task.knownLatencies());
            }

            @Override
            public String summary() {
                return "op-costs (" + String.join(", ", fine.names()) + ")"
                        + coarse.map(c -> "; with <= " + small + " known latencies the geometric mean with the fit on " + String.join(", ", c.names()))
                                .orElse("; no coarser feature set for this space, so op-costs unchanged");
            }
        };
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
