package dev.halo.onnx.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Raw-protobuf ONNX models for tests: inputs with symbolic dims, external data, unknown ops. */
public final class TestModels {
    public static final int FLOAT = TensorProto.DataType.FLOAT.getNumber();
    public static final int INT64 = TensorProto.DataType.INT64.getNumber();
    public static final int FLOAT16 = TensorProto.DataType.FLOAT16.getNumber();

    private TestModels() {}

    public static ModelProto model(GraphProto.Builder g) {
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("halo-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).setGraph(g).build();
    }

    public static Path write(Path file, ModelProto m) throws IOException {
        Files.write(file, m.toByteArray());
        return file;
    }

    /** A value with dims given as Long (fixed) or String (symbolic). */
    public static ValueInfoProto value(String name, int type, Object... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String p) dim.setDimParam(p);
            else dim.setDimValue(((Number) d).longValue());
            s.addDim(dim);
        }
        TypeProto.Tensor.Builder t = TypeProto.Tensor.newBuilder().setElemType(type);
        if (dims.length > 0) t.setShape(s); // no dims: shape not declared
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(t)).build();
    }

    public static TensorProto weight(String name, long... dims) {
        long n = 1;
        for (long d : dims) n *= d;
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(FLOAT).setRawData(ByteString.copyFrom(new byte[(int) n * 4]));
        for (long d : dims) t.addDims(d);
        return t.build();
    }

    public static TensorProto external(String name, String location, long offset, long length, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(FLOAT)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(Long.toString(offset)))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue(Long.toString(length)));
        for (long d : dims) t.addDims(d);
        return t.build();
    }

    public static NodeProto node(String op, String name, String[] in, String[] out, AttributeProto... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name);
        for (String i : in) n.addInput(i);
        for (String o : out) n.addOutput(o);
        for (AttributeProto a : attrs) n.addAttribute(a);
        return n.build();
    }

    public static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) a.addInts(x);
        return a.build();
    }

    public static String[] names(String... n) {
        return n;
    }

    /** x[N,3,8,8] -> Conv(w[4,3,3,3], pad 1) -> Relu -> y, with the given input declaration and weight tensor. */
    public static ModelProto convRelu(ValueInfoProto input, TensorProto w) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("conv").addInput(input).addInitializer(w)
                .addNode(node("Conv", "conv", names(input.getName(), w.getName()), names("c"), ints("pads", 1, 1, 1, 1)))
                .addNode(node("Relu", "relu", names("c"), names("y")))
                .addOutput(value("y", FLOAT));
        return model(g);
    }
}
