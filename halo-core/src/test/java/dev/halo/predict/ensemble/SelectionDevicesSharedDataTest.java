package dev.halo.predict.ensemble;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.fewshot.Benchmark;
import dev.halo.fewshot.Benchmarks;
import dev.halo.fewshot.Split;
import dev.halo.predict.FewShotContext;
import dev.halo.testing.SharedData;
import org.junit.jupiter.api.Test;

/** HELP's NB201 split: 4 valid devices, then the 9 train devices each in a context of the other 8 (no network trained here). */
class SelectionDevicesSharedDataTest {
    @Test
    void nb201SelectionDevicesHoldNoTestDeviceAndEachTrainDeviceIsNewInItsOwnContext() {
        Benchmark b = Benchmarks.load(SharedData.path("help/nasbench201"), "nasbench201");
        Split split = Split.helpDefault("nasbench201");
        FewShotContext context = new FewShotContext(b, split, 10);
        var devices = SelectionDevices.of(context, true);
        assertThat(devices).extracting(SelectionDevices.Device::name)
                .containsExactly("titanx_1", "titanx_32", "titanx_256", "gold_6240", "1080ti_1", "1080ti_32", "1080ti_256", "silver_4114",
                        "silver_4210r", "samsung_a50", "pixel3", "essential_ph_1", "samsung_s7");
        for (var d : devices) {
            assertThat(d.context().table().deviceNames()).doesNotContainAnyElementsOf(split.test());
            assertThat(d.context().split().train()).hasSize(d.heldOutTrain() ? 8 : 9).doesNotContain(d.name());
            assertThat(d.tasks()).hasSize(5);
            // the same kept query pool and samples as the device's tasks anywhere else
            assertThat(d.tasks().get(0)).isEqualTo(context.protocol().task(d.name(), 10, 0));
        }
    }
}
