/**
 * Latency of arbitrary graphs from the kernels a runtime executes: a kernel's description ({@link KernelShape}), its
 * features ({@link KernelFeatures}), a per-kernel cost model learned from profiled kernel times, and the few-shot
 * adaptation of that model to a device halo has not profiled. Pure Java: the profiling itself lives in halo-onnx.
 */
package dev.halo.kernel;
