package dev.halo.eval;

import java.util.List;

/** The result of {@link Evaluator#evaluate}: one score per test device and their mean. */
public record EvaluationReport(String method, Split split, int samples, List<Long> seeds, List<DeviceScore> devices, DeviceScore mean) {
    public EvaluationReport {
        seeds = List.copyOf(seeds);
        devices = List.copyOf(devices);
    }

    public double meanSpearman() {
        return mean.spearman();
    }
}
