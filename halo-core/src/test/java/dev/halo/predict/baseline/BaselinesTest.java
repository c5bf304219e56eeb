package dev.halo.predict.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.halo.BadInputException;
import dev.halo.eval.DeviceScore;
import dev.halo.eval.Evaluator;
import dev.halo.fewshot.Benchmark;
import dev.halo.fewshot.Split;
import dev.halo.fewshot.ToyBenchmark;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

class BaselinesTest {
    static final IntToDoubleFunction A = i -> (i * 7919L) % 1000 + 10; // two unrelated "hardware" orders
    static final IntToDoubleFunction B = i -> (i * 104729L) % 997 + 20;

    /** Devices are mixes of two latent factors; "target" is 0.3 A + 0.7 B, plus (optionally) relative noise. */
    static Benchmark benchmark(double noise) {
        Map<String, IntToDoubleFunction> d = new LinkedHashMap<>();
        d.put("fastA", i -> 0.01 * A.applyAsDouble(i) + 1);
        d.put("fastB", i -> 0.02 * B.applyAsDouble(i) + 1);
        d.put("mixed", i -> 0.01 * A.applyAsDouble(i) + 0.01 * B.applyAsDouble(i));
        d.put("target", i -> (0.003 * A.applyAsDouble(i) + 0.007 * B.applyAsDouble(i)) * (1 + noise * Math.sin(i * 12.9898)));
        return ToyBenchmark.of(600, 300, 200, A, d);
    }

    static final Split SPLIT = new Split(List.of("fastA", "fastB"), List.of("mixed"), List.of("target"));

    @Test
    void deviceMixRecoversAnExactMixture() {
        var report = new Evaluator(benchmark(0)).evaluate(new DeviceMixMethod(), SPLIT, 10, List.of(0L, 1L));
        DeviceScore s = report.devices().get(0);
        assertThat(s.spearman()).isCloseTo(1.0, within(1e-3));
        assertThat(s.mape()).isLessThan(1.0);
        assertThat(report.methodSummary()).startsWith("ridge lambda ").contains("chosen on valid devices");
    }

    @Test
    void deviceMixGivesIntervalsThatWidenWithTheLevel() {
        DeviceScore s = new Evaluator(benchmark(0.1)).evaluate(new DeviceMixMethod(), SPLIT, 10, List.of(0L, 1L, 2L)).devices().get(0);
        assertThat(s.coverage80()).isNotNull().isBetween(0.0, 1.0);
        assertThat(s.coverage95()).isGreaterThanOrEqualTo(s.coverage80());
        assertThat(s.spearman()).isGreaterThan(0.8).isLessThan(1.0);
    }

    @Test
    void nearestDevicePicksTheBestCorrelatedTrainDevice() {
        // The target equals fastB up to scale and offset, so the nearest device predicts it exactly.
        Map<String, IntToDoubleFunction> d = new LinkedHashMap<>();
        d.put("fastA", i -> 0.01 * A.applyAsDouble(i) + 1);
        d.put("fastB", i -> 0.02 * B.applyAsDouble(i) + 1);
        d.put("target", i -> 0.05 * B.applyAsDouble(i) + 3);
        Benchmark b = ToyBenchmark.of(600, 300, 200, A, d);
        DeviceScore s = new Evaluator(b).evaluate(new NearestDeviceMethod(), new Split(List.of("fastA", "fastB"), List.of(), List.of("target")), 10, List.of(3L)).devices().get(0);
        assertThat(s.spearman()).isCloseTo(1.0, within(1e-12));
        assertThat(s.mape()).isCloseTo(0.0, within(1e-9));
    }

    @Test
    void deviceMethodsNeedTrainDevicesAndDeviceMixNeedsValidOnes() {
        Evaluator e = new Evaluator(benchmark(0));
        assertThatThrownBy(() -> e.evaluate(new DeviceMixMethod(), new Split(List.of("fastA"), List.of(), List.of("target")), 10, List.of(0L)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--valid-devices");
        assertThatThrownBy(() -> e.evaluate(new NearestDeviceMethod(), new Split(List.of(), List.of(), List.of("target")), 10, List.of(0L)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--train-devices");
    }

    @Test
    void supervisedMlpLearnsAMonotoneCostFromTenSamples() {
        // Latency is a smooth function of the first encoding feature; ten samples suffice to rank well.
        Map<String, IntToDoubleFunction> d = new LinkedHashMap<>();
        d.put("target", i -> 2 + 0.05 * A.applyAsDouble(i));
        Benchmark b = ToyBenchmark.of(600, 300, 200, A, d);
        DeviceScore s = new Evaluator(b).evaluate(new SupervisedMlpMethod(), new Split(List.of(), List.of(), List.of("target")), 10, List.of(0L)).devices().get(0);
        assertThat(s.spearman()).isGreaterThan(0.95);
    }

    @Test
    void leaveOneOutErrorsOfAnExactFitAreZero() {
        double[][] x = {{1, 0}, {0, 1}, {1, 1}, {2, 1}, {1, 3}};
        double[] y = {2, 3, 5, 7, 11}; // y = 2 x0 + 3 x1
        var model = LinearDeviceModel.fit(x, y, 0);
        assertThat(model.predict(new double[] {3, 2})).isCloseTo(12.0, within(1e-9));
        assertThat(LinearDeviceModel.leaveOneOutRelativeErrors(x, y, 0)).containsOnly(new double[] {0, 0, 0, 0, 0}, within(1e-9));
    }
}
