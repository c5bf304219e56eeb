package dev.halo.predict.help;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import dev.halo.space.FbnetSpace;
import dev.halo.space.Nb201Graph;
import dev.halo.space.Nb201Space;
import dev.halo.space.OfaSpace;
import dev.halo.testing.SharedData;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class HelpReferenceArchsTest {
    @Test
    void builtInNasBench201ReferencesEqualTheBenchmarksHardwareEmbeddingIndex() {
        HelpData data = HelpData.load(SharedData.path("help/nasbench201"), HelpEncoder.forSpace("nasbench201", Nb201Graph.Wiring.HELP));
        Nb201Space space = new Nb201Space();
        List<String> fromData = Arrays.stream(data.referenceArchs()).mapToObj(i -> space.fromIndex(i).canonical()).toList();
        assertThat(HelpReferenceArchs.NASBENCH201.stream().map(s -> space.parse(s).canonical()).toList()).isEqualTo(fromData);
    }

    @Test
    void builtInFbnetReferencesEqualTheBenchmarksHardwareEmbeddingIndex() {
        dev.halo.data.LatencyDataset data = dev.halo.data.LatencyDataset.load(SharedData.path("help/fbnet"), "fbnet");
        FbnetSpace space = new FbnetSpace();
        List<String> fromData = Arrays.stream(data.referenceArchIndices()).mapToObj(i -> space.parse(data.archStrings().get(i)).canonical()).toList();
        assertThat(HelpReferenceArchs.FBNET.stream().map(s -> space.parse(s).canonical()).toList()).isEqualTo(fromData).hasSize(10).doesNotHaveDuplicates();
    }

    @Test
    void builtInOfaReferencesEqualTheBenchmarksHardwareEmbeddingIndex() {
        dev.halo.data.LatencyDataset data = dev.halo.data.LatencyDataset.load(SharedData.path("help/ofa"), "ofa");
        OfaSpace space = new OfaSpace();
        List<String> fromData = Arrays.stream(data.referenceArchIndices()).mapToObj(i -> space.parse(data.archStrings().get(i)).canonical()).toList();
        assertThat(HelpReferenceArchs.OFA).isEqualTo(fromData).hasSize(10).doesNotHaveDuplicates();
    }

    @Test
    void referencesAreTenDistinctArchsOfTheSpace() {
        Nb201Space space = new Nb201Space();
        assertThat(HelpReferenceArchs.forSpace("nasbench201").stream().map(s -> space.parse(s).canonical()).distinct()).hasSize(10);
        assertThatThrownBy(() -> HelpReferenceArchs.forSpace("nope")).isInstanceOf(BadInputException.class).hasMessageContaining("nope");
    }
}
