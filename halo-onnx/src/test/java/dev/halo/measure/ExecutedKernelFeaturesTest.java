package dev.halo.measure;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.halo.onnx.Nb201Network;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Space;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutedKernelFeaturesTest {
    private static final Nb201Space SPACE = new Nb201Space();
    private static ExecutedKernelFeatures features;

    @BeforeAll
    static void probe() {
        features = ExecutedKernelFeatures.nasbench201(GraphOptimization.ALL);
    }

    /** Degenerate cells (zero nodes, dead nodes) and random ones. */
    private static List<Nb201Arch> sampled() {
        List<Nb201Arch> archs = new ArrayList<>(Stream.of(
                "none,conv3x3,conv1x1,conv3x3,avgpool,skip",   // node 1 zero: the convs reading it still run
                "skip,none,none,conv3x3,conv3x3,conv1x1",      // node 2 zero
                "conv3x3,conv1x1,none,skip,none,none",         // nodes 1 and 2 dead
                "conv1x1,conv3x3,avgpool,none,none,conv3x3")   // node 2 dead
                .map(SPACE::parse).toList());
        SplittableRandom random = new SplittableRandom(7);
        while (archs.size() < 10) {
            Nb201Arch a = SPACE.fromIndex(random.nextInt(Nb201Space.SIZE));
            if (Nb201Space.outputConnected(a)) archs.add(a);
        }
        return archs;
    }

    @Test
    void featuresAreTheCountsOverTheOptimisedGraphOfTheMeasuredNetwork(@TempDir Path dir) throws Exception {
        // Counted independently here: ORT's optimised model of the CIFAR network halo measures, node by node per
        // operator type. The executed-kernel counts, summed per operator type, must match for degenerate and random
        // cells alike, and the features must be those counts.
        Path optimized = dir.resolve("optimized.onnx");
        for (Nb201Arch arch : sampled()) {
            var net = Nb201Network.cifar10().export(arch, 1, 0);
            try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
                o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                o.setOptimizedModelFilePath(optimized.toString());
                OrtEnvironment.getEnvironment().createSession(net.bytes(), o).close();
            }
            Map<String, Integer> byOperator = new TreeMap<>();
            for (NodeProto node : ModelProto.parseFrom(Files.readAllBytes(optimized)).getGraph().getNodeList())
                byOperator.merge(node.getOpType(), 1, Integer::sum);
            Map<String, Integer> kernels = ExecutedKernels.count(net, GraphOptimization.ALL);
            Map<String, Integer> kernelsByOperator = new TreeMap<>();
            kernels.forEach((kind, n) -> kernelsByOperator.merge(kind.replaceFirst("^.*\\.", "").replaceFirst("_.*$", ""), n, Integer::sum));
            assertThat(kernelsByOperator).as(arch.canonical()).isEqualTo(byOperator);
            double[] expected = features.names().stream().mapToDouble(n -> kernels.getOrDefault(n, 0)).toArray();
            assertThat(features.of(arch)).as("%s (kinds %s)", arch.canonical(), features.names()).containsExactly(expected);
        }
    }

    @Test
    void convolutionsReadingAZeroNodeAreCountedAsExecuted() {
        // The cell whose node 1 is zero runs the 3x3 conv on edge 1->2 like the same cell whose node 1 is live: the
        // executed-kernel features count it.
        int conv3 = features.names().indexOf("nchwc.Conv_k3");
        assertThat(conv3).as("kinds %s", features.names()).isNotNegative();
        double[] zeroNode = features.of(SPACE.parse("none,conv3x3,conv3x3,conv1x1,avgpool,skip"));
        double[] liveNode = features.of(SPACE.parse("skip,conv3x3,conv3x3,conv1x1,avgpool,skip"));
        // the stem, 2 per reduction block and 2 per cell
        assertThat(zeroNode[conv3]).isEqualTo(liveNode[conv3]).isEqualTo(1 + 2 * 2 + 15 * 2);
        assertThat(features.names()).contains("Mul"); // the zero tensor itself (x · 0, as PyTorch builds it)
        assertThat(zeroNode[features.names().indexOf("Mul")]).isEqualTo(15);
        assertThat(liveNode[features.names().indexOf("Mul")]).isZero();
    }

    @Test
    void keptKindsAreAffinelyIndependentOverTheProbes() {
        // counts of one kind that equal a + b * another kind's would make a 20-point fit singular
        List<Map<String, Integer>> counts = List.of(Map.of("a", 1, "b", 3), Map.of("a", 2, "b", 5), Map.of("a", 4, "b", 9, "c", 1));
        assertThat(ExecutedKernelFeatures.independentKinds(counts)).containsExactly("a", "c");
    }

    @Test
    void leavesNoTemporaryFiles() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long before;
        try (Stream<Path> s = Files.list(tmp)) { before = s.filter(p -> p.getFileName().toString().startsWith("halo-optimized")).count(); }
        ExecutedKernels.count(Nb201Network.cifar10().export(SPACE.fromIndex(123), 1, 0), GraphOptimization.ALL);
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith("halo-optimized")).count()).isLessThanOrEqualTo(before);
        }
    }
}
