package dev.halo.predict.auto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.halo.eval.EvaluationReport;
import dev.halo.eval.Evaluator;
import dev.halo.fewshot.Benchmark;
import dev.halo.fewshot.Split;
import dev.halo.fewshot.ToyBenchmark;
import dev.halo.predict.additive.AdditiveCostMethod;
import dev.halo.predict.baseline.DeviceMixMethod;
import dev.halo.predict.ensemble.BlendMethod;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

class AutoMethodTest {
    static final Split FULL = new Split(List.of("a", "b"), List.of("c"), List.of("t"));

    @Test
    void nb201TakesOpCostsWhateverDevicesThereAre() {
        AutoMethod.Choice c = AutoMethod.choose("nasbench201", true, FULL);
        assertThat(c.method()).isEqualTo(AdditiveCostMethod.NAME);
        assertThat(c.reason()).contains("nasbench201");
        assertThat(c.make().get()).isInstanceOf(AdditiveCostMethod.class);
    }

    @Test
    void otherSpacesWithCostFeaturesTakeTheBlendWhenItsWeightCanBeChosen() {
        AutoMethod.Choice c = AutoMethod.choose("fbnet", true, FULL);
        assertThat(c.method()).isEqualTo("experimental:mix-src-loo-long+op-costs");
        assertThat(c.make().get()).isInstanceOf(BlendMethod.class);
    }

    @Test
    void theBlendFallsBackToOpCostsWithAReasonWithoutValidOrTrainDevices() {
        AutoMethod.Choice noValid = AutoMethod.choose("fbnet", true, new Split(List.of("a"), List.of(), List.of("t")));
        assertThat(noValid.method()).isEqualTo(AdditiveCostMethod.NAME);
        assertThat(noValid.reason()).contains("no valid devices");
        AutoMethod.Choice noTrain = AutoMethod.choose("fbnet", true, new Split(List.of(), List.of("c"), List.of("t")));
        assertThat(noTrain.method()).isEqualTo(AdditiveCostMethod.NAME);
        assertThat(noTrain.reason()).contains("no train devices");
    }

    @Test
    void spacesWithoutCostFeaturesTakeTheDeviceMix() {
        AutoMethod.Choice c = AutoMethod.choose("ofa", false, FULL);
        assertThat(c.method()).isEqualTo("device-mix");
        assertThat(c.make().get()).isInstanceOf(DeviceMixMethod.class);
    }

    /** On a space without op-cost features auto is the device mix: the same scores, and a summary naming the choice. */
    @Test
    void autoPredictsExactlyAsItsChoiceAndSaysWhichAndWhy() {
        IntToDoubleFunction a = i -> (i * 7919L) % 1000 + 10, b = i -> (i * 104729L) % 997 + 20;
        Map<String, IntToDoubleFunction> d = new LinkedHashMap<>();
        d.put("a", i -> 0.01 * a.applyAsDouble(i) + 1);
        d.put("b", i -> 0.02 * b.applyAsDouble(i) + 1);
        d.put("c", i -> 0.01 * a.applyAsDouble(i) + 0.01 * b.applyAsDouble(i));
        d.put("t", i -> 0.003 * a.applyAsDouble(i) + 0.007 * b.applyAsDouble(i));
        Benchmark toy = ToyBenchmark.of(600, 300, 200, a, d);
        EvaluationReport auto = new Evaluator(toy).evaluate(new AutoMethod(), FULL, 10, List.of(0L, 1L));
        EvaluationReport mix = new Evaluator(toy).evaluate(new DeviceMixMethod(), FULL, 10, List.of(0L, 1L));
        assertThat(auto.meanSpearman()).isCloseTo(mix.meanSpearman(), within(0.0));
        assertThat(auto.methodSummary()).startsWith("auto chose device-mix: no op-cost features for toy").contains(mix.methodSummary());
    }
}
