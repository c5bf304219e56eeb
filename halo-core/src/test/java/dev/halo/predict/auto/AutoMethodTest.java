package dev.halo.predict.auto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.halo.BadInputException;
import dev.halo.eval.EvaluationReport;
import dev.halo.eval.Evaluator;
import dev.halo.fewshot.Benchmark;
import dev.halo.fewshot.Split;
import dev.halo.fewshot.ToyBenchmark;
import dev.halo.predict.additive.AdditiveCostMethod;
import dev.halo.predict.additive.DeadCodeCostMethod;
import dev.halo.predict.baseline.DeviceMixMethod;
import dev.halo.predict.baseline.NearestDeviceMethod;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

class AutoMethodTest {
    static final Split FULL = new Split(List.of("a", "b"), List.of("c"), List.of("t"));

    @Test
    void spacesWithCostFeaturesTakeOpCostsWhateverDevicesThereAre() {
        for (String space : List.of("nasbench201", "fbnet"))
            for (Split split : List.of(FULL, new Split(List.of("a"), List.of(), List.of("t")), new Split(List.of(), List.of(), List.of("t")))) {
                AutoMethod.Choice c = AutoMethod.choose(space, true, split);
                boolean nb201 = space.equals("nasbench201");
                // NB201: op-costs that also knows dead-code-removing runtimes by a measured probe (beyond.md, session 13)
                assertThat(c.method()).isEqualTo(nb201 ? DeadCodeCostMethod.PROBE_REQUIRED_NAME : AdditiveCostMethod.NAME);
                assertThat(c.reason()).contains(space).contains("docs/results/auto.md");
                assertThat(c.make().get()).isInstanceOf(nb201 ? DeadCodeCostMethod.class : AdditiveCostMethod.class);
                assertThat(c.make().get().name()).isEqualTo(c.method());
                AutoMethod.Choice saved = AutoMethod.chooseForSavedFit(space, true, split);
                assertThat(saved.method()).isEqualTo(AdditiveCostMethod.NAME);
                assertThat(saved.make().get()).isInstanceOf(AdditiveCostMethod.class);
            }
        assertThat(AutoMethod.chooseForSavedFit("ofa", false, FULL).method()).isEqualTo("device-mix");
    }

    @Test
    void withoutCostFeaturesTheDeviceMixThenTheNearestDeviceThenARefusal() {
        assertThat(AutoMethod.choose("ofa", false, FULL).make().get()).isInstanceOf(DeviceMixMethod.class);
        AutoMethod.Choice noValid = AutoMethod.choose("ofa", false, new Split(List.of("a"), List.of(), List.of("t")));
        assertThat(noValid.method()).isEqualTo("nearest-device");
        assertThat(noValid.make().get()).isInstanceOf(NearestDeviceMethod.class);
        assertThatThrownBy(() -> AutoMethod.choose("ofa", false, new Split(List.of(), List.of(), List.of("t"))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--method");
    }

    /** OFA's op-cost features came after rule v4: auto keeps the device mix there, and takes op-costs only for a lone device. */
    @Test
    void onOfaCostFeaturesServeOnlyALoneDevice() {
        assertThat(AutoMethod.choose("ofa", true, FULL).method()).isEqualTo("device-mix");
        assertThat(AutoMethod.choose("ofa", true, FULL).reason()).startsWith("op-costs on ofa is outside the rule");
        assertThat(AutoMethod.choose("ofa", true, new Split(List.of("a"), List.of(), List.of("t"))).method()).isEqualTo("nearest-device");
        AutoMethod.Choice lone = AutoMethod.choose("ofa", true, new Split(List.of(), List.of(), List.of("t")));
        assertThat(lone.method()).isEqualTo(AdditiveCostMethod.NAME);
        assertThat(lone.reason()).contains("no train devices").contains("ofa");
        assertThat(lone.make().get()).isInstanceOf(AdditiveCostMethod.class);
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
