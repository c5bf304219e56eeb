package dev.halo.graph;

import static dev.halo.graph.TestGraph.in;
import static dev.halo.graph.TestGraph.out;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GraphAnalysisTest {
    private static NodeReport node(GraphReport r, String name) {
        return r.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    private static TensorShape shape(long... d) {
        return TensorShape.of(d);
    }

    @Test
    void groupedStridedDilatedPaddedConv() {
        // 17 + 2 + 2 - (2*(3-1)+1) = 16, / stride 2 = 8, + 1 = 9
        GraphReport r = new TestGraph(17).input("x", 1, 8, 17, 17).weight("w", 16, 4, 3, 3).weight("b", 16)
                .node("Conv", "c", in("x", "w", "b"), out("y"), Attribute.ofInt("group", 2), Attribute.ofInts("strides", 2, 2),
                        Attribute.ofInts("pads", 2, 2, 2, 2), Attribute.ofInts("dilations", 2, 2))
                .output("y").analyze();
        NodeReport c = node(r, "c");
        assertThat(c.outputShapes()).containsExactly(shape(1, 16, 9, 9));
        assertThat(c.cost().macs()).isEqualTo(16L * 9 * 9 * 4 * 3 * 3);
        assertThat(c.cost().flops()).isEqualTo(2 * 16L * 9 * 9 * 4 * 9 + 16 * 81);
        assertThat(c.cost().params()).isEqualTo(16 * 4 * 9 + 16);
        assertThat(c.cost().bytesIn()).isEqualTo(8L * 17 * 17 * 4);
        assertThat(c.cost().bytesWeights()).isEqualTo((16L * 4 * 9 + 16) * 4);
        assertThat(c.cost().bytesOut()).isEqualTo(16L * 81 * 4);
        assertThat(r.outputs().getFirst().shape()).isEqualTo(shape(1, 16, 9, 9));
    }

    @Test
    void depthwiseAndAutoPadSameConv() {
        GraphReport r = new TestGraph(17).input("x", 2, 32, 15, 15).weight("w", 32, 1, 5, 5)
                .node("Conv", "dw", in("x", "w"), out("y"), Attribute.ofInt("group", 32), Attribute.ofInts("strides", 2, 2),
                        Attribute.ofString("auto_pad", "SAME_UPPER"))
                .output("y").analyze();
        assertThat(node(r, "dw").outputShapes()).containsExactly(shape(2, 32, 8, 8));
        assertThat(node(r, "dw").cost().macs()).isEqualTo(2L * 32 * 64 * 25);
    }

    @Test
    void convTransposeDoublesTheResolution() {
        GraphReport r = new TestGraph(17).input("x", 1, 16, 7, 7).weight("w", 16, 8, 4, 4)
                .node("ConvTranspose", "up", in("x", "w"), out("y"), Attribute.ofInts("strides", 2, 2), Attribute.ofInts("pads", 1, 1, 1, 1))
                .output("y").analyze();
        // 2*(7-1) + 4 - 2 = 14
        assertThat(node(r, "up").outputShapes()).containsExactly(shape(1, 8, 14, 14));
        assertThat(node(r, "up").cost().macs()).isEqualTo(16L * 49 * 8 * 16);
    }

    @Test
    void gemmAndBatchedBroadcastMatMul() {
        GraphReport r = new TestGraph(17).input("a", 2, 64).weight("w", 10, 64).weight("b", 10)
                .input("p", 2, 4, 8, 16).weight("q", 16, 32)
                .input("s", 3, 1, 5, 6).input("t", 4, 6, 7)
                .node("Gemm", "fc", in("a", "w", "b"), out("y"), Attribute.ofInt("transB", 1))
                .node("MatMul", "mm", in("p", "q"), out("pq"))
                .node("MatMul", "bmm", in("s", "t"), out("st"))
                .output("y").output("pq").output("st").analyze();
        assertThat(node(r, "fc").outputShapes()).containsExactly(shape(2, 10));
        assertThat(node(r, "fc").cost().macs()).isEqualTo(2 * 64 * 10);
        assertThat(node(r, "mm").outputShapes()).containsExactly(shape(2, 4, 8, 32));
        assertThat(node(r, "mm").cost().macs()).isEqualTo(2L * 4 * 8 * 16 * 32);
        assertThat(node(r, "bmm").outputShapes()).containsExactly(shape(3, 4, 5, 7));
        assertThat(node(r, "bmm").cost().macs()).isEqualTo(3L * 4 * 5 * 6 * 7);
        assertThat(r.totals().macs()).isEqualTo(1280 + 2L * 4 * 8 * 16 * 32 + 3L * 4 * 5 * 6 * 7);
        assertThat(r.totals().params()).isEqualTo(650 + 16 * 32);
    }

    @Test
    void fusedMatMulWithBatchTransposes() {
        // ONNX Runtime fuses ViT's Transpose(0,2,1,3) into MatMul: [197,12,64] is read as [12,197,64]
        Graph g = new TestGraph(17).input("q", 197, 12, 64).input("k", 197, 12, 64).build();
        Node fused = new Node("attn", "FusedMatMul", "com.microsoft", in("q", "k"), out("s"), Map.of(
                "transBatchA", Attribute.ofInt("transBatchA", 1), "transBatchB", Attribute.ofInt("transBatchB", 1),
                "transB", Attribute.ofInt("transB", 1)));
        GraphReport r = GraphAnalysis.analyze(new Graph("g", "t", 8, g.opsets(), g.inputs(), g.outputs(), g.valueInfos(), g.initializers(),
                java.util.List.of(fused)), Map.of());
        assertThat(node(r, "attn").outputShapes()).containsExactly(shape(12, 197, 197));
        assertThat(node(r, "attn").cost().macs()).isEqualTo(12L * 197 * 197 * 64);
    }

    @Test
    void poolingFloorAndCeilModesAndGlobalPool() {
        GraphReport r = new TestGraph(17).input("x", 1, 3, 6, 6)
                .node("MaxPool", "floor", in("x"), out("a"), Attribute.ofInts("kernel_shape", 3, 3), Attribute.ofInts("strides", 2, 2))
                .node("MaxPool", "ceil", in("x"), out("b"), Attribute.ofInts("kernel_shape", 3, 3), Attribute.ofInts("strides", 2, 2),
                        Attribute.ofInt("ceil_mode", 1))
                .node("AveragePool", "avg", in("x"), out("c"), Attribute.ofInts("kernel_shape", 3, 3), Attribute.ofInts("strides", 1, 1),
                        Attribute.ofInts("pads", 1, 1, 1, 1))
                .node("GlobalAveragePool", "gap", in("c"), out("d"))
                .output("a").output("b").output("d").analyze();
        assertThat(node(r, "floor").outputShapes().getFirst()).isEqualTo(shape(1, 3, 2, 2));
        assertThat(node(r, "ceil").outputShapes().getFirst()).isEqualTo(shape(1, 3, 3, 3));
        assertThat(node(r, "avg").outputShapes().getFirst()).isEqualTo(shape(1, 3, 6, 6));
        assertThat(node(r, "avg").cost().flops()).isEqualTo(3L * 36 * 9);
        assertThat(node(r, "gap").outputShapes()).containsExactly(shape(1, 3, 1, 1));
        assertThat(node(r, "avg").cost().macs()).isZero();
    }

    @Test
    void concatReshapeWithMinusOneAndZeroTransposeFlatten() {
        GraphReport r = new TestGraph(17).input("a", 2, 3, 4, 4).input("b", 2, 5, 4, 4).ints("shape", 0, -1, 8)
                .node("Concat", "cat", in("a", "b"), out("c"), Attribute.ofInt("axis", 1))
                .node("Reshape", "rs", in("c", "shape"), out("r"))
                .node("Transpose", "tr", in("r"), out("t"), Attribute.ofInts("perm", 2, 0, 1))
                .node("Flatten", "fl", in("c"), out("f"), Attribute.ofInt("axis", 2))
                .output("t").output("f").analyze();
        assertThat(node(r, "cat").outputShapes()).containsExactly(shape(2, 8, 4, 4));
        assertThat(node(r, "rs").outputShapes()).containsExactly(shape(2, 16, 8));
        assertThat(node(r, "tr").outputShapes()).containsExactly(shape(8, 2, 16));
        assertThat(node(r, "fl").outputShapes()).containsExactly(shape(16, 16));
        assertThat(node(r, "tr").cost().flops()).isZero();
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void sliceSplitSqueezeUnsqueezeWithOpset13Inputs() {
        GraphReport r = new TestGraph(13).input("x", 1, 10, 20).ints("starts", 1, -1).ints("ends", 9, -21).ints("axes", 1, 2)
                .ints("steps", 2, -3).ints("split", 4, 6).ints("ax0", 0).ints("ax2", 2)
                .node("Slice", "sl", in("x", "starts", "ends", "axes", "steps"), out("s"))
                .node("Split", "sp", in("x", "split"), out("p", "q"), Attribute.ofInt("axis", 1))
                .node("Squeeze", "sq", in("x", "ax0"), out("z"))
                .node("Unsqueeze", "us", in("z", "ax2"), out("u"))
                .output("s").output("p").output("q").output("u").analyze();
        // axis 1: 1..9 step 2 -> 1,3,5,7 = 4; axis 2: 19 down to -1 (exclusive) step -3 -> 19,16,...,1 = 7
        assertThat(node(r, "sl").outputShapes()).containsExactly(shape(1, 4, 7));
        assertThat(node(r, "sp").outputShapes()).containsExactly(shape(1, 4, 20), shape(1, 6, 20));
        assertThat(node(r, "sq").outputShapes()).containsExactly(shape(10, 20));
        assertThat(node(r, "us").outputShapes()).containsExactly(shape(10, 20, 1));
    }

    @Test
    void opset11SliceAndSqueezeTakeAttributes() {
        GraphReport r = new TestGraph(9).input("x", 1, 10, 20)
                .node("Slice", "sl", in("x"), out("s"), Attribute.ofInts("starts", 2), Attribute.ofInts("ends", 100), Attribute.ofInts("axes", 2))
                .node("Unsqueeze", "us", in("s"), out("u"), Attribute.ofInts("axes", 0))
                .output("u").analyze();
        assertThat(node(r, "sl").outputShapes()).containsExactly(shape(1, 10, 18));
        assertThat(node(r, "us").outputShapes()).containsExactly(shape(1, 1, 10, 18));
    }

    @Test
    void resizeByScalesAndBySizes() {
        GraphReport r = new TestGraph(13).input("x", 1, 8, 7, 7).floats("scales", 1, 1, 2, 2).ints("sizes", 1, 8, 3, 5)
                .node("Resize", "up", in("x", "", "scales"), out("a"))
                .node("Resize", "to", in("x", "", "", "sizes"), out("b"))
                .output("a").output("b").analyze();
        assertThat(node(r, "up").outputShapes()).containsExactly(shape(1, 8, 14, 14));
        assertThat(node(r, "to").outputShapes()).containsExactly(shape(1, 8, 3, 5));
    }

    @Test
    void layerNormSoftmaxAndBatchNormBuffers() {
        GraphReport r = new TestGraph(17).input("x", 1, 197, 768).weight("g", 768).weight("b", 768)
                .input("y", 1, 16, 4, 4).weight("s", 16).weight("o", 16).weight("m", 16).weight("v", 16)
                .node("LayerNormalization", "ln", in("x", "g", "b"), out("l"), Attribute.ofInt("axis", -1))
                .node("Softmax", "sm", in("l"), out("p"), Attribute.ofInt("axis", -1))
                .node("BatchNormalization", "bn", in("y", "s", "o", "m", "v"), out("z"))
                .output("p").output("z").analyze();
        assertThat(node(r, "ln").outputShapes().getFirst()).isEqualTo(shape(1, 197, 768));
        assertThat(node(r, "ln").cost().params()).isEqualTo(1536);
        assertThat(node(r, "sm").outputShapes()).containsExactly(shape(1, 197, 768));
        assertThat(node(r, "sm").cost().flops()).isEqualTo(3L * 197 * 768);
        assertThat(node(r, "bn").cost().params()).isEqualTo(32);
        assertThat(node(r, "bn").cost().buffers()).isEqualTo(32);
        assertThat(r.totals().params()).isEqualTo(1536 + 32);
        assertThat(r.totals().buffers()).isEqualTo(32);
    }

    @Test
    void shapeArithmeticOfATorchStyleFlattenIsEvaluated() {
        // Shape -> Gather(0) -> Unsqueeze -> Concat(-1) -> Reshape: what torch.flatten(x, 1) exports to in old opsets
        GraphReport r = new TestGraph(13).input("x", 3, 4, 5, 5).ints("zero", 0).ints("minus1", -1).ints("ax", 0)
                .node("Shape", "shape", in("x"), out("s"))
                .node("Gather", "g", in("s", "zero"), out("n"))
                .node("Concat", "cat", in("n", "minus1"), out("target"), Attribute.ofInt("axis", 0))
                .node("Reshape", "rs", in("x", "target"), out("y"))
                .output("y").analyze();
        assertThat(node(r, "rs").outputShapes()).containsExactly(shape(3, 100));
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void aTorchStyleExpandOfAClassTokenIsEvaluated() {
        // class_token.expand(n, -1, -1): Shape -> Gather -> Concat(n, -1, -1) -> Equal(-1) -> Where(ones) -> Expand
        GraphReport r = new TestGraph(17).input("x", 2, 196, 768).weight("tok", 1, 1, 768).ints("i0", 0).ints("m1", -1, -1)
                .ints("neg", -1, -1, -1).ints("ones", 1, 1, 1)
                .node("Shape", "shape", in("x"), out("s"))
                .node("Gather", "n", in("s", "i0"), out("n0"))
                .node("Concat", "cat", in("n0", "m1"), out("target"), Attribute.ofInt("axis", 0))
                .node("Equal", "eq", in("target", "neg"), out("isneg"))
                .node("Where", "where", in("isneg", "ones", "target"), out("shape"))
                .node("Expand", "expand", in("tok", "shape"), out("e"))
                .node("Concat", "join", in("e", "x"), out("y"), Attribute.ofInt("axis", 1))
                .output("y").analyze();
        assertThat(r.problems()).isEmpty();
        assertThat(node(r, "expand").outputShapes()).containsExactly(shape(2, 1, 768));
        assertThat(node(r, "join").outputShapes()).containsExactly(shape(2, 197, 768));
    }

    @Test
    void anUnknownOperatorIsReportedAndTheRestIsStillDescribed() {
        GraphReport r = new TestGraph(17).input("x", 1, 3, 8, 8).weight("w", 4, 3, 1, 1).weight("w2", 4, 3, 1, 1)
                .node("Conv", "c1", in("x", "w"), out("a"))
                .node("FancyOp", "fancy", in("a"), out("f"))
                .node("Relu", "after", in("f"), out("g"))
                .node("Conv", "c2", in("x", "w2"), out("b"))
                .output("g").output("b").analyze();
        assertThat(node(r, "fancy").costed()).isFalse();
        assertThat(node(r, "fancy").problem()).isEqualTo("node 'fancy' (op FancyOp): unknown operator");
        assertThat(node(r, "after").problem()).contains("node 'after' (op Relu)").contains("input 'f' has no known shape").contains("from node 'fancy'");
        assertThat(node(r, "c2").cost().macs()).isEqualTo(4 * 3 * 64);
        assertThat(r.totals().costed()).isEqualTo(2);
        assertThat(r.totals().macs()).isEqualTo(2 * 4 * 3 * 64);
        assertThat(r.problems()).hasSize(2);
    }

    @Test
    void declaredValueInfoCarriesShapesPastAnUnknownOperator() {
        GraphReport r = new TestGraph(17).input("x", 1, 3, 8, 8).declared("f", 1, 3, 8, 8)
                .node("FancyOp", "fancy", in("x"), out("f"))
                .node("Relu", "after", in("f"), out("g"))
                .output("g").analyze();
        assertThat(node(r, "fancy").problem()).contains("unknown operator").contains("value_info");
        assertThat(node(r, "after").costed()).isTrue();
        assertThat(node(r, "after").outputShapes()).containsExactly(shape(1, 3, 8, 8));
    }

    @Test
    void aShapeMismatchIsANodeProblemNotACrash() {
        GraphReport r = new TestGraph(17).input("a", 2, 3).input("b", 4, 3)
                .node("Add", "add", in("a", "b"), out("c")).output("c").analyze();
        assertThat(node(r, "add").problem()).contains("cannot broadcast 2x3 with 4x3");
    }

    @Test
    void inputsMustBeGivenWhenDynamicAndMustMatchTheModel() {
        ValueInfo dyn = new ValueInfo("img", DType.FLOAT, new TensorShape(new long[] {-1, 3, 224, 224}, new String[] {"batch", null, null, null}));
        Graph g = new TestGraph(17).input(dyn).input("mask", 1, 10)
                .node("Relu", "r", in("img"), out("y")).output("y").build();
        assertThatThrownBy(() -> GraphAnalysis.analyze(g, Map.of())).isInstanceOf(BadInputException.class)
                .hasMessage("input 'img' has a dynamic dimension 'batch' (dim 0 of batchx3x224x224): give every input's shape, e.g. --input img=1x3x224x224 --input mask=1x10");
        assertThat(GraphAnalysis.analyze(g, Map.of("img", shape(2, 3, 224, 224))).outputs().getFirst().shape()).isEqualTo(shape(2, 3, 224, 224));
        assertThatThrownBy(() -> GraphAnalysis.analyze(g, Map.of("img", shape(1, 4, 224, 224))))
                .hasMessageContaining("the model fixes dimension 1 to 3");
        assertThatThrownBy(() -> GraphAnalysis.analyze(g, Map.of("img", shape(1, 3, 224))))
                .hasMessageContaining("declares rank 4");
        assertThatThrownBy(() -> GraphAnalysis.analyze(g, Map.of("img", shape(1, 3, 224, 224), "imag", shape(1))))
                .hasMessage("--input imag: the model has no input 'imag' (inputs: img, mask)");
    }

    @Test
    void aNonFloatInputIsRejected() {
        Graph g = new TestGraph(17).input(new ValueInfo("ids", DType.INT64, shape(1, 128)))
                .node("Identity", "i", in("ids"), out("y")).output("y").build();
        assertThatThrownBy(() -> GraphAnalysis.analyze(g, Map.of())).isInstanceOf(BadInputException.class)
                .hasMessageContaining("input 'ids' has element type int64");
    }

    @Test
    void shapeTextParsesAndPrints() {
        assertThat(TensorShape.parse("1x3x224x224")).isEqualTo(shape(1, 3, 224, 224));
        assertThat(TensorShape.parse("1x3x224x224").toString()).isEqualTo("1x3x224x224");
        assertThatThrownBy(() -> TensorShape.parse("1xAx2")).isInstanceOf(BadInputException.class).hasMessageContaining("'A' is not a number");
    }
}
