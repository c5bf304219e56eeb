package dev.halo.measure;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.halo.onnx.OnnxNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The kernels ONNX Runtime actually runs for a network: the graph after its own optimisation (fusions, constant
 * folding, common-subexpression elimination, the NCHWc layout transformer with its reorder kernels), which ORT writes
 * out on request. Counting these rather than the operations of the exported graph is what makes a per-kernel cost
 * model see, for instance, that a convolution reading a zero tensor forces layout reorders around it (issue 13).
 */
public final class ExecutedKernels {
    private ExecutedKernels() {}

    /** Kernel key → how many such kernels the optimised graph of {@code net} runs at {@code level}. */
    public static Map<String, Integer> count(OnnxNetwork net, GraphOptimization level) {
        Path optimized = null;
        try {
            optimized = Files.createTempFile("halo-optimized-", ".onnx");
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(1);
                options.setOptimizationLevel(level.ortLevel());
                options.setOptimizedModelFilePath(optimized.toString());
                OrtEnvironment.getEnvironment().createSession(net.bytes(), options).close();
            }
            Map<String, Integer> counts = new TreeMap<>();
            for (NodeProto node : ModelProto.parseFrom(Files.readAllBytes(optimized)).getGraph().getNodeList())
                counts.merge(key(node), 1, Integer::sum);
            return counts;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write or read ONNX Runtime's optimised graph", e);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not optimise the network: " + e.getMessage(), e);
        } finally {
            if (optimized != null) optimized.toFile().delete();
        }
    }

    /**
     * A kernel's identity for costing: its domain (ORT's own kernels such as {@code com.microsoft.nchwc} run
     * differently from the standard ones), operator and, for windowed operators, the window size and whether it is
     * grouped. Activations fused into a kernel are left out: they cost little beside the kernel itself.
     */
    public static String key(NodeProto node) {
        StringBuilder key = new StringBuilder();
        String domain = node.getDomain();
        if (!domain.isEmpty() && !domain.equals("ai.onnx")) key.append(domain.substring(domain.lastIndexOf('.') + 1)).append('.');
        key.append(node.getOpType());
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals("kernel_shape") && a.getIntsCount() > 0) key.append("_k").append(a.getInts(0));
            if (a.getName().equals("group") && a.getI() > 1) key.append("_grouped");
        }
        return key.toString();
    }
}
