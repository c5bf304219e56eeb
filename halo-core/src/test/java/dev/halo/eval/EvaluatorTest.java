package dev.halo.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.halo.BadInputException;
import dev.halo.fewshot.Benchmark;
import dev.halo.fewshot.Split;
import dev.halo.fewshot.ToyBenchmark;
import dev.halo.predict.FewShotContext;
import dev.halo.predict.FewShotMethod;
import dev.halo.predict.LatencyPredictor;
import dev.halo.predict.baseline.CostProxyMethod;
import dev.halo.space.Architecture;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

class EvaluatorTest {
    static final IntToDoubleFunction COST = i -> (i * 7919L) % 1000 + 10;

    static Benchmark benchmark() {
        Map<String, IntToDoubleFunction> devices = new LinkedHashMap<>();
        devices.put("train", i -> COST.applyAsDouble(i) * 0.01 + 1);
        devices.put("valid", i -> COST.applyAsDouble(i) * 0.02 + 2);
        devices.put("test", i -> COST.applyAsDouble(i) * 0.03 + 0.5);
        return ToyBenchmark.of(400, 200, 100, COST, devices);
    }

    static final Split SPLIT = new Split(List.of("train"), List.of("valid"), List.of("test"));

    /** Returns the test device's true latencies: a perfect but uncertain-free predictor. */
    static FewShotMethod oracle(Benchmark b) {
        return new FewShotMethod() {
            @Override public String name() { return "oracle"; }
            @Override public Adapter prepare(FewShotContext context) {
                double[] truth = b.table().latencies("test");
                return task -> new LatencyPredictor() {
                    @Override public String space() { return "toy"; }
                    @Override public double[] predictMs(List<? extends Architecture> archs) {
                        return archs.stream().mapToDouble(a -> truth[((ToyBenchmark.ToyArch) a).row()]).toArray();
                    }
                };
            }
        };
    }

    @Test
    void perfectPredictionScoresPerfectly() {
        Benchmark b = benchmark();
        EvaluationReport r = new Evaluator(b).evaluate(oracle(b), SPLIT, 10, List.of(0L, 1L, 2L));
        DeviceScore s = r.devices().get(0);
        assertThat(s.device()).isEqualTo("test");
        assertThat(s.spearman()).isEqualTo(1.0);
        assertThat(s.kendall()).isEqualTo(1.0);
        assertThat(s.spearmanFull()).isEqualTo(1.0);
        assertThat(s.mape()).isEqualTo(0.0);
        assertThat(s.within10()).isEqualTo(1.0);
        assertThat(s.coverage80()).as("zero-width intervals are no uncertainty model").isNull();
        assertThat(r.meanSpearman()).isEqualTo(1.0);
        assertThat(r.mean().device()).isEqualTo("mean");
    }

    @Test
    void rankOnlyProxyIsMappedToMillisecondsThroughTheKnownLatencies() {
        // The test device is an exact linear function of FLOPs, so the fitted line recovers it exactly.
        EvaluationReport r = new Evaluator(benchmark()).evaluate(CostProxyMethod.flops(), SPLIT, 10, List.of(7L, 8L, 9L));
        DeviceScore s = r.devices().get(0);
        assertThat(s.spearmanSd()).as("a proxy ignores the samples: identical scores, no rounding noise").isEqualTo(0.0);
        assertThat(r.perSeed()).hasSize(1);
        assertThat(r.perSeed().get(0)).hasSize(3).allSatisfy(seed -> assertThat(seed.spearman()).isEqualTo(s.spearman()));
        assertThat(s.spearman()).isCloseTo(1.0, within(1e-12));
        assertThat(s.mape()).isCloseTo(0.0, within(1e-9));
        assertThat(s.within10()).isEqualTo(1.0);
        assertThat(s.coverage95()).isNull();
    }

    @Test
    void methodsSeeNeitherTestDevicesNorQueryLatencies() {
        Benchmark b = benchmark();
        AtomicReference<FewShotContext> seen = new AtomicReference<>();
        FewShotMethod spy = new FewShotMethod() {
            @Override public String name() { return "spy"; }
            @Override public Adapter prepare(FewShotContext context) {
                seen.set(context);
                return oracle(b).prepare(context);
            }
        };
        new Evaluator(b).evaluate(spy, SPLIT, 5, List.of(0L));
        assertThat(seen.get().table().deviceNames()).containsExactly("train", "valid");
        assertThatThrownBy(() -> seen.get().table().latencies("test")).isInstanceOf(BadInputException.class);
        assertThat(seen.get().samples()).isEqualTo(5);
        assertThat(seen.get().rowOf(new ToyBenchmark.ToyArch(42))).isEqualTo(42);
    }

    @Test
    void badSettingsFailBeforeAnyWork() {
        Evaluator e = new Evaluator(benchmark());
        assertThatThrownBy(() -> e.evaluate(CostProxyMethod.flops(), new Split(List.of("train"), List.of(), List.of("train")), 10, List.of(0L)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("train and as test");
        assertThatThrownBy(() -> e.evaluate(CostProxyMethod.flops(), new Split(List.of(), List.of(), List.of("nope")), 10, List.of(0L)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("unknown device nope; known: train,valid,test");
        assertThatThrownBy(() -> e.evaluate(CostProxyMethod.flops(), SPLIT, 0, List.of(0L)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("at least 1");
    }

    @Test
    void leastSquaresLine() {
        assertThat(Evaluator.leastSquaresLine(new double[] {1, 2, 3}, new double[] {5, 7, 9})).containsExactly(3.0, 2.0);
        assertThat(Evaluator.leastSquaresLine(new double[] {4, 4}, new double[] {1, 3})).containsExactly(2.0, 0.0);
    }
}
