package dev.halo.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.halo.space.OfaArch;
import dev.halo.space.OfaSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OfaNetworkTest {
    private static final OfaSpace SPACE = new OfaSpace();
    private static final OfaNetwork NET = new OfaNetwork(SPACE.macro());
    private static final OfaArch SMALLEST = SPACE.parse("r128_d22222_ks" + "3".repeat(20) + "_e" + "3".repeat(20));
    private static final OfaArch LARGEST = SPACE.parse("r224_d44444_ks" + "7".repeat(20) + "_e" + "6".repeat(20));

    @Test
    void parameterCountAndMacsMatchTheSpaceFormulas() {
        List<OfaArch> archs = new ArrayList<>(List.of(SMALLEST, LARGEST));
        Random rng = new Random(9);
        for (int i = 0; i < 20; i++) archs.add(SPACE.sample(rng));
        for (OfaArch arch : archs) {
            OnnxNetwork net = NET.structure(arch, 1);
            assertThat(net.trainableParams()).as(arch.canonical()).isEqualTo(SPACE.params(arch));
            assertThat(net.macs() / 1e6).as(arch.canonical()).isCloseTo(SPACE.mflops(arch), within(1e-9));
        }
    }

    @Test
    void extremesAndASampleRunInOrtAtTheirResolution() throws Exception {
        for (OfaArch arch : List.of(SMALLEST, LARGEST, SPACE.sample(new Random(1)))) {
            OnnxNetwork net = NET.export(arch, 1, 2);
            assertThat(net.inputHeight()).isEqualTo(arch.resolution());
            assertThat(OnnxGraphBuilder.trainableParameters(net.model())).isEqualTo(SPACE.params(arch));
            OrtTestSupport.Output out = OrtTestSupport.runOnce(net);
            assertThat(out.shape()).as(arch.canonical()).containsExactly(1, 1000);
            for (float v : out.values()) assertThat(v).isFinite();
        }
    }

    @Test
    void squeezeExciteAndHardSwishAppearWhereTheStagesHaveThem() {
        OnnxNetwork net = NET.structure(SMALLEST, 1);
        // SE in stages 2, 4, 5 (2 blocks each at depth 2): one HardSigmoid gate and one Mul per SE block
        assertThat(net.layers()).filteredOn(l -> l.opType().equals("HardSigmoid")).hasSize(6);
        assertThat(net.layers()).filteredOn(l -> l.opType().equals("Mul")).hasSize(6);
        assertThat(net.layers()).anyMatch(l -> l.opType().equals("HardSwish"));
    }
}
