package dev.halo.onnx.model;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.halo.graph.GraphAnalysis;
import dev.halo.graph.GraphReport;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Child JVM of {@link StreamingTest}: describes a model under a small heap ({@code stream}), or parses it the
 * ordinary way with the generated protobuf classes ({@code naive}) to show that the same heap cannot hold it.
 */
public final class DescribeChildMain {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[1]);
        if (args[0].equals("naive")) {
            try (InputStream in = Files.newInputStream(file)) {
                ModelProto m = ModelProto.parseFrom(in);
                System.out.println("parsed " + m.getGraph().getInitializerCount());
            }
            return;
        }
        OnnxModelReader.Read read = OnnxModelReader.readWithStats(file);
        GraphReport r = GraphAnalysis.analyze(read.graph(), Map.of());
        Runtime rt = Runtime.getRuntime();
        System.gc();
        System.out.println("macs=" + r.totals().macs() + " params=" + r.totals().params() + " file=" + read.fileBytes()
                + " skipped=" + read.skippedTensorBytes() + " maxHeap=" + rt.maxMemory() + " usedHeap=" + (rt.totalMemory() - rt.freeMemory()));
    }
}
