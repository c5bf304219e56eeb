package dev.halo.predict.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.fewshot.Benchmark;
import dev.halo.fewshot.Split;
import dev.halo.fewshot.ToyBenchmark;
import dev.halo.predict.FewShotContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

class SelectionDevicesTest {
    static final IntToDoubleFunction A = FeatureMixMethodTest.A, B = FeatureMixMethodTest.B, COST = FeatureMixMethodTest.COST;
    static final Split SPLIT = new Split(List.of("devA", "devB", "devC"), List.of("valid"), List.of("target"));

    /**
     * The train devices are multiplicative in two factors (devC = √(A·B)), so each is an exact log-linear mix of the
     * other two; the valid device is an additive mix (exact in ms), the target a multiplicative one (exact in log-ms).
     * The valid device alone prefers ms; the three held-out train devices prefer log-ms, as the target does.
     */
    static Benchmark multiplicative() {
        Map<String, IntToDoubleFunction> d = new LinkedHashMap<>();
        d.put("devA", i -> A.applyAsDouble(i) / 100);
        d.put("devB", i -> B.applyAsDouble(i) / 100);
        d.put("devC", i -> Math.sqrt(A.applyAsDouble(i) * B.applyAsDouble(i)) / 100);
        d.put("valid", i -> 0.01 * A.applyAsDouble(i) + 0.01 * B.applyAsDouble(i) + 1);
        d.put("target", i -> Math.pow(A.applyAsDouble(i), 0.2) * Math.pow(B.applyAsDouble(i), 0.8) / 50);
        return ToyBenchmark.of(600, 300, 200, COST, d);
    }

    @Test
    void aHeldOutTrainDeviceIsTheOnlyValidDeviceOfAContextWithoutIt() {
        FewShotContext context = new FewShotContext(multiplicative(), SPLIT, 10);
        FewShotContext pseudo = SelectionDevices.holdingOut(context, "devB");
        assertThat(pseudo.split()).isEqualTo(new Split(List.of("devA", "devC"), List.of("devB"), List.of()));
        assertThat(pseudo.table().deviceNames()).containsExactlyInAnyOrder("devA", "devB", "devC"); // not the valid device
        assertThat(pseudo.samples()).isEqualTo(10);
        assertThatThrownBy(() -> SelectionDevices.holdingOut(context, "valid")).isInstanceOf(IllegalArgumentException.class);
        FewShotContext one = new FewShotContext(multiplicative(), new Split(List.of("devA"), List.of("valid"), List.of("target")), 10);
        assertThatThrownBy(() -> SelectionDevices.holdingOut(one, "devA")).hasMessageContaining("leaves no train device");
    }

    @Test
    void selectionDevicesAreTheValidDevicesThenEachTrainDeviceInItsOwnCachedContext() {
        FewShotContext context = new FewShotContext(multiplicative(), SPLIT, 10);
        var devices = SelectionDevices.of(context, true);
        assertThat(devices).extracting(SelectionDevices.Device::name).containsExactly("valid", "devA", "devB", "devC");
        assertThat(devices).extracting(SelectionDevices.Device::heldOutTrain).containsExactly(false, true, true, true);
        assertThat(devices.get(0).context()).isSameAs(context);
        for (var d : devices) {
            assertThat(d.tasks()).hasSize(Validation.SEEDS).allSatisfy(t -> assertThat(t.device()).isEqualTo(d.name()));
            assertThat(d.context().split().train()).doesNotContain(d.name());
        }
        // the same task a test run would draw for that device and seed
        assertThat(devices.get(2).tasks().get(3)).isEqualTo(context.protocol().task("devB", 10, 3));
        assertThat(SelectionDevices.of(context, true).get(1).context()).isSameAs(devices.get(1).context());
        assertThat(SelectionDevices.of(context, false)).extracting(SelectionDevices.Device::name).containsExactly("valid");
    }

    @Test
    void withOneTrainDeviceThereIsNothingToHoldOut() {
        FewShotContext one = new FewShotContext(multiplicative(), new Split(List.of("devA"), List.of("valid"), List.of("target")), 10);
        assertThat(SelectionDevices.of(one, true)).extracting(SelectionDevices.Device::name).containsExactly("valid");
    }
}
