package dev.halo.predict.ensemble;

import dev.halo.fewshot.FewShotProtocol;
import dev.halo.fewshot.FewShotTask;
import dev.halo.predict.FewShotContext;
import dev.halo.stats.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntToDoubleFunction;

/**
 * Scores a candidate setting on the meta-VALID devices only (the context holds no test device), with the
 * same protocol as the evaluation: seeds 0..4, the task's samples, mean Spearman on the kept query pool.
 */
final class Validation {
    static final int SEEDS = 5;

    private Validation() {}

    /** The valid devices' tasks, drawn once so that every candidate sees the same ones. */
    static List<FewShotTask> tasks(FewShotContext context) {
        List<FewShotTask> tasks = new ArrayList<>();
        for (String device : context.split().valid())
            for (long seed = 0; seed < SEEDS; seed++) tasks.add(context.protocol().task(device, context.samples(), seed));
        return tasks;
    }

    /** Mean Spearman over {@code tasks} of the row predictor {@code fit} builds from each task. */
    static double meanSpearman(FewShotContext context, List<FewShotTask> tasks, Function<FewShotTask, IntToDoubleFunction> fit) {
        double sum = 0;
        for (double s : spearmans(context, tasks, fit)) sum += s;
        return sum / tasks.size();
    }

    /** Spearman on each task's kept query pool of the row predictor {@code fit} builds from the task, in task order. */
    static double[] spearmans(FewShotContext context, List<FewShotTask> tasks, Function<FewShotTask, IntToDoubleFunction> fit) {
        double[] out = new double[tasks.size()];
        for (int t = 0; t < out.length; t++) {
            FewShotTask task = tasks.get(t);
            IntToDoubleFunction predictor = fit.apply(task);
            int[] query = task.queryIndices();
            double[] predicted = new double[query.length];
            for (int i = 0; i < query.length; i++) predicted[i] = predictor.applyAsDouble(query[i]);
            out[t] = Metrics.spearman(predicted, FewShotProtocol.gather(context.table().latencies(task.device()), query));
        }
        return out;
    }
}
