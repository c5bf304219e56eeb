package dev.halo.predict.ensemble;

import dev.halo.fewshot.FewShotTask;
import dev.halo.predict.FewShotContext;
import dev.halo.predict.FewShotMethod;
import dev.halo.predict.LatencyPredictor;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A global choice per new device: the selection device (valid or held-out train, {@link SelectionDevices}) whose
 * latencies on the task's known rows correlate best with the new device's (log ms, Pearson) lends its own best grid
 * point (source, ms/log-ms, λ_devices; whole per-device method on its own tasks); cost and encoding λ by
 * leave-one-out as in {@code base}. The idea: the held-out phones' own best points differ from the GPUs' one, and a
 * new phone resembles the train phones more than the valid GPUs. Only the task's own known latencies decide.
 */
final class NearestDeviceMethod implements FewShotMethod {
    private final String name;
    private final FeatureMixMethod base;

    NearestDeviceMethod(String name, FeatureMixMethod base) {
        this.name = name;
        this.base = base;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Adapter prepare(FewShotContext context) {
        GlobalSelection.Scores scores = base.selectionScores(context);
        if (scores.devices().isEmpty()) return base.prepare(context); // nothing to borrow from: the base method's default
        List<SelectionDevices.Device> devices = SelectionDevices.of(context, true);
        Map<Integer, FeatureMixMethod.Fitted> byChoice = new HashMap<>();
        for (int k = 0; k < devices.size(); k++) byChoice.computeIfAbsent(scores.ownBest(k), c -> base.fitted(context, scores.choices().get(c)));
        double[] nested = scores.nearestNested();
        return new Adapter() {
            @Override
            public LatencyPredictor adapt(FewShotTask task) {
                int j = GlobalSelection.nearest(FeatureMixMethod.similarities(context, task, devices), i -> true);
                return byChoice.get(scores.ownBest(j)).adapt(task);
            }

            @Override
            public String summary() {
                StringBuilder b = new StringBuilder("global choice per device: the own best point of the most similar selection device (");
                b.append(scores.validDevices()).append(" valid + ").append(scores.devices().size() - scores.validDevices())
                        .append(" held-out train; log-ms Pearson on the known rows); own best points:");
                for (int k = 0; k < devices.size(); k++)
                    b.append(k == 0 ? " " : ", ").append(scores.devices().get(k)).append(' ').append(scores.choices().get(scores.ownBest(k)).describe());
                int valid = scores.validDevices(), all = nested.length;
                b.append(String.format(Locale.ROOT, "; nested whole-method spearman on the selection devices (all / valid / held-out train): %.4f / %.4f / %.4f",
                        GlobalSelection.mean(nested, k -> true), GlobalSelection.mean(nested, k -> k < valid), GlobalSelection.mean(nested, k -> k >= valid)));
                for (int k = 0; k < all; k++) b.append(k == 0 ? "; per device " : ", ").append(scores.devices().get(k))
                        .append(String.format(Locale.ROOT, " %.4f", nested[k]));
                return b.append("; cost and encoding lambdas per device by leave-one-out").toString();
            }
        };
    }
}
