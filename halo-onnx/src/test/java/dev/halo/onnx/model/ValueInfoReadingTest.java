package dev.halo.onnx.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.CodedOutputStream;
import dev.halo.graph.DType;
import dev.halo.graph.Graph;
import dev.halo.graph.TensorShape;
import dev.halo.graph.ValueInfo;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader decodes inputs, outputs and opsets field by field; what it makes of raw bytes must be what protobuf's
 * generated parser makes of them, merged repeats and switched oneofs included.
 */
class ValueInfoReadingTest {
    @TempDir Path dir;

    @Test
    void valueInfosAndOpsetsReadAsTheGeneratedParserReadsThem() throws Exception {
        List<byte[]> values = new ArrayList<>();
        values.add(TestModels.value("x", TestModels.FLOAT, 1, "batch", 3, -5).toByteArray());
        values.add(TestModels.value("unshaped", TestModels.INT64).toByteArray());
        values.add(ValueInfoProto.newBuilder().setName("seq").setType(TypeProto.newBuilder()
                .setSequenceType(TypeProto.Sequence.newBuilder().setElemType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(1)))))
                .build().toByteArray());
        values.add(ValueInfoProto.newBuilder().setName("untyped").build().toByteArray());
        // a message repeated is merged: dims appended, the later elem type kept
        values.add(concat(TestModels.value("merged", TestModels.FLOAT, 2).toByteArray(), TestModels.value("", TestModels.FLOAT16, "n", 7).toByteArray()));
        // oneofs: a tensor type then a sequence type is a sequence; a dim value then a dim param is the param
        values.add(concat(TestModels.value("switched", TestModels.FLOAT, 4).toByteArray(), values.get(2)));
        values.add(ValueInfoProto.newBuilder().setName("dim").setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(1)
                .setShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(5).setDimParam("p"))))).build().toByteArray());

        Graph g = OnnxModelReader.read(write(values, List.of(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17).build(),
                OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1).build())));

        List<ValueInfo> expected = new ArrayList<>();
        for (byte[] v : values) expected.add(generated(ValueInfoProto.parseFrom(v)));
        assertThat(g.inputs()).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            ValueInfo got = g.inputs().get(i), want = expected.get(i);
            assertThat(got.name()).isEqualTo(want.name());
            assertThat(got.type()).isEqualTo(want.type());
            assertThat(got.shape() == null).as(want.name()).isEqualTo(want.shape() == null);
            if (want.shape() != null) assertThat(got.shape().toString()).as(want.name()).isEqualTo(want.shape().toString());
        }
        assertThat(expected.get(4).shape().rank()).isEqualTo(3);
        assertThat(expected.get(5).type()).isEqualTo(DType.UNDEFINED);
        assertThat(g.opsets()).isEqualTo(Map.of("", 17L, "com.microsoft", 1L));
    }

    /** What the reader made of a ValueInfoProto through protobuf's generated classes, before it read the fields itself. */
    private static ValueInfo generated(ValueInfoProto v) {
        if (!v.getType().hasTensorType()) return new ValueInfo(v.getName(), DType.UNDEFINED, null);
        TypeProto.Tensor t = v.getType().getTensorType();
        if (!t.hasShape()) return new ValueInfo(v.getName(), DType.of(t.getElemType()), null);
        int rank = t.getShape().getDimCount();
        long[] dims = new long[rank];
        String[] symbols = new String[rank];
        for (int i = 0; i < rank; i++) {
            TensorShapeProto.Dimension d = t.getShape().getDim(i);
            dims[i] = d.hasDimValue() && d.getDimValue() >= 0 ? d.getDimValue() : -1;
            if (d.hasDimParam()) symbols[i] = d.getDimParam();
        }
        return new ValueInfo(v.getName(), DType.of(t.getElemType()), new TensorShape(dims, symbols));
    }

    /** A model whose graph's inputs are the given raw bytes, exactly as given. */
    private Path write(List<byte[]> inputs, List<OperatorSetIdProto> opsets) throws Exception {
        ByteArrayOutputStream graph = new ByteArrayOutputStream();
        graph.write(GraphProto.newBuilder().setName("g").addNode(TestModels.node("Relu", "r", TestModels.names("x"), TestModels.names("y")))
                .build().toByteArray());
        CodedOutputStream g = CodedOutputStream.newInstance(graph);
        for (byte[] v : inputs) g.writeByteArray(11, v);
        g.flush();
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        CodedOutputStream m = CodedOutputStream.newInstance(model);
        m.writeInt64(1, 8);
        for (OperatorSetIdProto o : opsets) m.writeMessage(8, o);
        m.writeByteArray(7, graph.toByteArray());
        m.flush();
        return Files.write(dir.resolve("m.onnx"), model.toByteArray());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
