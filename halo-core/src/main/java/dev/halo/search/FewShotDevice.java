package dev.halo.search;

import dev.halo.eval.FewShotMethod;
import dev.halo.eval.FewShotProtocol;
import dev.halo.eval.FewShotTask;
import dev.halo.predict.LatencyPredictor;
import dev.halo.space.Architecture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A device met through few-shot adaptation: its predictor adapted from the reference latencies plus a few
 * sampled ones, and a safety margin calibrated by leave-one-out on those samples only (the reference
 * architectures stay in every refit: they are the device's hardware embedding). Nothing else of the device's
 * latencies is looked at.
 *
 * @param task the known latencies of the device
 * @param predictor the adapted predictor
 * @param margin the leave-one-out safety margin
 */
public record FewShotDevice(FewShotTask task, LatencyPredictor predictor, SafetyMargin margin) {
    /**
     * Draws the device's task with HELP's protocol, adapts and calibrates.
     *
     * @param archsByRow the architectures by table row (rows of the protocol's table)
     * @param rule how the leave-one-out {@code true / predicted} ratios become the margin
     */
    public static <A extends Architecture> FewShotDevice adapt(FewShotMethod.Adapter adapter, FewShotProtocol protocol, List<A> archsByRow,
            String device, int samples, long seed, SafetyMargin.Rule rule) {
        FewShotTask task = protocol.task(device, samples, seed);
        LatencyPredictor predictor = adapter.adapt(task);
        return new FewShotDevice(task, predictor, calibrate(adapter, task, archsByRow, rule));
    }

    static <A extends Architecture> SafetyMargin calibrate(FewShotMethod.Adapter adapter, FewShotTask task, List<A> archsByRow, SafetyMargin.Rule rule) {
        int[] refRows = task.referenceIndices();
        double[] refMs = task.referenceLatencies();
        int[] sampleRows = task.sampleIndices();
        double[] sampleMs = task.sampleLatencies();
        Map<String, Integer> rowOf = new HashMap<>();
        List<A> archs = new ArrayList<>();
        double[] ms = new double[refRows.length + sampleRows.length];
        for (int i = 0; i < refRows.length; i++) {
            archs.add(archsByRow.get(refRows[i]));
            ms[i] = refMs[i];
        }
        for (int i = 0; i < sampleRows.length; i++) {
            A a = archsByRow.get(sampleRows[i]);
            rowOf.put(a.canonical(), sampleRows[i]);
            archs.add(a);
            ms[refRows.length + i] = sampleMs[i];
        }
        SafetyMargin.Refit<A> refit = (kept, keptMs) -> {
            int n = kept.size() - refRows.length;
            int[] rows = new int[n];
            for (int i = 0; i < n; i++) rows[i] = rowOf.get(kept.get(refRows.length + i).canonical());
            double[] lat = Arrays.copyOfRange(keptMs, refRows.length, keptMs.length);
            return adapter.adapt(new FewShotTask(task.device(), task.seed(), refRows, refMs, rows, lat, task.queryIndices()));
        };
        return SafetyMargin.leaveOneOut(refit, archs, ms, refRows.length, rule);
    }
}
