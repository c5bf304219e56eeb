package dev.halo.eval;

import dev.halo.fewshot.Split;
import dev.halo.predict.FewShotMethod;
import java.util.List;

/**
 * The result of {@link Evaluator#evaluate}: one score per test device and their mean.
 *
 * @param methodSummary what the method decided while preparing ({@link FewShotMethod.Adapter#summary()})
 * @param devices per test device, the means over seeds
 * @param perSeed per test device (same order), one score per seed (same order as {@code seeds}); the tasks of a
 *     (device, seed) are the same for every method, so two reports can be compared pair by pair
 */
public record EvaluationReport(
        String method,
        String methodSummary,
        Split split,
        int samples,
        List<Long> seeds,
        List<DeviceScore> devices,
        List<List<DeviceScore>> perSeed,
        DeviceScore mean) {
    public EvaluationReport {
        seeds = List.copyOf(seeds);
        devices = List.copyOf(devices);
        perSeed = perSeed.stream().map(List::copyOf).toList();
    }

    public double meanSpearman() {
        return mean.spearman();
    }
}
