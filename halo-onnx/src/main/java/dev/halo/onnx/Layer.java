package dev.halo.onnx;

/**
 * One node of an exported network as a latency lookup table sees it.
 *
 * @param node the ONNX node name (ONNX Runtime profiles report kernel times under it)
 * @param opType the ONNX operator
 * @param signature operator, attributes and input/output shapes (batch excluded): nodes with equal signatures do the
 *     same work, so a per-operator latency table is keyed by it
 * @param work multiply-accumulates for convolutions and linear layers, output elements for everything else (per
 *     sample); used to scale the cost of operators a table has not seen
 */
public record Layer(String node, String opType, String signature, long work) {}
