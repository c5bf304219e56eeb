package dev.halo.predict.ensemble;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.eval.DeviceScore;
import dev.halo.eval.Evaluator;
import dev.halo.fewshot.Benchmark;
import dev.halo.fewshot.Split;
import dev.halo.fewshot.ToyBenchmark;
import dev.halo.predict.registry.FewShotMethods;
import dev.halo.predict.baseline.DeviceMixMethod;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

class FeatureMixMethodTest {
    static final IntToDoubleFunction A = i -> (i * 7919L) % 1000 + 10;
    static final IntToDoubleFunction B = i -> (i * 104729L) % 997 + 20;
    /** The toy space's cost (FLOPs, params, first encoding column): unrelated to what the train devices measure. */
    static final IntToDoubleFunction COST = i -> (i * 31337L) % 991 + 5;
    static final Split SPLIT = new Split(List.of("devA", "devB"), List.of("valid"), List.of("target"));

    /** Train devices measure factors A and B; valid and target devices also pay for COST and, if {@code parity}, for odd rows. */
    static Benchmark benchmark(double parity) {
        Map<String, IntToDoubleFunction> d = new LinkedHashMap<>();
        d.put("devA", i -> 0.01 * A.applyAsDouble(i) + 1);
        d.put("devB", i -> 0.02 * B.applyAsDouble(i) + 1);
        d.put("valid", i -> 0.01 * A.applyAsDouble(i) + 0.01 * COST.applyAsDouble(i) + parity * (i % 2) + 1);
        d.put("target", i -> 0.003 * A.applyAsDouble(i) + 0.006 * B.applyAsDouble(i) + 0.01 * COST.applyAsDouble(i) + parity * (i % 2) + 2);
        return ToyBenchmark.of(600, 300, 200, COST, d);
    }

    static DeviceScore score(Benchmark b, dev.halo.predict.FewShotMethod m) {
        return new Evaluator(b).evaluate(m, SPLIT, 10, List.of(0L, 1L)).devices().get(0);
    }

    @Test
    void costFeaturesExplainWhatNoTrainDeviceMeasures() {
        Benchmark b = benchmark(0);
        DeviceScore mix = score(b, new DeviceMixMethod());
        DeviceScore cost = score(b, FeatureMixMethod.withCost());
        assertThat(cost.spearman()).isGreaterThan(0.99);
        assertThat(mix.spearman()).isLessThan(cost.spearman() - 0.1);
        assertThat(cost.coverage80()).isNotNull();
    }

    @Test
    void theEncodingGroupCorrectsAResidualTheCostCannotSee() {
        Benchmark b = benchmark(3);
        DeviceScore cost = score(b, FeatureMixMethod.withCost());
        DeviceScore enc = score(b, FeatureMixMethod.withEncoding());
        assertThat(enc.spearman()).isGreaterThan(cost.spearman() + 0.02);
        assertThat(enc.mape()).isLessThan(cost.mape());
    }

    @Test
    void perDeviceLeaveOneOutTrustsCostFeaturesWhenOnlyTheNewDeviceNeedsThem() {
        // The valid device is a pure mix of the train devices, so validation cannot tell that cost matters.
        Map<String, IntToDoubleFunction> d = new LinkedHashMap<>();
        d.put("devA", i -> 0.01 * A.applyAsDouble(i) + 1);
        d.put("devB", i -> 0.02 * B.applyAsDouble(i) + 1);
        d.put("valid", i -> 0.01 * A.applyAsDouble(i) + 0.01 * B.applyAsDouble(i) + 1);
        d.put("target", i -> 0.002 * A.applyAsDouble(i) + 0.02 * COST.applyAsDouble(i) + 2);
        Benchmark b = ToyBenchmark.of(600, 300, 200, COST, d);
        DeviceScore mix = score(b, new DeviceMixMethod());
        DeviceScore loo = score(b, FeatureMixMethod.withEncodingPerDevice());
        assertThat(loo.spearman()).isGreaterThan(0.98);
        assertThat(mix.spearman()).isLessThan(0.8);
    }

    @Test
    void theSettingIsChosenOnValidDevicesAndReported() {
        var adapter = FeatureMixMethod.withCost().prepare(new dev.halo.predict.FewShotContext(benchmark(0), SPLIT, 10));
        assertThat(adapter.setting().cost()).isFinite();
        assertThat(adapter.summary()).contains("chosen on valid devices");
    }

    @Test
    void withoutValidDevicesAModerateDefaultIsUsedAndSaidSo() {
        Split noValid = new Split(List.of("devA", "devB"), List.of(), List.of("target"));
        var adapter = FeatureMixMethod.withEncoding().prepare(new dev.halo.predict.FewShotContext(benchmark(0), noValid, 10));
        assertThat(adapter.setting()).isEqualTo(new FeatureMixMethod.Setting(0.1, 1, 30, false));
        assertThat(adapter.summary()).contains("default; no valid devices");
        var report = new Evaluator(benchmark(0)).evaluate(FeatureMixMethod.withEncodingPerDevice(), noValid, 10, List.of(0L));
        assertThat(report.devices().get(0).spearman()).isGreaterThan(0.95);
    }

    @Test
    void methodsAreRegisteredForTheCli() {
        assertThat(FewShotMethods.experimental()).containsKeys("mix-log", "mix-cost", "mix-enc", "mix-loo", "mix-enc+help");
        assertThat(FewShotMethods.byName("experimental:mix-enc").name()).isEqualTo("mix-enc");
    }
}
