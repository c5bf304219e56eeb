package dev.halo.app.model;

import static dev.halo.onnx.model.TestModels.FLOAT;
import static dev.halo.onnx.model.TestModels.INT64;
import static dev.halo.onnx.model.TestModels.convRelu;
import static dev.halo.onnx.model.TestModels.value;
import static dev.halo.onnx.model.TestModels.weight;
import static dev.halo.onnx.model.TestModels.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import dev.halo.BadInputException;
import dev.halo.graph.GraphReport;
import dev.halo.graph.NodeReport;
import dev.halo.graph.TensorShape;
import dev.halo.measure.GraphOptimization;
import dev.halo.onnx.model.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code halo model describe} as a use case: real files, every bad-input case, and ONNX Runtime's kernels. */
class DescribeModelTest {
    @TempDir Path dir;

    private static DescribeModel.Result describe(Path f, Map<String, TensorShape> inputs) {
        return new DescribeModel().run(new DescribeModel.Request(f, inputs, false, GraphOptimization.ALL));
    }

    private Path convModel(String name) throws IOException {
        return write(dir.resolve(name), convRelu(value("x", FLOAT, 1, 3, 8, 8), weight("w", 4, 3, 3, 3)));
    }

    @Test
    void describesAFileWithShapesAndCosts() throws IOException {
        DescribeModel.Result r = describe(convModel("m.onnx"), Map.of());
        assertThat(r.graph().nodes()).extracting(NodeReport::op).containsExactly("Conv", "Relu");
        assertThat(r.graph().nodes().getFirst().outputShapes()).containsExactly(TensorShape.of(1, 4, 8, 8));
        assertThat(r.graph().totals().macs()).isEqualTo(4L * 64 * 27);
        assertThat(r.graph().totals().params()).isEqualTo(4 * 27);
        assertThat(r.producer()).isEqualTo("halo-test");
        assertThat(r.opset()).isEqualTo(17);
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void notOnnx() throws IOException {
        Path f = Files.writeString(dir.resolve("notes.onnx"), "this is a text file, not a model\n");
        assertThatThrownBy(() -> describe(f, Map.of())).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(f + ": not an ONNX model");
        Path empty = Files.write(dir.resolve("empty.onnx"), new byte[0]);
        assertThatThrownBy(() -> describe(empty, Map.of())).isInstanceOf(BadInputException.class).hasMessageContaining("not an ONNX model");
        assertThatThrownBy(() -> describe(dir.resolve("missing.onnx"), Map.of())).isInstanceOf(BadInputException.class).hasMessageEndingWith("no such file");
    }

    @Test
    void truncatedProtobufAtEveryCutPoint() throws IOException {
        ModelProto model = convRelu(value("x", FLOAT, 1, 3, 8, 8), weight("w", 4, 3, 3, 3));
        byte[] full = model.toByteArray();
        // layout: ir_version, producer_name, graph (field 7), opset_import (field 8)
        int graphStart = ModelProto.newBuilder().setIrVersion(8).setProducerName("halo-test").build().getSerializedSize();
        int graphEnd = full.length - model.getOpsetImport(0).getSerializedSize() - 2;
        Path f = dir.resolve("cut.onnx");
        for (int cut = 1; cut < full.length; cut++) {
            Files.write(f, Arrays.copyOf(full, cut));
            String expected = cut > graphStart && cut < graphEnd
                    ? f + ": truncated ONNX file (the protobuf ends in the middle of a message)" // also at message boundaries
                    : null;
            int at = cut;
            assertThatThrownBy(() -> describe(f, Map.of())).as("cut at %d of %d", at, full.length).isInstanceOf(BadInputException.class)
                    .satisfies(e -> {
                        if (expected != null) assertThat(e.getMessage()).isEqualTo(expected);
                        else assertThat(e.getMessage()).containsAnyOf("truncated", "not an ONNX model");
                    });
        }
    }

    @Test
    void externalDataIsResolvedInsideTheModelFolderOnly() throws IOException {
        Files.write(dir.resolve("weights.bin"), new byte[4 * 108 + 16]);
        Path ok = write(dir.resolve("ext.onnx"), convRelu(value("x", FLOAT, 1, 3, 8, 8), TestModels.external("w", "weights.bin", 16, 432, 4, 3, 3, 3)));
        assertThat(describe(ok, Map.of()).graph().totals().params()).isEqualTo(108);
        // ONNX Runtime loads the same file from its path, so the external data resolves for --kernels too
        GraphReport kernels = new DescribeModel().run(new DescribeModel.Request(ok, Map.of(), true, GraphOptimization.ALL)).kernels();
        assertThat(kernels.problems()).isEmpty();
        assertThat(kernels.totals().macs()).isGreaterThanOrEqualTo(4L * 64 * 27);

        Path missing = write(dir.resolve("missing.onnx"), convRelu(value("x", FLOAT, 1, 3, 8, 8), TestModels.external("w", "gone.bin", 0, 432, 4, 3, 3, 3)));
        assertThatThrownBy(() -> describe(missing, Map.of())).isInstanceOf(BadInputException.class)
                .hasMessage(missing + ": tensor 'w': external data file 'gone.bin' not found in " + dir.toAbsolutePath().normalize());
        Path escape = write(dir.resolve("escape.onnx"), convRelu(value("x", FLOAT, 1, 3, 8, 8), TestModels.external("w", "../weights.bin", 0, 432, 4, 3, 3, 3)));
        assertThatThrownBy(() -> describe(escape, Map.of())).hasMessageContaining("'../weights.bin' points outside the model's folder");
        Path absolute = write(dir.resolve("abs.onnx"), convRelu(value("x", FLOAT, 1, 3, 8, 8),
                TestModels.external("w", dir.resolve("weights.bin").toAbsolutePath().toString(), 0, 432, 4, 3, 3, 3)));
        assertThatThrownBy(() -> describe(absolute, Map.of())).hasMessageContaining("is absolute");
        Path shortFile = write(dir.resolve("short.onnx"), convRelu(value("x", FLOAT, 1, 3, 8, 8), TestModels.external("w", "weights.bin", 100, 432, 4, 3, 3, 3)));
        assertThatThrownBy(() -> describe(shortFile, Map.of())).hasMessageContaining("has 448 bytes, the tensor needs bytes 100..532");
    }

    @Test
    void aDynamicDimensionNeedsAnInputShape() throws IOException {
        Path f = write(dir.resolve("dyn.onnx"), convRelu(value("x", FLOAT, "batch", 3, "h", "w"), weight("w", 4, 3, 3, 3)));
        assertThatThrownBy(() -> describe(f, Map.of())).isInstanceOf(BadInputException.class)
                .hasMessage(f + ": input 'x' has a dynamic dimension 'batch' (dim 0 of batchx3xhxw): give every input's shape, e.g. --input x=1x3x1x1");
        DescribeModel.Result r = describe(f, DescribeModel.parseInputs(java.util.List.of("x=2x3x16x16")));
        assertThat(r.graph().outputs().getFirst().shape()).isEqualTo(TensorShape.of(2, 4, 16, 16));
        assertThatThrownBy(() -> DescribeModel.parseInputs(java.util.List.of("x:1x3"))).hasMessageContaining("write NAME=SHAPE");
    }

    @Test
    void aModelWithSeveralInputsNeedsEveryDynamicOne() throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("a", FLOAT, "n", 8)).addInput(value("b", FLOAT, "n", 8))
                .addInput(value("c", FLOAT, 1, 8))
                .addNode(TestModels.node("Add", "ab", TestModels.names("a", "b"), TestModels.names("s")))
                .addNode(TestModels.node("Add", "sc", TestModels.names("s", "c"), TestModels.names("y")))
                .addOutput(value("y", FLOAT));
        Path f = write(dir.resolve("multi.onnx"), TestModels.model(g));
        assertThatThrownBy(() -> describe(f, Map.of("a", TensorShape.of(2, 8)))).isInstanceOf(BadInputException.class)
                .hasMessageContaining("input 'b' has a dynamic dimension 'n'").hasMessageContaining("--input b=1x8");
        DescribeModel.Result r = describe(f, Map.of("a", TensorShape.of(1, 8), "b", TensorShape.of(1, 8)));
        assertThat(r.graph().inputs()).hasSize(3);
        assertThat(r.graph().outputs().getFirst().shape()).isEqualTo(TensorShape.of(1, 8));
    }

    @Test
    void aNonFloatInputIsRejected() throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("ids", INT64, 1, 16))
                .addNode(TestModels.node("Cast", "cast", TestModels.names("ids"), TestModels.names("y"))).addOutput(value("y", FLOAT));
        Path f = write(dir.resolve("ids.onnx"), TestModels.model(g));
        assertThatThrownBy(() -> describe(f, Map.of())).isInstanceOf(BadInputException.class)
                .hasMessage(f + ": input 'ids' has element type int64; halo feeds float inputs only (float32, float16, bfloat16, double)");
    }

    @Test
    void anUnknownOperatorIsNamedAndTheRestDescribed() throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("x", FLOAT, 1, 3, 8, 8)).addInitializer(weight("w", 4, 3, 1, 1))
                .addNode(TestModels.node("Conv", "conv", TestModels.names("x", "w"), TestModels.names("c")))
                .addNode(TestModels.node("Frobnicate", "frob", TestModels.names("c"), TestModels.names("f")))
                .addNode(TestModels.node("Relu", "relu", TestModels.names("c"), TestModels.names("y")))
                .addOutput(value("y", FLOAT)).addOutput(value("f", FLOAT));
        DescribeModel.Result r = describe(write(dir.resolve("unk.onnx"), TestModels.model(g)), Map.of());
        assertThat(r.problems()).containsExactly("node 'frob' (op Frobnicate): unknown operator");
        assertThat(r.graph().totals().costed()).isEqualTo(2);
        assertThat(r.graph().totals().macs()).isEqualTo(4 * 3 * 64);
    }

    @Test
    void kernelsAreWhatOrtExecutesAndTemporaryFilesGo() throws IOException {
        Path f = write(dir.resolve("cbr.onnx"), convBnRelu());
        long before = leftovers();
        DescribeModel.Result r = new DescribeModel().run(new DescribeModel.Request(f, Map.of(), true, GraphOptimization.ALL));
        GraphReport k = r.kernels();
        assertThat(r.graph().nodes()).extracting(NodeReport::op).containsExactly("Conv", "BatchNormalization", "Relu");
        assertThat(k.nodes()).extracting(NodeReport::op).doesNotContain("BatchNormalization", "Relu");
        assertThat(k.nodes()).extracting(NodeReport::op).anyMatch(op -> op.endsWith("Conv"));
        assertThat(k.problems()).isEmpty();
        // the kernel graph runs the same convolution: at least the model's MACs (NCHWc may pad channels)
        assertThat(k.totals().macs()).isGreaterThanOrEqualTo(r.graph().totals().macs());
        DescribeModel.Result none = new DescribeModel().run(new DescribeModel.Request(f, Map.of(), true, GraphOptimization.NONE));
        assertThat(none.kernels().nodes()).extracting(NodeReport::op).containsExactly("Conv", "BatchNormalization", "Relu");
        assertThat(leftovers()).isEqualTo(before);

        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("x", FLOAT, 1, 4))
                .addNode(TestModels.node("Frobnicate", "frob", TestModels.names("x"), TestModels.names("y"))).addOutput(value("y", FLOAT));
        Path bad = write(dir.resolve("ortbad.onnx"), TestModels.model(g));
        assertThatThrownBy(() -> new DescribeModel().run(new DescribeModel.Request(bad, Map.of(), true, GraphOptimization.ALL)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("ONNX Runtime cannot load it");
        assertThat(leftovers()).isEqualTo(before);
    }

    private static long leftovers() throws IOException {
        try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("halo-optimized")).count();
        }
    }

    private static ModelProto convBnRelu() {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("x", FLOAT, 1, 16, 14, 14))
                .addInitializer(weight("w", 32, 16, 3, 3)).addInitializer(weight("s", 32)).addInitializer(weight("b", 32))
                .addInitializer(weight("m", 32)).addInitializer(weight("v", 32))
                .addNode(TestModels.node("Conv", "conv", TestModels.names("x", "w"), TestModels.names("c"), TestModels.ints("pads", 1, 1, 1, 1)))
                .addNode(TestModels.node("BatchNormalization", "bn", TestModels.names("c", "s", "b", "m", "v"), TestModels.names("n")))
                .addNode(TestModels.node("Relu", "relu", TestModels.names("n"), TestModels.names("y")))
                .addOutput(value("y", FLOAT));
        return TestModels.model(g);
    }
}
