package dev.halo.graph;

/**
 * A named tensor as a model declares it: element type and shape ({@code shape} null when the rank is unknown).
 */
public record ValueInfo(String name, DType type, TensorShape shape) {}
