package dev.halo.kernel.ort;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.graph.Attribute;
import dev.halo.graph.ConstTensor;
import dev.halo.graph.DType;
import dev.halo.graph.Graph;
import dev.halo.graph.Node;
import dev.halo.graph.TensorShape;
import dev.halo.graph.ValueInfo;
import dev.halo.kernel.KernelShape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The emulated ONNX Runtime rewrites on hand-built graphs, rule by rule (halo-onnx checks whole models against ORT). */
class OrtGraphEmulatorTest {
    /** A small model under construction: one float input, constants by name, nodes in order. */
    private static final class Model {
        final Map<String, ConstTensor> constants = new LinkedHashMap<>();
        final List<Node> nodes = new ArrayList<>();
        final TensorShape input;
        long opset = 17;

        Model(long... inputDims) {
            input = TensorShape.of(inputDims);
        }

        String constant(String name, long... dims) {
            constants.put(name, new ConstTensor(name, DType.FLOAT, dims, null, null));
            return name;
        }

        String node(String op, List<String> inputs, Map<String, Attribute> attributes) {
            String out = op.toLowerCase() + nodes.size();
            nodes.add(new Node(out, op, "", inputs, List.of(out), attributes));
            return out;
        }

        String conv(String x, long in, long out, long kernel, long group) {
            String w = constant("w" + nodes.size(), out, in / group, kernel, kernel);
            return node("Conv", List.of(x, w), Map.of("kernel_shape", Attribute.ofInts("kernel_shape", kernel, kernel),
                    "pads", Attribute.ofInts("pads", kernel / 2, kernel / 2, kernel / 2, kernel / 2), "group", Attribute.ofInt("group", group)));
        }

        String batchNorm(String x, long channels) {
            int i = nodes.size();
            return node("BatchNormalization", List.of(x, constant("s" + i, channels), constant("b" + i, channels), constant("m" + i, channels),
                    constant("v" + i, channels)), Map.of("epsilon", Attribute.ofFloat("epsilon", 1e-5)));
        }

        String unary(String op, String x) {
            return node(op, List.of(x), Map.of());
        }

        String binary(String op, String a, String b) {
            return node(op, List.of(a, b), Map.of());
        }

        Graph graph(String output) {
            return new Graph("test", "test", 8, Map.of("", opset), List.of(new ValueInfo("x", DType.FLOAT, input)),
                    List.of(new ValueInfo(output, DType.FLOAT, null)), List.of(), constants, nodes);
        }
    }

    private static List<String> ops(OrtGraphEmulator.Result r) {
        return r.kernels().stream().map(k -> k.op() + (k.activation().isEmpty() ? "" : "+" + k.activation())).toList();
    }

    @Test
    void convBatchNormReluBecomesOneBlockedConvolutionWithPaddedOutputChannels() {
        Model m = new Model(1, 16, 8, 8);
        String y = m.unary("Relu", m.batchNorm(m.conv("x", 16, 20, 3, 1), 20));
        OrtGraphEmulator.Result r = OrtGraphEmulator.emulate(m.graph(y), Map.of(), 8);

        assertThat(r.uncovered()).isEmpty();
        // the plain input is reordered into blocks, the 20 output channels padded to 24 and reordered back for the graph output
        assertThat(ops(r)).containsExactly("com.microsoft.nchwc::ReorderInput", "com.microsoft.nchwc::Conv+Relu", "com.microsoft.nchwc::ReorderOutput");
        KernelShape conv = r.kernels().get(1);
        assertThat(conv.weights()).containsExactly(TensorShape.of(24, 16, 3, 3), TensorShape.of(24));
        assertThat(r.kernels().get(2).outputs()).containsExactly(TensorShape.of(1, 20, 8, 8));
    }

    @Test
    void withoutABlockedLayoutTheActivationIsFusedIntoFusedConv() {
        Model m = new Model(1, 16, 8, 8);
        String y = m.node("Clip", List.of(m.batchNorm(m.conv("x", 16, 16, 3, 1), 16), m.constant("lo"), m.constant("hi")), Map.of());
        m.constants.put("lo", new ConstTensor("lo", DType.FLOAT, new long[0], new double[] {0}, null));
        m.constants.put("hi", new ConstTensor("hi", DType.FLOAT, new long[0], new double[] {6}, null));
        OrtGraphEmulator.Result r = OrtGraphEmulator.emulate(m.graph(y), Map.of(), 0);

        assertThat(ops(r)).containsExactly("com.microsoft::FusedConv+Clip");
        assertThat(r.optimized().nodes().getFirst().attributes().get("activation_params").floats()).containsExactly(0.0, 6.0);
    }

    @Test
    void aResidualAddIsSummedIntoTheConvolutionThenTheReluFusedAfterIt() {
        Model m = new Model(1, 16, 8, 8);
        String a = m.unary("Relu", m.batchNorm(m.conv("x", 16, 16, 3, 1), 16));
        String b = m.batchNorm(m.conv(a, 16, 16, 3, 1), 16);
        String y = m.unary("Relu", m.binary("Add", b, a));
        OrtGraphEmulator.Result r = OrtGraphEmulator.emulate(m.graph(y), Map.of(), 8);

        assertThat(ops(r)).containsExactly("com.microsoft.nchwc::ReorderInput", "com.microsoft.nchwc::Conv+Relu", "com.microsoft.nchwc::Conv+Relu",
                "com.microsoft.nchwc::ReorderOutput");
        // the second convolution reads the block's input as its sum operand
        assertThat(r.kernels().get(2).inputs()).hasSize(2);
    }

