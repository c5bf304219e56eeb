package dev.halo.measure;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.halo.onnx.Nb201Network;
import dev.halo.predict.additive.Nb201ExecutedKernels;
import dev.halo.predict.additive.Nb201OrtKernels;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Macro;
import dev.halo.space.Nb201Space;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel model of halo-core ({@link Nb201OrtKernels}: ORT's optimised graph worked out from the cell string)
 * against ONNX Runtime itself, on this machine. Built for ORT 1.23 on x86-64; on a CPU without the NCHWc layout this
 * test fails, which is what onboarding's own check ({@link Nb201KernelCheck}) would report there too.
 */
class Nb201OrtKernelsTest {
    private static final Nb201Space SPACE = new Nb201Space();
    private static final Nb201Macro CIFAR10 = Nb201Macro.cifar10();

    /** Every kind of cell the rewrites treat differently, then seeded random ones. */
    private static List<Nb201Arch> sampled() {
        List<Nb201Arch> archs = new ArrayList<>(Stream.of(
                "skip,skip,skip,skip,skip,skip",                 // uniform cells; skip-only sums share their Adds
                "conv1x1,conv1x1,conv1x1,conv1x1,conv1x1,conv1x1",
                "conv3x3,conv3x3,conv3x3,conv3x3,conv3x3,conv3x3",
                "avgpool,avgpool,avgpool,avgpool,avgpool,avgpool", // one pool per tensor: the three pools of x are one
                "none,conv3x3,conv1x1,conv3x3,avgpool,skip",     // node 1 zero: the convs reading it still run
                "skip,none,none,conv3x3,conv3x3,conv1x1",        // node 2 zero
                "none,none,none,conv3x3,conv3x3,conv1x1",        // nodes 1 and 2 zero: one product of x
                "conv3x3,conv1x1,none,skip,none,none",           // nodes 1 and 2 dead, output = input: ReLUs merge across cells
                "conv1x1,conv3x3,avgpool,none,none,conv3x3",     // node 1 dead after feeding node 2; the cell ends in a conv
                "avgpool,conv3x3,skip,none,none,conv1x1",        // the cell ends in a single conv: the head's batch norm folds
                "none,skip,none,conv1x1,none,avgpool",           // zero node 1 and a dead one
                "none,none,none,none,conv3x3,avgpool",           // disconnected: the first zero product folds into the stem
                "none,none,none,none,none,none")                 // all zero
                .map(SPACE::parse).toList());
        SplittableRandom random = new SplittableRandom(13);
        while (archs.size() < 45) archs.add(SPACE.fromIndex(random.nextInt(Nb201Space.SIZE)));
        return archs;
    }

    @Test
    void theModelCountsTheKernelsOnnxRuntimeRunsKindByKind() {
        for (Nb201Arch arch : sampled())
            assertThat(Nb201OrtKernels.count(CIFAR10, arch)).as("%s (%s)", arch.canonical(), Nb201Space.cellKind(arch))
                    .isEqualTo(ExecutedKernels.count(Nb201Network.cifar10().export(arch, 1, 0), GraphOptimization.ALL));
    }

    @Test
    void executedKernelCountsAreTheNodesOfTheOptimisedModelFileOperatorByOperator(@TempDir Path dir) throws Exception {
        // Counted independently of halo's ONNX reader: the protobuf of ORT's optimised model, node by node per operator.
        Path optimized = dir.resolve("optimized.onnx");
        for (Nb201Arch arch : sampled().subList(0, 13)) {
            var net = Nb201Network.cifar10().export(arch, 1, 0);
            try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
                o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                o.setOptimizedModelFilePath(optimized.toString());
                OrtEnvironment.getEnvironment().createSession(net.bytes(), o).close();
            }
            Map<String, Integer> byOperator = new TreeMap<>();
            for (NodeProto node : ModelProto.parseFrom(Files.readAllBytes(optimized)).getGraph().getNodeList())
                byOperator.merge(node.getOpType(), 1, Integer::sum);
            Map<String, Integer> kernelsByOperator = new TreeMap<>();
            ExecutedKernels.count(net, GraphOptimization.ALL)
                    .forEach((kind, n) -> kernelsByOperator.merge(kind.replaceFirst("^.*\\.", "").replaceFirst("_.*$", ""), n, Integer::sum));
            assertThat(kernelsByOperator).as(arch.canonical()).isEqualTo(byOperator);
        }
    }

    @Test
    void theCheckOnboardingRunsAgreesHereAndNamesADisagreement() {
        assertThat(Nb201KernelCheck.firstMismatch(CIFAR10, sampled().subList(0, 6), GraphOptimization.ALL)).isEmpty();
        // without graph optimisation nothing is fused or blocked: the model (level ALL) must be reported as not applying
        assertThat(Nb201KernelCheck.firstMismatch(CIFAR10, sampled().subList(0, 1), GraphOptimization.NONE))
                .hasValueSatisfying(m -> assertThat(m).contains(sampled().getFirst().canonical()).contains("nchwc.Conv_k3"));
    }

    @Test
    void featuresCountZeroFedConvolutionsAsExecuted() {
        Nb201ExecutedKernels features = Nb201ExecutedKernels.of(CIFAR10);
        int conv3 = features.names().indexOf("nchwc.Conv_k3");
        int mul = features.names().indexOf("Mul");
        assertThat(conv3).as("kinds %s", features.names()).isNotNegative();
        assertThat(mul).as("kinds %s", features.names()).isNotNegative();
        double[] zeroNode = features.of(SPACE.parse("none,conv3x3,conv3x3,conv1x1,avgpool,skip"));
        double[] liveNode = features.of(SPACE.parse("skip,conv3x3,conv3x3,conv1x1,avgpool,skip"));
        // the stem, 2 per reduction block and 2 per cell, whether or not node 1 is the zero tensor
        assertThat(zeroNode[conv3]).isEqualTo(liveNode[conv3]).isEqualTo(1 + 2 * 2 + 15 * 2);
        assertThat(zeroNode[mul]).isEqualTo(15); // the zero tensor itself (x · 0, as PyTorch builds it)
        assertThat(liveNode[mul]).isZero();
    }
}
