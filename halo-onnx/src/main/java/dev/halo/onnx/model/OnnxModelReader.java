package dev.halo.onnx.model;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.halo.BadInputException;
import dev.halo.graph.Attribute;
import dev.halo.graph.ConstTensor;
import dev.halo.graph.DType;
import dev.halo.graph.Graph;
import dev.halo.graph.Node;
import dev.halo.graph.TensorShape;
import dev.halo.graph.ValueInfo;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an ONNX model file into halo's {@link Graph} without holding its weights: the protobuf is parsed field by
 * field from a buffered stream, and the bulk data of every tensor ({@code raw_data}, {@code float_data}, ...) is
 * skipped, keeping only name, element type and dims. Tensors of at most {@link ConstTensor#MAX_KEPT_ELEMENTS}
 * elements keep their values, which shape inference needs (a Reshape's target, Slice bounds, Resize scales).
 * Memory use is therefore proportional to the number of nodes, not to the file size.
 *
 * <p>Tensors stored as external data must name a file inside the model's folder (no absolute paths, no {@code ..})
 * that exists and is long enough for the offset and length the tensor gives.
 */
public final class OnnxModelReader {
    // ModelProto
    private static final int MODEL_IR_VERSION = 1, MODEL_PRODUCER = 2, MODEL_GRAPH = 7, MODEL_OPSET = 8;
    // GraphProto
    private static final int GRAPH_NODE = 1, GRAPH_NAME = 2, GRAPH_INITIALIZER = 5, GRAPH_INPUT = 11, GRAPH_OUTPUT = 12,
            GRAPH_VALUE_INFO = 13, GRAPH_SPARSE_INITIALIZER = 15;
    // NodeProto
    private static final int NODE_INPUT = 1, NODE_OUTPUT = 2, NODE_NAME = 3, NODE_OP = 4, NODE_ATTRIBUTE = 5, NODE_DOMAIN = 7;
    // AttributeProto
    private static final int ATTR_NAME = 1, ATTR_F = 2, ATTR_I = 3, ATTR_S = 4, ATTR_T = 5, ATTR_G = 6, ATTR_FLOATS = 7,
            ATTR_INTS = 8, ATTR_STRINGS = 9, ATTR_TYPE = 20;
    // TensorProto
    private static final int T_DIMS = 1, T_TYPE = 2, T_FLOAT = 4, T_INT32 = 5, T_INT64 = 7, T_NAME = 8, T_RAW = 9,
            T_DOUBLE = 10, T_UINT64 = 11, T_EXTERNAL = 13, T_LOCATION = 14;

    private final Path file;
    private final Path folder;
    private long skippedBytes;

    private OnnxModelReader(Path file) {
        this.file = file;
        Path parent = file.toAbsolutePath().normalize().getParent();
        this.folder = parent == null ? Path.of("/") : parent;
    }

    /** What was read: the graph and how many tensor-data bytes were skipped rather than loaded. */
    public record Read(Graph graph, long fileBytes, long skippedTensorBytes) {}

    /** Reads {@code file}; every problem with it is a {@link BadInputException} naming the file. */
    public static Graph read(Path file) {
        return readWithStats(file).graph();
    }

    public static Read readWithStats(Path file) {
        OnnxModelReader r = new OnnxModelReader(file);
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (Files.isDirectory(file)) throw new BadInputException(file + ": is a directory, not an ONNX file");
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            CodedInputStream cis = CodedInputStream.newInstance(in);
            cis.setSizeLimit(Integer.MAX_VALUE);
            Graph g = r.model(cis, size);
            return new Read(g, size, r.skippedBytes);
        } catch (InvalidProtocolBufferException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            if (m.contains("ended unexpectedly") || m.contains("truncated"))
                throw new BadInputException(file + ": truncated ONNX file (the protobuf ends in the middle of a message)", e);
            throw new BadInputException(file + ": not an ONNX model (protobuf parse error: " + m.lines().findFirst().orElse(m) + ")", e);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private Graph model(CodedInputStream in, long size) throws IOException {
        long ir = 0;
        String producer = "";
        Map<String, Long> opsets = new LinkedHashMap<>();
        GraphParts graph = null;
        while (true) {
            int tag = nextTag(in);
            if (tag == 0) break;
            switch (WireFormat.getTagFieldNumber(tag)) {
                case MODEL_IR_VERSION -> ir = varint(in, tag, "ir_version");
                case MODEL_PRODUCER -> producer = string(in, tag);
                case MODEL_OPSET -> {
                    opset(bytes(in, tag), opsets);
                }
                case MODEL_GRAPH -> {
                    int limit = in.pushLimit(length(in, tag));
                    graph = graph(in);
                    close(in, limit);
                }
                default -> skip(in, tag);
            }
        }
        if (graph == null || ir <= 0)
            throw new BadInputException(file + ": not an ONNX model (" + (ir <= 0 ? "no ir_version" : "no graph") + " in " + size + " bytes)");
        if (!opsets.containsKey("") && !opsets.containsKey("ai.onnx"))
            throw new BadInputException(file + ": no opset_import for the default ONNX domain (truncated or not an ONNX model)");
        return new Graph(graph.name, producer, ir, opsets, graph.inputs, graph.outputs, graph.valueInfos, graph.initializers, graph.nodes);
    }

    private static final class GraphParts {
        String name = "";
        final List<Node> nodes = new ArrayList<>();
        final List<ValueInfo> inputs = new ArrayList<>(), outputs = new ArrayList<>(), valueInfos = new ArrayList<>();
        final Map<String, ConstTensor> initializers = new LinkedHashMap<>();
    }

    private GraphParts graph(CodedInputStream in) throws IOException {
        GraphParts g = new GraphParts();
        while (true) {
            int tag = nextTag(in);
            if (tag == 0) break;
            switch (WireFormat.getTagFieldNumber(tag)) {
                case GRAPH_NODE -> {
                    int limit = in.pushLimit(length(in, tag));
                    g.nodes.add(node(in));
                    close(in, limit);
                }
                case GRAPH_NAME -> g.name = string(in, tag);
                case GRAPH_INITIALIZER -> {
                    int limit = in.pushLimit(length(in, tag));
                    ConstTensor t = tensor(in);
                    close(in, limit);
                    g.initializers.put(t.name(), t);
                }
                case GRAPH_INPUT -> g.inputs.add(valueInfo(bytes(in, tag)));
                case GRAPH_OUTPUT -> g.outputs.add(valueInfo(bytes(in, tag)));
                case GRAPH_VALUE_INFO -> g.valueInfos.add(valueInfo(bytes(in, tag)));
                case GRAPH_SPARSE_INITIALIZER -> throw new BadInputException(file + ": sparse initializers are not supported");
                default -> skip(in, tag);
            }
        }
        return g;
    }

    private Node node(CodedInputStream in) throws IOException {
        List<String> inputs = new ArrayList<>(), outputs = new ArrayList<>();
        String name = "", op = "", domain = "";
        Map<String, Attribute> attributes = new HashMap<>();
        while (true) {
            int tag = nextTag(in);
            if (tag == 0) break;
            switch (WireFormat.getTagFieldNumber(tag)) {
                case NODE_INPUT -> inputs.add(string(in, tag));
                case NODE_OUTPUT -> outputs.add(string(in, tag));
                case NODE_NAME -> name = string(in, tag);
                case NODE_OP -> op = string(in, tag);
                case NODE_DOMAIN -> domain = string(in, tag);
                case NODE_ATTRIBUTE -> {
                    int limit = in.pushLimit(length(in, tag));
                    Attribute a = attribute(in);
                    close(in, limit);
                    attributes.put(a.name(), a);
                }
                default -> skip(in, tag);
            }
        }
        if (op.isEmpty()) throw new BadInputException(file + ": node '" + name + "' has no op_type");
        return new Node(name, op, domain, inputs, outputs, attributes);
    }

    private Attribute attribute(CodedInputStream in) throws IOException {
        String name = "", s = null;
        long i = 0;
        double f = 0;
        List<Long> ints = new ArrayList<>();
        List<Double> floats = new ArrayList<>();
        ConstTensor t = null;
        int type = 0;
        boolean graph = false;
        while (true) {
            int tag = nextTag(in);
            if (tag == 0) break;
            int wire = WireFormat.getTagWireType(tag);
            switch (WireFormat.getTagFieldNumber(tag)) {
                case ATTR_NAME -> name = string(in, tag);
                case ATTR_F -> f = in.readFloat();
                case ATTR_I -> i = in.readInt64();
                case ATTR_S -> s = string(in, tag);
                case ATTR_T -> {
                    int limit = in.pushLimit(length(in, tag));
                    t = tensor(in);
                    close(in, limit);
                }
                case ATTR_G -> {
                    graph = true;
                    skip(in, tag);
                }
                case ATTR_FLOATS -> {
                    if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        int limit = in.pushLimit(in.readRawVarint32());
                        while (in.getBytesUntilLimit() > 0) floats.add((double) in.readFloat());
                        in.popLimit(limit);
                    } else floats.add((double) in.readFloat());
                }
                case ATTR_INTS -> {
                    if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        int limit = in.pushLimit(in.readRawVarint32());
                        while (in.getBytesUntilLimit() > 0) ints.add(in.readInt64());
                        in.popLimit(limit);
                    } else ints.add(in.readInt64());
                }
                case ATTR_TYPE -> type = in.readEnum();
                default -> skip(in, tag);
            }
        }
        Attribute.Kind kind = switch (type) {
            case 1 -> Attribute.Kind.FLOAT;
            case 2 -> Attribute.Kind.INT;
            case 3 -> Attribute.Kind.STRING;
            case 4 -> Attribute.Kind.TENSOR;
            case 5 -> Attribute.Kind.GRAPH;
            case 6 -> Attribute.Kind.FLOATS;
            case 7 -> Attribute.Kind.INTS;
            case 8 -> Attribute.Kind.STRINGS;
            default -> graph ? Attribute.Kind.GRAPH : t != null ? Attribute.Kind.TENSOR : !ints.isEmpty() ? Attribute.Kind.INTS
                    : !floats.isEmpty() ? Attribute.Kind.FLOATS : s != null ? Attribute.Kind.STRING : Attribute.Kind.OTHER;
        };
        return new Attribute(name, kind, i, f, s, ints.stream().mapToLong(Long::longValue).toArray(),
                floats.stream().mapToDouble(Double::doubleValue).toArray(), t);
    }

    /** A TensorProto: name, type and dims; values only for small tensors; bulk data skipped. */
    private ConstTensor tensor(CodedInputStream in) throws IOException {
        String name = "";
        int type = 0;
        List<Long> dims = new ArrayList<>();
        byte[] raw = null;
        List<Double> typed = new ArrayList<>();
        Map<String, String> external = new HashMap<>();
        boolean externalLocation = false;
        while (true) {
            int tag = nextTag(in);
            if (tag == 0) break;
            int wire = WireFormat.getTagWireType(tag);
            int field = WireFormat.getTagFieldNumber(tag);
            switch (field) {
                case T_DIMS -> {
                    if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        int limit = in.pushLimit(in.readRawVarint32());
                        while (in.getBytesUntilLimit() > 0) dims.add(in.readInt64());
                        in.popLimit(limit);
                    } else dims.add(in.readInt64());
                }
                case T_TYPE -> type = in.readInt32();
                case T_NAME -> name = string(in, tag);
                case T_RAW -> {
                    int len = length(in, tag);
                    if (len <= ConstTensor.MAX_KEPT_ELEMENTS * 8) raw = in.readRawBytes(len);
                    else {
                        in.skipRawBytes(len);
                        skippedBytes += len;
                    }
                }
                case T_FLOAT, T_INT32, T_INT64, T_DOUBLE, T_UINT64 -> {
                    if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        int len = in.readRawVarint32();
                        if (len > ConstTensor.MAX_KEPT_ELEMENTS * 10) {
                            in.skipRawBytes(len);
                            skippedBytes += len;
                            typed = null;
                        } else {
                            int limit = in.pushLimit(len);
                            while (in.getBytesUntilLimit() > 0) addTyped(in, field, typed);
                            in.popLimit(limit);
                        }
                    } else addTyped(in, field, typed);
                }
                case T_EXTERNAL -> {
                    int limit = in.pushLimit(length(in, tag));
                    String key = null, value = null;
                    while (true) {
                        int t = nextTag(in);
                        if (t == 0) break;
                        if (WireFormat.getTagFieldNumber(t) == 1) key = string(in, t);
                        else if (WireFormat.getTagFieldNumber(t) == 2) value = string(in, t);
                        else skip(in, t);
                    }
                    close(in, limit);
                    if (key != null) external.put(key, value == null ? "" : value);
                }
                case T_LOCATION -> externalLocation = in.readEnum() == 1;
                default -> {
                    long before = in.getTotalBytesRead();
                    skip(in, tag);
                    skippedBytes += in.getTotalBytesRead() - before;
                }
            }
        }
        DType dtype = DType.of(type);
        long[] d = dims.stream().mapToLong(Long::longValue).toArray();
        long elements = TensorShape.of(d).elements();
        String externalFile = null;
        double[] values = null;
        boolean small = elements >= 0 && elements <= ConstTensor.MAX_KEPT_ELEMENTS;
        if (externalLocation || external.containsKey("location")) {
            externalFile = external.get("location");
            Path data = checkExternal(name, externalFile, external, elements * dtype.bytes());
            if (small) values = decode(dtype, readExternal(data, parseLong(external.get("offset")), (int) (elements * dtype.bytes())), elements);
        } else if (small && raw != null) {
            values = decode(dtype, raw, elements);
        } else if (small && typed != null && typed.size() == elements) {
            values = typed.stream().mapToDouble(Double::doubleValue).toArray();
        }
        return new ConstTensor(name, dtype, d, values, externalFile);
    }

    private static void addTyped(CodedInputStream in, int field, List<Double> out) throws IOException {
        double v = switch (field) {
            case T_FLOAT -> in.readFloat();
            case T_INT32 -> in.readInt32();
            case T_INT64 -> in.readInt64();
            case T_DOUBLE -> in.readDouble();
            default -> in.readUInt64();
        };
        if (out != null) out.add(v);
    }

    private Path checkExternal(String tensor, String location, Map<String, String> external, long needed) {
        String where = file + ": tensor '" + tensor + "'";
        if (location == null || location.isEmpty()) throw new BadInputException(where + ": external data without a location");
        Path rel;
        try {
            rel = Path.of(location);
        } catch (java.nio.file.InvalidPathException e) {
            throw new BadInputException(where + ": external data location '" + location + "' is not a valid path");
        }
        if (rel.isAbsolute() || location.startsWith("/") || location.startsWith("\\"))
            throw new BadInputException(where + ": external data location '" + location + "' is absolute; it must be relative to the model's folder");
        Path resolved = folder.resolve(rel).normalize();
        if (!resolved.startsWith(folder))
            throw new BadInputException(where + ": external data location '" + location + "' points outside the model's folder " + folder);
        if (!Files.isRegularFile(resolved))
            throw new BadInputException(where + ": external data file '" + location + "' not found in " + folder);
        long offset = parseLong(external.get("offset"));
        long length = external.containsKey("length") ? parseLong(external.get("length")) : Math.max(0, needed);
        try {
            long size = Files.size(resolved);
            if (offset < 0 || length < 0 || offset + length > size)
                throw new BadInputException(where + ": external data file '" + location + "' has " + size
                        + " bytes, the tensor needs bytes " + offset + ".." + (offset + length));
        } catch (IOException e) {
            throw new BadInputException(where + ": cannot read external data file '" + location + "' (" + e.getMessage() + ")", e);
        }
        return resolved;
    }

    private static long parseLong(String s) {
        if (s == null || s.isEmpty()) return 0;
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private byte[] readExternal(Path data, long offset, int length) {
        try (RandomAccessFile f = new RandomAccessFile(data.toFile(), "r")) {
            byte[] b = new byte[length];
            f.seek(offset);
            f.readFully(b);
            return b;
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read external data " + data.getFileName() + " (" + e.getMessage() + ")", e);
        }
    }

    /** Little-endian raw data of a small numeric tensor, or null for types halo does not evaluate. */
    private static double[] decode(DType type, byte[] raw, long elements) {
        if (raw.length < elements * type.bytes()) return null;
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        double[] v = new double[(int) elements];
        for (int k = 0; k < elements; k++) {
            v[k] = switch (type) {
                case FLOAT -> b.getFloat();
                case DOUBLE -> b.getDouble();
                case INT64, UINT64 -> b.getLong();
                case INT32, UINT32 -> b.getInt();
                case INT16, UINT16 -> b.getShort();
                case INT8 -> b.get();
                case UINT8, BOOL -> b.get() & 0xff;
                default -> Double.NaN;
            };
        }
        return type == DType.FLOAT16 || type == DType.BFLOAT16 || type == DType.STRING ? null : v;
    }

    // OperatorSetIdProto, ValueInfoProto and the TypeProto inside it are read field by field like the rest, as
    // protobuf's generated parser would (a field of an unexpected wire type is skipped as unknown, a repeated message
    // field is merged, the last member of a oneof wins): loading the generated classes cost a cold run 0.1-0.2 s.
    private static final int OPSET_DOMAIN = 1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED, OPSET_VERSION = 2 << 3 | WireFormat.WIRETYPE_VARINT;
    private static final int VI_NAME = 1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED, VI_TYPE = 2 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int TYPE_TENSOR = 1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    // the other members of TypeProto's oneof: sequence, map, opaque, sparse tensor, optional
    private static final java.util.Set<Integer> TYPE_OTHER = java.util.Set.of(4, 5, 7, 8, 9);
    private static final int TENSOR_ELEM = 1 << 3 | WireFormat.WIRETYPE_VARINT, TENSOR_SHAPE = 2 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int SHAPE_DIM = 1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int DIM_VALUE = 1 << 3 | WireFormat.WIRETYPE_VARINT, DIM_PARAM = 2 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private static void opset(byte[] bytes, Map<String, Long> opsets) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        String domain = "";
        long version = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == OPSET_DOMAIN) domain = in.readString();
            else if (tag == OPSET_VERSION) version = in.readInt64();
            else in.skipField(tag);
        }
        opsets.put(domain, version);
    }

    /** What a ValueInfoProto says of a tensor: a null elem type while its type is not a tensor type. */
    private static final class TensorType {
        int elemType;
        boolean hasShape;
        final List<Long> dims = new ArrayList<>();
        final List<String> symbols = new ArrayList<>();
    }

    private static ValueInfo valueInfo(byte[] bytes) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        String name = "";
        TensorType tensor = null;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == VI_NAME) name = in.readString();
            else if (tag == VI_TYPE) {
                int limit = in.pushLimit(in.readRawVarint32());
                for (int t = in.readTag(); t != 0; t = in.readTag()) {
                    if (t == TYPE_TENSOR) {
                        if (tensor == null) tensor = new TensorType();
                        int l = in.pushLimit(in.readRawVarint32());
                        tensorType(in, tensor);
                        in.popLimit(l);
                    } else {
                        if (TYPE_OTHER.contains(WireFormat.getTagFieldNumber(t)) && WireFormat.getTagWireType(t) == WireFormat.WIRETYPE_LENGTH_DELIMITED)
                            tensor = null;
                        in.skipField(t);
                    }
                }
                in.popLimit(limit);
            } else in.skipField(tag);
        }
        if (tensor == null) return new ValueInfo(name, DType.UNDEFINED, null);
        if (!tensor.hasShape) return new ValueInfo(name, DType.of(tensor.elemType), null);
        long[] dims = tensor.dims.stream().mapToLong(Long::longValue).toArray();
        return new ValueInfo(name, DType.of(tensor.elemType), new TensorShape(dims, tensor.symbols.toArray(String[]::new)));
    }

    private static void tensorType(CodedInputStream in, TensorType tensor) throws IOException {
        for (int t = in.readTag(); t != 0; t = in.readTag()) {
            if (t == TENSOR_ELEM) tensor.elemType = in.readInt32();
            else if (t == TENSOR_SHAPE) {
                tensor.hasShape = true;
                int limit = in.pushLimit(in.readRawVarint32());
                for (int s = in.readTag(); s != 0; s = in.readTag()) {
                    if (s == SHAPE_DIM) {
                        int l = in.pushLimit(in.readRawVarint32());
                        long value = -1;
                        String param = null;
                        for (int d = in.readTag(); d != 0; d = in.readTag()) {
                            if (d == DIM_VALUE) {
                                long v = in.readInt64();
                                value = v >= 0 ? v : -1;
                                param = null;
                            } else if (d == DIM_PARAM) {
                                param = in.readString();
                                value = -1;
                            } else in.skipField(d);
                        }
                        in.popLimit(l);
                        tensor.dims.add(value);
                        tensor.symbols.add(param);
                    } else in.skipField(s);
                }
                in.popLimit(limit);
            } else in.skipField(t);
        }
    }

    // ---- wire helpers ----

    private int length(CodedInputStream in, int tag) throws IOException {
        expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        int len = in.readRawVarint32();
        if (len < 0) throw new InvalidProtocolBufferException("negative length");
        return len;
    }

    private byte[] bytes(CodedInputStream in, int tag) throws IOException {
        return in.readRawBytes(length(in, tag));
    }

    private String string(CodedInputStream in, int tag) throws IOException {
        expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        return in.readStringRequireUtf8();
    }

    private long varint(CodedInputStream in, int tag, String field) throws IOException {
        if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_VARINT)
            throw new InvalidProtocolBufferException("field " + field + " has wire type " + WireFormat.getTagWireType(tag));
        return in.readInt64();
    }

    private static void expect(int tag, int wire) throws InvalidProtocolBufferException {
        if (WireFormat.getTagWireType(tag) != wire)
            throw new InvalidProtocolBufferException("field " + WireFormat.getTagFieldNumber(tag) + " has wire type "
                    + WireFormat.getTagWireType(tag) + ", expected " + wire);
    }

    /**
     * The next field's tag, 0 at the end of the message. The streaming decoder also answers 0 when the file ends
     * inside a message whose length was announced; that is a truncated file, reported before anything in the
     * incomplete message is judged.
     */
    private static int nextTag(CodedInputStream in) throws IOException {
        int tag = in.readTag();
        if (tag == 0 && in.getBytesUntilLimit() > 0)
            throw new InvalidProtocolBufferException("the input ended unexpectedly, " + in.getBytesUntilLimit() + " bytes short of a message");
        return tag;
    }

    /**
     * Ends a sub-message: a stream that stops before the length its field announced is a truncated file (the
     * streaming decoder reports that as a clean end, so it is checked here).
     */
    private static void close(CodedInputStream in, int limit) throws IOException {
        if (in.getBytesUntilLimit() > 0)
            throw new InvalidProtocolBufferException("the input ended unexpectedly, " + in.getBytesUntilLimit() + " bytes short of a message");
        in.popLimit(limit);
    }

    private static void skip(CodedInputStream in, int tag) throws IOException {
        if (!in.skipField(tag)) throw new InvalidProtocolBufferException("unexpected end-group tag");
    }
}
