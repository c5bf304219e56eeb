package dev.halo.predict.help;

import dev.halo.nn.Params;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * HELP's meta-test ({@code help.py} {@code test_predictor}): per device, draw {@code shots} support archs
 * from the kept train pool, then {@code mcSamples} times: sample z from the inference network, adapt with
 * the Meta-SGD inner loop, predict the kept query pool. HELP scores the <em>last</em> sample's prediction
 * (its code averages the samples but passes the last one to Spearman); we report both that and the
 * average of the samples' predictions. {@code mcSamples = 0} adapts once with z at its posterior mean.
 */
public final class HelpMetaTest {
    private HelpMetaTest() {}

    public static final int HELP_MC_SAMPLES = 10;

    public record DeviceResult(String device, double spearmanLastSample, double spearmanMcMean, double mseMcMean) {}

    public static List<DeviceResult> run(HelpModel model, HelpData data, HelpProtocol protocol, List<String> devices, int shots, int mcSamples, long seed) {
        return runSeeds(model, data, protocol, devices, shots, mcSamples, List.of(seed)).get(0);
    }

    /** One result list per seed; each device's query pool is encoded and planned once for all seeds. */
    public static List<List<DeviceResult>> runSeeds(HelpModel model, HelpData data, HelpProtocol protocol, List<String> devices, int shots, int mcSamples, List<Long> seeds) {
        java.util.Map<String, HelpNetwork.Prepared> queries = new java.util.HashMap<>();
        List<List<DeviceResult>> out = new ArrayList<>();
        for (long seed : seeds) {
            SplittableRandom rng = new SplittableRandom(seed);
            List<DeviceResult> perSeed = new ArrayList<>();
            for (String device : devices) {
                HelpProtocol.Task task = protocol.testTask(data, device, shots, rng);
                HelpNetwork.Prepared xq = queries.computeIfAbsent(device, d -> model.network().prepare(data.inputs().rows(task.query())));
                perSeed.add(evaluate(model, data, task, xq, mcSamples, rng));
            }
            out.add(perSeed);
        }
        return out;
    }

    static DeviceResult evaluate(HelpModel model, HelpData data, HelpProtocol.Task task, HelpNetwork.Prepared xq, int mcSamples, SplittableRandom rng) {
        HelpInputs xs = data.inputs().rows(task.support());
        double[] mean = new double[task.query().length], last = null;
        if (mcSamples < 0) throw new IllegalArgumentException("Monte-Carlo samples must be >= 0");
        // without z every adaptation is the same: one is enough
        int runs = model.stochastic() ? Math.max(1, mcSamples) : 1;
        for (int s = 0; s < runs; s++) {
            // 0 samples: one deterministic adaptation with z at its posterior mean
            Params adapted = model.adapt(xs, task.supportTargets(), task.hardware(), mcSamples == 0 || !model.stochastic() ? null : rng);
            last = model.network().predict(adapted, xq, task.hardware());
            for (int i = 0; i < mean.length; i++) mean[i] += last[i] / runs;
        }
        return new DeviceResult(task.device(), dev.halo.stats.Metrics.spearman(last, task.queryTargets()), dev.halo.stats.Metrics.spearman(mean, task.queryTargets()),
                dev.halo.nn.MeanSquaredError.value(mean, task.queryTargets()));
    }

    /** Mean over devices of one metric. */
    public static double mean(List<DeviceResult> r, java.util.function.ToDoubleFunction<DeviceResult> metric) {
        return r.stream().mapToDouble(metric).average().orElse(Double.NaN);
    }
}
