package dev.halo.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.halo.space.FbnetArch;
import dev.halo.space.FbnetBlock;
import dev.halo.space.FbnetSpace;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FbnetNetworkTest {
    private static final FbnetSpace SPACE = new FbnetSpace();
    private static final FbnetNetwork NET = new FbnetNetwork(SPACE.macro());

    @Test
    void parameterCountAndMacsMatchTheSpaceFormulas() {
        List<FbnetArch> archs = new ArrayList<>();
        for (FbnetBlock b : FbnetBlock.all()) archs.add(new FbnetArch(Collections.nCopies(FbnetArch.LAYERS, b)));
        Random rng = new Random(5);
        for (int i = 0; i < 20; i++) archs.add(SPACE.sample(rng));
        for (FbnetArch arch : archs) {
            OnnxNetwork net = NET.structure(arch, 1);
            assertThat(net.trainableParams()).as(arch.canonical()).isEqualTo(SPACE.params(arch));
            assertThat((net.macs() + 100) / 1e6).as(arch.canonical()).isCloseTo(SPACE.mflops(arch), within(1e-9));
        }
    }

    @Test
    void extremesAndASampleRunInOrt() throws Exception {
        List<FbnetArch> archs = List.of(
                new FbnetArch(Collections.nCopies(FbnetArch.LAYERS, FbnetBlock.K5_E6)),
                new FbnetArch(Collections.nCopies(FbnetArch.LAYERS, FbnetBlock.SKIP)),
                new FbnetArch(Collections.nCopies(FbnetArch.LAYERS, FbnetBlock.K3_E1_G2)),
                SPACE.sample(new Random(3)));
        for (FbnetArch arch : archs) {
            OnnxNetwork net = NET.export(arch, 2, 1);
            assertThat(OnnxGraphBuilder.trainableParameters(net.model())).isEqualTo(SPACE.params(arch));
            OrtTestSupport.Output out = OrtTestSupport.runOnce(net);
            assertThat(out.shape()).as(arch.labels()).containsExactly(2, 100);
            for (float v : out.values()) assertThat(v).isFinite();
        }
    }

    @Test
    void groupedBlocksShuffleChannels() {
        OnnxNetwork net = NET.structure(new FbnetArch(Collections.nCopies(FbnetArch.LAYERS, FbnetBlock.K3_E1_G2)), 1);
        assertThat(net.layers()).filteredOn(l -> l.opType().equals("Transpose")).hasSize(FbnetArch.LAYERS);
    }
}
