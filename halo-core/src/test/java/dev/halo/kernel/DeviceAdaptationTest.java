package dev.halo.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceAdaptationTest {
    private static final KernelCostModel.Provenance PROV = new KernelCostModel.Provenance("src", "source", 0, 0, List.of(), KernelFeatures.VERSION, "");

    @Test
    void twentyLatenciesCarryTheModelToADeviceWithOtherSpeedsPerKernelGroup() {
        KernelCostModel source = KernelCostModel.fit(KernelFixtures.corpus(240, 11, KernelFixtures.UNIT, 0.1), BoostedTrees.Params.defaults(), PROV, false);
        // the new device: dense convolutions 2x slower, depthwise 3x faster, element-wise work 1.5x slower
        double[] speeds = {2.0, 1.0, 1 / 3.0, 1.0, 1.5};
        List<KernelCorpus.Model> target = KernelFixtures.corpus(60, 12, speeds, 0.3);
        List<KernelCorpus.Model> known = target.subList(0, 20), fresh = target.subList(20, 60);
        DeviceAdaptation a = DeviceAdaptation.fit("new", source, known.stream().map(KernelCorpus.Model::shapes).toList(),
                known.stream().mapToDouble(KernelCorpus.Model::latencyMs).toArray());
        int withinAdapted = 0, withinSource = 0;
        for (KernelCorpus.Model m : fresh) {
            if (Math.abs(a.predict(m.shapes()).ms() / m.latencyMs() - 1) <= 0.10) withinAdapted++;
            if (Math.abs(source.predict(m.shapes()).ms() / m.latencyMs() - 1) <= 0.10) withinSource++;
        }
        assertThat(withinAdapted).as("adapted within ±10 %% of %d", fresh.size()).isGreaterThanOrEqualTo(36);
        assertThat(withinSource).as("the unadapted source model is far off on this device").isLessThan(20);
        assertThat(a.groupScales()[KernelKind.Group.DENSE_CONV.ordinal()]).isGreaterThan(a.groupScales()[KernelKind.Group.SPARSE_CONV.ordinal()]);
        assertThat(a.describe()).contains("20 latencies").contains("new");
    }

    @Test
    void refusesTooFewOrNonPositiveLatencies() {
        KernelCostModel source = KernelCostModel.fit(KernelFixtures.corpus(60, 13, KernelFixtures.UNIT, 0.1), BoostedTrees.Params.defaults(), PROV, false);
        List<KernelCorpus.Model> t = KernelFixtures.corpus(5, 14, KernelFixtures.UNIT, 0.1);
        List<List<KernelShape>> shapes = t.stream().map(KernelCorpus.Model::shapes).toList();
        assertThatThrownBy(() -> DeviceAdaptation.fit("d", source, shapes.subList(0, 2), new double[] {1, 2})).hasMessageContaining("at least 3");
        assertThatThrownBy(() -> DeviceAdaptation.fit("d", source, shapes, new double[] {1, 2, 0, 4, 5})).hasMessageContaining("positive");
    }
}
