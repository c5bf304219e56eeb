package dev.halo.onnx.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.CodedOutputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 200 MiB model (one MatMul weight) is described by a JVM with a 64 MiB heap, where parsing it with the generated
 * protobuf classes runs out of memory: the reader streams and does not hold the weights.
 */
class StreamingTest {
    private static final int IN = 1024, OUT = 51_200; // 1024 x 51200 floats = 200 MiB
    private static final String HEAP = "-Xmx64m";

    @TempDir Path dir;

    @Test
    void aLargeModelIsDescribedWithASmallHeap() throws Exception {
        Path model = writeLargeModel(dir.resolve("large.onnx"));
        long size = Files.size(model);
        assertThat(size).isGreaterThan(200L * 1024 * 1024);

        Child streamed = run("stream", model);
        assertThat(streamed.exit).as(streamed.output).isZero();
        Matcher m = Pattern.compile("macs=(\\d+) params=(\\d+) file=(\\d+) skipped=(\\d+) maxHeap=(\\d+) usedHeap=(\\d+)").matcher(streamed.output);
        assertThat(m.find()).as(streamed.output).isTrue();
        assertThat(Long.parseLong(m.group(1))).isEqualTo((long) IN * OUT);
        assertThat(Long.parseLong(m.group(2))).isEqualTo((long) IN * OUT);
        assertThat(Long.parseLong(m.group(4))).isEqualTo(4L * IN * OUT); // every weight byte skipped, none kept
        assertThat(Long.parseLong(m.group(5))).isLessThan(size / 3); // the heap could not have held the weights
        System.out.println("streaming describe of a " + size + "-byte model under " + HEAP + ": " + m.group());

        Child naive = run("naive", model);
        assertThat(naive.exit).as("parsing the whole model must not fit in the same heap: " + naive.output).isNotZero();
        assertThat(naive.output).contains("OutOfMemoryError");
    }

    /** Writes the protobuf by hand so that the 200 MiB of raw data never exist in this JVM either. */
    static Path writeLargeModel(Path file) throws IOException {
        byte[] graph = GraphProto.newBuilder().setName("large")
                .addInput(TestModels.value("x", TestModels.FLOAT, 1, IN))
                .addNode(TestModels.node("MatMul", "mm", TestModels.names("x", "W"), TestModels.names("y")))
                .addOutput(TestModels.value("y", TestModels.FLOAT)).build().toByteArray();
        byte[] header = TensorProto.newBuilder().setName("W").addDims(IN).addDims(OUT).setDataType(TestModels.FLOAT).build().toByteArray();
        byte[] opset = OperatorSetIdProto.newBuilder().setDomain("").setVersion(17).build().toByteArray();
        long raw = 4L * IN * OUT;
        long tensorLen = header.length + 1 + CodedOutputStream.computeUInt64SizeNoTag(raw) + raw;
        long graphLen = graph.length + 1 + CodedOutputStream.computeUInt64SizeNoTag(tensorLen) + tensorLen;
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            CodedOutputStream out = CodedOutputStream.newInstance(os, 1 << 16);
            out.writeInt64(1, 8); // ir_version
            out.writeByteArray(8, opset); // opset_import
            out.writeTag(7, 2); // graph
            out.writeUInt64NoTag(graphLen);
            out.writeRawBytes(graph);
            out.writeTag(5, 2); // graph.initializer
            out.writeUInt64NoTag(tensorLen);
            out.writeRawBytes(header);
            out.writeTag(9, 2); // tensor.raw_data
            out.writeUInt64NoTag(raw);
            byte[] zeros = new byte[1 << 20];
            for (long left = raw; left > 0; left -= zeros.length) out.writeRawBytes(zeros, 0, (int) Math.min(zeros.length, left));
            out.flush();
        }
        return file;
    }

    private record Child(int exit, String output) {}

    private Child run(String mode, Path model) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add(HEAP);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(DescribeChildMain.class.getName());
        cmd.add(mode);
        cmd.add(model.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Child(p.exitValue(), output);
    }
}
