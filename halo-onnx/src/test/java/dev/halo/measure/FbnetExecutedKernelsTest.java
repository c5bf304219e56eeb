package dev.halo.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.halo.graph.Graph;
import dev.halo.graph.GraphAnalysis;
import dev.halo.graph.GraphReport;
import dev.halo.graph.Node;
import dev.halo.graph.NodeReport;
import dev.halo.kernel.KernelShape;
import dev.halo.kernel.ort.NchwcBlock;
import dev.halo.kernel.ort.OrtGraphEmulator;
import dev.halo.measure.model.OptimizedModel;
import dev.halo.onnx.FbnetNetwork;
import dev.halo.onnx.OnnxNetwork;
import dev.halo.onnx.model.OnnxModelReader;
import dev.halo.predict.additive.CostFeatures;
import dev.halo.predict.additive.FbnetExecutedKernels;
import dev.halo.predict.additive.FbnetOrtKernels;
import dev.halo.space.FbnetArch;
import dev.halo.space.FbnetSpace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FBNet's executed-kernel features ({@link FbnetExecutedKernels}, worked out by {@link FbnetOrtKernels} from the
 * architecture) against what ONNX Runtime runs: ORT's own optimised model on this machine, and halo's general emulation
 * of ORT's rewrites ({@link OrtGraphEmulator}, itself checked against ORT on AVX2 and AVX-512 machines) at both NCHWc
 * blocks, 8 and 16, so that the block this machine does not have is covered too. Built for ORT 1.23 on x86-64.
 */
class FbnetExecutedKernelsTest {
    private static final FbnetSpace SPACE = new FbnetSpace();
    private static final FbnetNetwork NETWORK = FbnetNetwork.cifar100();

    @TempDir Path dir;

    /** The probes (all skips, all grouped, all widest, all-skip stages between others), one block kind per layer, then random ones. */
    private static List<FbnetArch> sampled(int random) {
        List<FbnetArch> archs = new ArrayList<>(FbnetExecutedKernels.probeArchs(SPACE));
        archs.add(SPACE.parse("1555588881111888811118")); // grouped stages: a residual g2 block on 24 and on 184 channels stays plain
        archs.add(SPACE.parse("0123456780123456781238")); // every block kind, a skip as the last layer
        Random rng = new Random(7);
        for (int i = 0; i < random; i++) archs.add(SPACE.sample(rng));
        return archs;
    }

    /**
     * The kernels of an optimised graph as the features see them, read from its nodes (operator, domain, group,
     * window) and halo's shape analysis (MACs, output elements): independent of how {@link FbnetOrtKernels} builds them.
     */
    private static List<FbnetOrtKernels.Kernel> kernelsOf(Graph optimized) {
        GraphReport report = GraphAnalysis.analyze(optimized, Map.of());
        List<FbnetOrtKernels.Kernel> out = new ArrayList<>();
        for (NodeReport r : report.nodes()) {
            Node node = optimized.nodes().get(r.index());
            KernelShape k = KernelShape.of(node, r);
            assertThat(k).as(node.name()).isNotNull();
            long elements = 1;
            for (long d : k.outputs().getFirst().toArray()) elements *= d;
            boolean depthwise = k.group() > 1 && k.window()[0] > 1; // FBNet's only windows > 1 are the stem (dense) and the depthwise convs
            out.add(new FbnetOrtKernels.Kernel(ExecutedKernels.kind(node), depthwise, node.domain().endsWith("nchwc"), k.cost().macs(), elements));
        }
        return out;
    }

    @Test
    void featuresEqualACountOverOnnxRuntimesOptimisedGraph() {
        NchwcBlock.Detected block = NchwcBlock.ofThisMachine();
        assumeTrue(block.known() && block.block() > 0, "ONNX Runtime has no blocked layout on this CPU");
        CostFeatures features = CostFeatures.named(SPACE, "executed-kernels").orElseThrow();
        for (FbnetArch arch : sampled(3)) {
            OnnxNetwork net = NETWORK.export(arch, 1, 0);
            List<FbnetOrtKernels.Kernel> ort = kernelsOf(OptimizedModel.kernels(net.bytes(), GraphOptimization.ALL));
            assertThat(FbnetKernelCheck.kinds(FbnetOrtKernels.kernels(SPACE.macro(), block.block(), arch))).as(arch.canonical())
                    .isEqualTo(FbnetKernelCheck.kinds(ort)).isEqualTo(ExecutedKernels.count(net, GraphOptimization.ALL));
            assertThat(features.of(arch)).as(arch.canonical()).containsExactly(FbnetExecutedKernels.of(ort), within(1e-9));
        }
    }

    @Test
    void featuresEqualACountOverTheEmulatedGraphAtBothBlocks() throws Exception {
        for (FbnetArch arch : sampled(20)) {
            Graph original = OnnxModelReader.read(Files.write(dir.resolve("fbnet.onnx"), NETWORK.export(arch, 1, 0).bytes()));
            for (int block : new int[] {8, 16}) {
                OrtGraphEmulator.Result emulated = OrtGraphEmulator.emulate(original, Map.of(), block);
                assertThat(emulated.uncovered()).as(arch.canonical()).isEmpty();
                List<FbnetOrtKernels.Kernel> reference = kernelsOf(emulated.optimized());
                List<FbnetOrtKernels.Kernel> model = FbnetOrtKernels.kernels(SPACE.macro(), block, arch);
                assertThat(FbnetKernelCheck.kinds(model)).as("%s at block %d", arch.canonical(), block).isEqualTo(FbnetKernelCheck.kinds(reference));
                assertThat(new FbnetExecutedKernels(SPACE.macro(), block).of(arch)).as("%s at block %d", arch.canonical(), block)
                        .containsExactly(FbnetExecutedKernels.of(reference), within(1e-9));
            }
        }
    }

    @Test
    void theCheckOnboardingRunsAgreesHereAndNamesADisagreement() {
        NchwcBlock.Detected block = NchwcBlock.ofThisMachine();
        assumeTrue(block.known() && block.block() > 0, "ONNX Runtime has no blocked layout on this CPU");
        List<FbnetArch> probes = FbnetExecutedKernels.probeArchs(SPACE);
        assertThat(FbnetKernelCheck.firstMismatch(SPACE.macro(), block.block(), probes, GraphOptimization.ALL)).isEmpty();
        // the other block pads and blocks other convolutions: the check must see it
        assertThat(FbnetKernelCheck.firstMismatch(SPACE.macro(), 24 - block.block(), probes.subList(1, 2), GraphOptimization.ALL))
                .hasValueSatisfying(m -> assertThat(m).contains(probes.get(1).canonical()).contains("NCHWc block " + (24 - block.block())));
    }
}
