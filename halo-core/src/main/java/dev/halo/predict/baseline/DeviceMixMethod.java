package dev.halo.predict.baseline;

import dev.halo.BadInputException;
import dev.halo.fewshot.FewShotProtocol;
import dev.halo.fewshot.FewShotTask;
import dev.halo.predict.FewShotContext;
import dev.halo.predict.FewShotMethod;
import dev.halo.stats.Metrics;
import java.util.List;

/**
 * "A device is a mix of known devices": the new device's latency is fitted as a ridge-regularised linear
 * combination of the train devices' latencies on its known architectures (reference + samples), then that
 * combination is applied to every architecture. No architecture features are learnt at all, so any
 * learned method should clearly beat it. The ridge strength is chosen from {@link #LAMBDAS} by mean Spearman
 * on the valid devices' kept query pools ({@link #VALIDATION_SEEDS} tasks each, seeds 0..4) — never on
 * test devices.
 */
public final class DeviceMixMethod implements FewShotMethod {
    public static final double[] LAMBDAS = {1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1, 3, 10};
    public static final int VALIDATION_SEEDS = 5;

    @Override
    public String name() {
        return "device-mix";
    }

    @Override
    public Adapter prepare(FewShotContext context) {
        List<String> train = context.split().train();
        if (train.isEmpty()) throw new BadInputException("device-mix needs train devices (--train-devices) to combine");
        if (context.split().valid().isEmpty())
            throw new BadInputException("device-mix needs valid devices (--valid-devices) to choose its ridge strength");
        List<double[]> features = train.stream().map(context.table()::latencies).toList();
        double best = Double.NEGATIVE_INFINITY, bestLambda = LAMBDAS[0];
        for (double lambda : LAMBDAS) {
            double score = validationSpearman(context, features, lambda);
            if (score > best) {
                best = score;
                bestLambda = lambda;
            }
        }
        return new Fitted(context, features, bestLambda, best);
    }

    /** The adapter after validation: ridge strength fixed. */
    public record Fitted(FewShotContext context, List<double[]> features, double lambda, double validationSpearman) implements Adapter {
        @Override
        public dev.halo.predict.LatencyPredictor adapt(FewShotTask task) {
            return DeviceLinearPredictor.fit(context, features, task.knownIndices(), task.knownLatencies(), lambda);
        }

        @Override
        public String summary() {
            return String.format(java.util.Locale.ROOT, "ridge lambda %s chosen on valid devices (valid spearman %.4f)", lambda, validationSpearman);
        }
    }

    private static double validationSpearman(FewShotContext context, List<double[]> features, double lambda) {
        double sum = 0;
        int count = 0;
        for (String device : context.split().valid()) {
            double[] truth = context.table().latencies(device);
            for (long seed = 0; seed < VALIDATION_SEEDS; seed++) {
                FewShotTask task = context.protocol().task(device, context.samples(), seed);
                DeviceLinearPredictor p = DeviceLinearPredictor.fit(context, features, task.knownIndices(), task.knownLatencies(), lambda);
                int[] query = task.queryIndices();
                double[] predicted = new double[query.length];
                for (int i = 0; i < query.length; i++) predicted[i] = p.predictRow(query[i]);
                sum += Metrics.spearman(predicted, FewShotProtocol.gather(truth, query));
                count++;
            }
        }
        return sum / count;
    }
}
