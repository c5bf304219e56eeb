package dev.halo.predict.additive;

import dev.halo.fewshot.FewShotTask;
import dev.halo.predict.FewShotContext;
import dev.halo.predict.FewShotMethod;
import dev.halo.space.Architecture;
import java.util.List;

/**
 * {@code op-costs}: a new device's latency as a fixed cost plus a cost per operation, {@code ŷ = b0 + Σ b_k x_k}
 * over the space's {@link CostFeatures} (NAS-Bench-201: how many cell edges carry skip, conv 1×1, conv 3×3 and
 * avg-pool; FBNet: pointwise and depthwise work at two resolutions, block counts, weights; OFA: dense and depthwise
 * convolution work, blocks and squeeze-excite blocks), fitted to the device's known latencies alone by {@link RobustCostFit}. It learns nothing from the
 * train or valid devices: with five unknowns and twenty known latencies the device's own measurements suffice,
 * and a device unlike every train device (a phone among GPUs) is no harder than any other.
 * Spaces without cost features are refused with a clear error.
 */
public final class AdditiveCostMethod implements FewShotMethod {
    public static final String NAME = "op-costs";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Adapter prepare(FewShotContext context) {
        CostFeatures features = CostFeatures.require(context.space(), "method " + NAME);
        List<? extends Architecture> archs = context.archs();
        return new Adapter() {
            @Override
            public AdditiveCostPredictor adapt(FewShotTask task) {
                int[] rows = task.knownIndices();
                List<Architecture> known = new java.util.ArrayList<>(rows.length);
                for (int r : rows) known.add(archs.get(r));
                return AdditiveCostPredictor.fit(features, known, task.knownLatencies());
            }

            @Override
            public String summary() {
                return "latency = fixed + a cost per unit of " + String.join(", ", features.names()) + ", fitted per device to relative error with "
                        + "Huber weights" + (features.nonNegativeCosts() ? ", costs >= 0" : "") + "; no train or valid device used";
            }
        };
    }
}
