package dev.halo.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class Nb201NetworkTest {
    private static final List<String> ALL_CONV3 = Collections.nCopies(6, "nor_conv_3x3");

    @Test
    void largestCellHasNasBench201sPublishedParameterCount() {
        // NAS-Bench-201 reports 1.531546 M parameters for the all-3x3 cell on CIFAR-10.
        OnnxNetwork net = Nb201Network.export(ALL_CONV3, 1, 0);
        assertThat(net.trainableParams()).isEqualTo(1_531_546L);
        assertThat(OnnxGraphBuilder.trainableParameters(net.model())).isEqualTo(1_531_546L);
    }

    @Test
    void runsInOrtWithTheRightOutputShape() throws Exception {
        OnnxNetwork net = Nb201Network.export(
                List.of("nor_conv_1x1", "avg_pool_3x3", "skip_connect", "nor_conv_3x3", "none", "avg_pool_3x3"), 2, 7);
        OrtTestSupport.Output out = OrtTestSupport.runOnce(net);
        assertThat(out.shape()).containsExactly(2, 10);
        for (float v : out.values()) assertThat(v).isFinite();
    }

    @Test
    void allNoneCellRunsAndKeepsOnlyTheMacroStructure() throws Exception {
        OnnxNetwork net = Nb201Network.export(Collections.nCopies(6, "none"), 1, 1);
        // stem 464 + reductions 14464 + 57600 + last BN 128 + classifier 650
        assertThat(net.trainableParams()).isEqualTo(464 + 14_464 + 57_600 + 128 + 650);
        assertThat(OrtTestSupport.runOnce(net).shape()).containsExactly(1, 10);
    }

    @Test
    void convOnADisconnectedNodeStillCountsAndRuns() throws Exception {
        // node 1 receives nothing (zero); node 3 reads it through a 3x3 conv, as the original network computes.
        List<String> ops = List.of("none", "skip_connect", "none", "none", "nor_conv_3x3", "skip_connect");
        OnnxNetwork net = Nb201Network.export(ops, 1, 1);
        long convPerStage = 5L * (16 * 16 * 9 + 32) + 5L * (32 * 32 * 9 + 64) + 5L * (64 * 64 * 9 + 128);
        assertThat(net.trainableParams()).isEqualTo(464 + 14_464 + 57_600 + 128 + 650 + convPerStage);
        assertThat(OrtTestSupport.runOnce(net).shape()).containsExactly(1, 10);
    }

    @Test
    void sameSeedGivesTheSameBytes() {
        assertThat(Nb201Network.export(ALL_CONV3, 1, 3).bytes()).isEqualTo(Nb201Network.export(ALL_CONV3, 1, 3).bytes());
        assertThat(Nb201Network.export(ALL_CONV3, 1, 3).bytes()).isNotEqualTo(Nb201Network.export(ALL_CONV3, 1, 4).bytes());
    }

    @Test
    void rejectsWrongCells() {
        assertThatThrownBy(() -> Nb201Network.export(List.of("none"), 1, 0)).hasMessageContaining("6 edges");
        assertThatThrownBy(() -> Nb201Network.export(Collections.nCopies(6, "conv"), 1, 0)).hasMessageContaining("unknown");
    }
}
