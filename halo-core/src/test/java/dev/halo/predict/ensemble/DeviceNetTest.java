package dev.halo.predict.ensemble;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.eval.DeviceScore;
import dev.halo.eval.Evaluator;
import dev.halo.fewshot.Benchmark;
import dev.halo.fewshot.Split;
import dev.halo.fewshot.ToyBenchmark;
import dev.halo.nn.GradientCheck;
import dev.halo.nn.Params;
import dev.halo.nn.Tensor;
import dev.halo.predict.FewShotContext;
import dev.halo.predict.registry.FewShotMethods;
import dev.halo.predict.ensemble.RowFeatures.DeviceColumns;
import dev.halo.predict.ensemble.RowFeatures.Group;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

class DeviceNetTest {
    /** Small and quick for 600 toy rows (the standard options are sized for 5,000–15,625 architectures). */
    static final DeviceNet.Options SMALL = new DeviceNet.Options(new int[] {16, 16}, 150, 64, 3e-3, 0);
    static final IntToDoubleFunction COST = i -> (i * 31337L) % 991 + 5;
    static final Split SPLIT = new Split(List.of("devA", "devB"), List.of("valid"), List.of("target"));

    @Test
    void gradientsMatchFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(3);
        DeviceNet.Options o = new DeviceNet.Options(new int[] {5, 4}, 0, 8, 1e-3, 1);
        double[][] x = new double[6][3], y = new double[6][2];
        for (double[] row : x) for (int j = 0; j < row.length; j++) row[j] = rng.nextDouble() - 0.5;
        for (double[] row : y) for (int j = 0; j < row.length; j++) row[j] = rng.nextDouble();
        Params p = DeviceNet.train(x, y, o).params(); // zero epochs: the seeded initialisation
        double[] flat = new double[18], target = new double[12];
        for (int i = 0; i < 6; i++) {
            System.arraycopy(x[i], 0, flat, 3 * i, 3);
            System.arraycopy(y[i], 0, target, 2 * i, 2);
        }
        Tensor input = Tensor.of(flat, 6, 3);
        Params analytic = DeviceNet.gradient(p, 3, input, target);
        Params numeric = GradientCheck.numericGradient(q -> DeviceNet.loss(q, 3, input, target), p, 1e-6);
        assertThat(GradientCheck.relativeDistance(analytic, numeric)).isLessThan(1e-6);
    }

    @Test
    void trainingFitsASharedNonlinearFunctionAndIsReproducible() {
        // two tasks that share |x0 - x1| (not linear in the inputs)
        SplittableRandom rng = new SplittableRandom(5);
        double[][] x = new double[400][2], y = new double[400][2];
        for (int i = 0; i < x.length; i++) {
            x[i][0] = rng.nextDouble();
            x[i][1] = rng.nextDouble();
            double h = Math.abs(x[i][0] - x[i][1]);
            y[i][0] = 2 * h - 0.5;
            y[i][1] = -h + x[i][0];
        }
        DeviceNet net = DeviceNet.train(x, y, SMALL);
        double[][] p = net.predict(x);
        double mse = 0, variance = 0;
        for (int i = 0; i < x.length; i++) {
            mse += Math.pow(p[i][0] - y[i][0], 2) / x.length;
            variance += Math.pow(y[i][0] - 0.5 * 2 / 3 + 0.5, 2) / x.length; // E[|u - v|] = 1/3
        }
        assertThat(mse).isLessThan(0.05 * variance);
        assertThat(DeviceNet.train(x, y, SMALL).predict(x)[7]).containsExactly(p[7]);
    }

    /**
     * Train devices report noisy, rounded latencies of smooth functions of the architecture (like a phone's
     * integer milliseconds); the target device (and the valid one) is another smooth combination. Measured
     * columns carry the noise into the fit, the network's predictions average it out over all rows.
     */
    static Benchmark roundedTrainDevices() {
        IntToDoubleFunction noise = i -> ((i * 2654435761L) % 1000) / 1000.0 - 0.5;
        Map<String, IntToDoubleFunction> d = new LinkedHashMap<>();
        d.put("devA", i -> Math.round(2 + COST.applyAsDouble(i) / 150 + noise.applyAsDouble(i)));
        d.put("devB", i -> Math.round(3 + 3 * (i % 2) + COST.applyAsDouble(i) / 300 + noise.applyAsDouble(i + 17)));
        d.put("valid", i -> 1 + 0.02 * COST.applyAsDouble(i) / 3 + 0.5 * (i % 2));
        d.put("target", i -> 2 + 0.01 * COST.applyAsDouble(i) + 1.5 * (i % 2));
        return ToyBenchmark.of(600, 300, 200, COST, d);
    }

    static DeviceScore score(Benchmark b, dev.halo.predict.FewShotMethod m) {
        return new Evaluator(b).evaluate(m, SPLIT, 10, List.of(0L, 1L)).devices().get(0);
    }

    @Test
    void denoisedColumnsBeatRoundedMeasurements() {
        Benchmark b = roundedTrainDevices();
        var devices = EnumSet.of(Group.DEVICES);
        DeviceScore measured = score(b, new FeatureMixMethod("m", devices, false, false, List.of(DeviceColumns.MEASURED), SMALL));
        DeviceScore denoised = score(b, new FeatureMixMethod("d", devices, false, false, List.of(DeviceColumns.DENOISED), SMALL));
        assertThat(denoised.spearman()).isGreaterThan(0.97);
        assertThat(measured.spearman()).isLessThan(denoised.spearman() - 0.03);
    }

    @Test
    void theColumnSourceIsChosenOnValidDevicesAndReported() {
        var context = new FewShotContext(roundedTrainDevices(), SPLIT, 10);
        var m = new FeatureMixMethod("s", EnumSet.of(Group.DEVICES, Group.COST, Group.ENCODING), true, false, List.of(DeviceColumns.values()), SMALL);
        String summary = m.prepare(context).summary();
        assertThat(summary).contains("denoised by a multi-task network").contains("chosen on valid devices");
        var all = new FeatureMixMethod("a", EnumSet.of(Group.DEVICES, Group.COST, Group.ENCODING), true, true, List.of(DeviceColumns.DENOISED), SMALL);
        assertThat(all.prepare(context).summary()).contains("log-ms option, cost and encoding lambdas per device");
        assertThat(new Evaluator(roundedTrainDevices()).evaluate(all, SPLIT, 10, List.of(0L)).devices().get(0).spearman()).isGreaterThan(0.95);
    }

    @Test
    void theNetworkIsTrainedOncePerContext() {
        var context = new FewShotContext(roundedTrainDevices(), SPLIT, 10);
        assertThat(DeviceNet.features(context, SMALL)).isSameAs(DeviceNet.features(context, SMALL));
    }

    @Test
    void theLearnedEncodingIsTheLastHiddenLayer() {
        var context = new FewShotContext(roundedTrainDevices(), SPLIT, 10);
        DeviceNet.Features net = DeviceNet.features(context, SMALL);
        RowFeatures learned = RowFeatures.of(context, List.of(Group.ENCODING), false, DeviceColumns.MEASURED, net, true);
        assertThat(learned.row(5)).hasSize(16).containsExactly(net.hidden()[5]);
        assertThat(java.util.Arrays.stream(net.hidden()[5]).min().orElseThrow()).isGreaterThanOrEqualTo(0); // ReLU activations
        RowFeatures denoised = RowFeatures.of(context, List.of(Group.DEVICES), true, DeviceColumns.BOTH, net, false);
        assertThat(denoised.row(5)).containsExactly(Math.log(context.table().latencies("devA")[5]), net.logLatency()[5][0],
                Math.log(context.table().latencies("devB")[5]), net.logLatency()[5][1]);
    }

    @Test
    void aMinimumStepCountAddsEpochsOnlyToSmallTables() {
        DeviceNet.Options o = DeviceNet.Options.longer();
        assertThat(o.epochsFor(15_625)).isEqualTo(97); // 31 batches an epoch
        assertThat(o.epochsFor(5_000)).isEqualTo(300); // 10 batches an epoch
        assertThat(o.epochsFor(200_000)).isEqualTo(60);
        assertThat(DeviceNet.Options.standard().epochsFor(5_000)).isEqualTo(60);
    }

    @Test
    void methodsAreRegisteredForTheCli() {
        assertThat(FewShotMethods.experimental()).containsKeys("mix-net", "mix-net-loo", "mix-src-loo", "mix-net-loo-all",
                "mix-net-loo+help-dev", "mix-net-loo+mix-loo", "mix-net-loo-h", "mix-src-loo+help-dev");
    }
}
