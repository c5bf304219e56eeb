/**
 * The kernels ONNX Runtime executes for a model, worked out without ONNX Runtime: its graph rewrites at optimisation
 * level ALL on x86-64 CPUs (constant folding of exporter leftovers, Conv+BatchNormalization folding, activation
 * fusions, the NCHWc blocked layout) replayed on halo's {@link dev.halo.graph.Graph}, which holds shapes but no
 * weights. A model with a node or pattern the rewrites do not cover is reported, node by node, so that callers use
 * ORT's own optimised model instead. Pure Java; the checks against ORT live in halo-onnx.
 */
package dev.halo.kernel.ort;
