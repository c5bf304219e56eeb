/**
 * Any neural network as a graph: a format-neutral IR of nodes, tensors and constants ({@link dev.halo.graph.Graph}),
 * halo's own shape inference for the operators CNNs and transformers use, and per-node costs (MACs, FLOPs,
 * parameters, bytes moved). Pure Java: the ONNX reader that fills the IR lives in halo-onnx.
 */
package dev.halo.graph;