    @Test
    void aSumOperandFromALaterBranchIsOrderedBeforeTheConvolutionThatReadsIt() {
        Model m = new Model(1, 16, 8, 8);
        String main = m.batchNorm(m.conv("x", 16, 32, 3, 1), 32);
        String shortcut = m.batchNorm(m.conv("x", 16, 32, 1, 1), 32);
        String y = m.unary("Relu", m.binary("Add", main, shortcut));
        OrtGraphEmulator.Result r = OrtGraphEmulator.emulate(m.graph(y), Map.of(), 8);

        assertThat(r.uncovered()).isEmpty();
        // the main branch's convolution absorbs the Add; the shortcut it reads runs first
        List<KernelShape> convs = r.kernels().stream().filter(k -> k.op().endsWith("Conv")).toList();
        assertThat(convs.get(0).window()).containsExactly(1, 1);
        assertThat(convs.get(1).inputs()).doesNotContainNull().hasSize(2);
        assertThat(convs.get(1).activation()).isEqualTo("Relu");
    }

    @Test
    void hardSwishIsInlinedAndSwishBecomesQuickGelu() {
        Model m = new Model(1, 3, 8, 8);
        String h = m.unary("HardSwish", "x");
        String y = m.binary("Mul", h, m.unary("Sigmoid", h));
        OrtGraphEmulator.Result r = OrtGraphEmulator.emulate(m.graph(y), Map.of(), 8);

        assertThat(ops(r)).containsExactly("HardSigmoid", "Mul", "com.microsoft::QuickGelu");
    }

    @Test
    void aDepthwiseConvolutionNeedsItsChannelsAlignedToFour() {
        Model aligned = new Model(1, 16, 8, 8);
        String y = aligned.conv(aligned.conv("x", 16, 20, 1, 1), 20, 20, 3, 20);
        assertThat(ops(OrtGraphEmulator.emulate(aligned.graph(y), Map.of(), 8))).contains("com.microsoft.nchwc::Conv")
                .doesNotContain("Conv");

        Model odd = new Model(1, 16, 8, 8);
        String z = odd.conv(odd.conv("x", 16, 18, 1, 1), 18, 18, 3, 18);
        assertThat(ops(OrtGraphEmulator.emulate(odd.graph(z), Map.of(), 8))).containsExactly("com.microsoft.nchwc::ReorderInput",
                "com.microsoft.nchwc::Conv", "com.microsoft.nchwc::ReorderOutput", "Conv");
    }

    @Test
    void anOperatorItDoesNotKnowIsNamedWithItsNode() {
        Model m = new Model(1, 16, 8, 8);
        String y = m.unary("Erf", m.conv("x", 16, 16, 3, 1));
        OrtGraphEmulator.Result r = OrtGraphEmulator.emulate(m.graph(y), Map.of(), 8);

        assertThat(r.covered()).isFalse();
        assertThat(r.kernels()).isNull();
        assertThat(r.uncovered()).singleElement().asString().contains("node 'erf1' (Erf)");
    }

    @Test
    void aBatchNormOnABlockedTensorBeforeOpset15IsLeftToOnnxRuntime() {
        Model m = new Model(1, 16, 8, 8);
        m.opset = 13;
        String y = m.batchNorm(m.unary("Relu", m.conv("x", 16, 16, 3, 1)), 16);
        OrtGraphEmulator.Result r = OrtGraphEmulator.emulate(m.graph(y), Map.of(), 8);

        assertThat(r.covered()).isFalse();
        assertThat(r.uncovered().getFirst()).contains("BatchNormalization").contains("opset 13");
    }

    @Test
    void theBlockFollowsTheCpuFlags() {
        assertThat(NchwcBlock.ofFlags(List.of("sse4_2", "avx2", "avx512f"))).isEqualTo(16);
        assertThat(NchwcBlock.ofFlags(List.of("sse4_2", "avx2", "fma"))).isEqualTo(8);
        assertThat(NchwcBlock.ofFlags(List.of("sse4_2"))).isZero();
    }

    @Test
    void aPlainLayoutConvolutionAbsorbsTheResidualAddAfterTheBlockedLayout() {
        // 24 channels in two groups of 12: no blocked kernel at block 8, so the projection stays plain and takes the Add
        Model m = new Model(1, 24, 8, 8);
        String y = m.batchNorm(m.conv("x", 24, 24, 1, 2), 24);
        String sum = m.binary("Add", y, "x");
        OrtGraphEmulator.Result r = OrtGraphEmulator.emulate(m.graph(m.unary("GlobalAveragePool", sum)), Map.of(), 8);
        assertThat(ops(r)).containsExactly("com.microsoft::FusedConv", "GlobalAveragePool");
        assertThat(r.kernels().getFirst().inputs()).hasSize(2); // the convolution's input and the Add's other operand
    }

    @Test
    void aPlainConvolutionAddActivationIsReportedNotGuessed() {
        Model m = new Model(1, 24, 8, 8);
        String sum = m.binary("Add", m.batchNorm(m.conv("x", 24, 24, 1, 2), 24), "x");
        OrtGraphEmulator.Result r = OrtGraphEmulator.emulate(m.graph(m.unary("Relu", sum)), Map.of(), 8);
        assertThat(r.covered()).isFalse();
        assertThat(r.uncovered()).anySatisfy(u -> assertThat(u).contains("Conv+Add+activation"));
    }
}
