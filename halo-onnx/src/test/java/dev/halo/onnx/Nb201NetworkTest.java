package dev.halo.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Macro;
import dev.halo.space.Nb201Op;
import dev.halo.space.Nb201Space;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Nb201NetworkTest {
    private static final Nb201Space SPACE = new Nb201Space();
    private static final Nb201Network NET = new Nb201Network(SPACE.macro());

    private static Nb201Arch all(Nb201Op op) {
        return new Nb201Arch(Collections.nCopies(6, op));
    }

    @Test
    void largestCellHasNasBench201sPublishedParameterCount() {
        // NAS-Bench-201 reports 1.531546 M parameters for the all-3x3 cell on CIFAR-10.
        OnnxNetwork net = NET.export(all(Nb201Op.NOR_CONV_3X3), 1, 0);
        assertThat(net.trainableParams()).isEqualTo(1_531_546L);
        assertThat(OnnxGraphBuilder.trainableParameters(net.model())).isEqualTo(1_531_546L);
    }

    @Test
    void parameterCountAndMacsMatchTheSpaceFormulas() {
        List<Nb201Arch> archs = new ArrayList<>();
        for (Nb201Op op : Nb201Op.all()) archs.add(all(op));
        Random rng = new Random(11);
        for (int i = 0; i < 20; i++) archs.add(SPACE.sample(rng));
        for (Nb201Arch arch : archs) {
            OnnxNetwork net = NET.structure(arch, 1);
            assertThat(net.trainableParams()).as(arch.canonical()).isEqualTo(SPACE.params(arch));
            // NAS-Bench-201 adds the classifier bias to its FLOPs
            assertThat((net.macs() + 10) / 1e6).as(arch.canonical()).isCloseTo(SPACE.mflops(arch), org.assertj.core.api.Assertions.within(1e-9));
        }
        for (Nb201Arch arch : archs.subList(0, 7))
            assertThat(OnnxGraphBuilder.trainableParameters(NET.export(arch, 1, 0).model())).isEqualTo(SPACE.params(arch));
    }

    @Test
    void runsInOrtWithTheRightOutputShape() throws Exception {
        OnnxNetwork net = NET.export(SPACE.parse("conv1x1,avgpool,skip,conv3x3,none,avgpool"), 2, 7);
        OrtTestSupport.Output out = OrtTestSupport.runOnce(net);
        assertThat(out.shape()).containsExactly(2, 10);
        for (float v : out.values()) assertThat(v).isFinite();
    }

    @Test
    void otherMacroSettingsCarryOver() throws Exception {
        OnnxNetwork net = new Nb201Network(Nb201Macro.imagenet16120()).export(all(Nb201Op.NOR_CONV_1X1), 1, 0);
        assertThat(OrtTestSupport.runOnce(net).shape()).containsExactly(1, 120);
        assertThat(net.inputHeight()).isEqualTo(16);
    }

    @Test
    void allNoneCellRunsAndKeepsOnlyTheMacroStructure() throws Exception {
        OnnxNetwork net = NET.export(all(Nb201Op.NONE), 1, 1);
        // stem 464 + reductions 14464 + 57600 + last BN 128 + classifier 650
        assertThat(net.trainableParams()).isEqualTo(464 + 14_464 + 57_600 + 128 + 650);
        assertThat(OrtTestSupport.runOnce(net).shape()).containsExactly(1, 10);
    }

    @Test
    void convOnADisconnectedNodeStillCountsAndRuns() throws Exception {
        // node 1 receives nothing (zero); node 3 reads it through a 3x3 conv, as the original network computes.
        Nb201Arch arch = SPACE.parse("none,skip,none,none,conv3x3,skip");
        OnnxNetwork net = NET.export(arch, 1, 1);
        long convs = 5L * (16 * 16 * 9 + 32) + 5L * (32 * 32 * 9 + 64) + 5L * (64 * 64 * 9 + 128);
        assertThat(net.trainableParams()).isEqualTo(464 + 14_464 + 57_600 + 128 + 650 + convs).isEqualTo(SPACE.params(arch));
        assertThat(net.layers()).anyMatch(l -> l.opType().equals("Mul")); // the zero node
        assertThat(OrtTestSupport.runOnce(net).shape()).containsExactly(1, 10);
    }

    @Test
    void ortKeepsOperationsWhoseResultNoNodeReads(@TempDir Path dir) throws Exception {
        // nodes 1 and 2 compute 3x3 convs that nothing reads; PyTorch computes them, and so must the ONNX graph
        OnnxNetwork net = NET.export(SPACE.parse("conv3x3,conv3x3,none,skip,none,none"), 1, 0);
        long convs = net.layers().stream().filter(l -> l.opType().equals("Conv")).count();
        Path optimized = dir.resolve("opt.onnx");
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            o.setOptimizedModelFilePath(optimized.toString());
            OrtEnvironment.getEnvironment().createSession(net.bytes(), o).close();
        }
        ModelProto after = ModelProto.parseFrom(Files.readAllBytes(optimized));
        long convsAfter = after.getGraph().getNodeList().stream().filter(n -> n.getOpType().contains("Conv")).count();
        assertThat(convsAfter).isEqualTo(convs);
    }

    @Test
    void sameSeedGivesTheSameBytes() {
        Nb201Arch arch = all(Nb201Op.NOR_CONV_3X3);
        assertThat(NET.export(arch, 1, 3).bytes()).isEqualTo(NET.export(arch, 1, 3).bytes());
        assertThat(NET.export(arch, 1, 3).bytes()).isNotEqualTo(NET.export(arch, 1, 4).bytes());
    }
}
