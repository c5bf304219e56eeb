package dev.halo.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.List;

/**
 * An exported network: the ONNX model with random weights, the shape of its single input and output, and the
 * counts the exporter accumulated while building it.
 *
 * @param model the ONNX model (opset {@link OnnxGraphBuilder#OPSET})
 * @param inputName name of the single float input, shape {@code [batch, inputChannels, inputHeight, inputWidth]}
 * @param batch fixed batch size baked into the input and output shapes
 * @param outputName name of the single output, shape {@code [batch, outputSize]}
 * @param trainableParams parameters PyTorch would count (conv/linear weights and biases, BN weight and bias;
 *     not BN running statistics and not constants)
 * @param macs multiply-accumulates of convolutions and linear layers for one sample
 * @param layers every node in graph order, with its lookup-table signature
 * @param runnable false for a {@link OnnxGraphBuilder#structureOnly structure-only} export (no weight data)
 */
public record OnnxNetwork(
        ModelProto model,
        String inputName,
        int batch,
        int inputChannels,
        int inputHeight,
        int inputWidth,
        String outputName,
        int outputSize,
        long trainableParams,
        long macs,
        List<Layer> layers,
        boolean runnable) {

    /** Serialized model, ready for {@code OrtEnvironment.createSession(byte[])}. */
    public byte[] bytes() {
        if (!runnable) throw new IllegalStateException("a structure-only export has no weights and cannot run");
        return model.toByteArray();
    }

    public long[] inputShape() {
        return new long[] {batch, inputChannels, inputHeight, inputWidth};
    }

    public long[] outputShape() {
        return new long[] {batch, outputSize};
    }
}
