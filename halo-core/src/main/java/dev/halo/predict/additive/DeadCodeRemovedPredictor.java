package dev.halo.predict.additive;

import dev.halo.predict.LeaveOneOutPredictor;
import dev.halo.space.Architecture;
import java.util.Arrays;
import java.util.List;

/**
 * The live-op fit of {@link DeadCodeCostMethod} for a device that removes dead code: a prunable cell (output
 * independent of the input) is folded into a constant by such a runtime, so it gets the lowest prediction, the floor
 * of 1 % of the fastest known latency, instead of the fit's fixed cost (pixel3: median 0.05 ms against 10.7 ms).
 */
final class DeadCodeRemovedPredictor implements LeaveOneOutPredictor {
    private final AdditiveCostPredictor live;
    private final double floorMs;
    private final double[] sortedLooErrors;

    DeadCodeRemovedPredictor(AdditiveCostPredictor live, double[] knownMs) {
        this.live = live;
        this.floorMs = 0.01 * Arrays.stream(knownMs).min().orElseThrow();
        this.sortedLooErrors = LeaveOneOutPredictor.sortedRelativeErrors(knownMs, live.leaveOneOutMs());
    }

    @Override
    public String space() {
        return live.space();
    }

    @Override
    public double[] predictMs(List<? extends Architecture> archs) {
        double[] out = live.predictMs(archs);
        for (int i = 0; i < out.length; i++) if (live.features().prunable(archs.get(i))) out[i] = floorMs;
        return out;
    }

    @Override
    public double[] leaveOneOutMs() {
        return live.leaveOneOutMs();
    }

    @Override
    public Prediction[] predictWithInterval(List<? extends Architecture> archs, double level) {
        return LeaveOneOutPredictor.withJackknifeIntervals(predictMs(archs), sortedLooErrors, level);
    }
}
