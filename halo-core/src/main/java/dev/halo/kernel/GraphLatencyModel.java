package dev.halo.kernel;

import java.util.List;

/** Predicts a graph's latency on one device from the kernels it executes. */
public sealed interface GraphLatencyModel permits KernelCostModel, DeviceAdaptation {
    KernelCostModel.Prediction predict(List<KernelShape> kernels);

    /** The device the model predicts for (a fingerprint id or a name given at adaptation). */
    String device();

    /** One line on how the model was made (profiled corpus, or adapted from which model with how many latencies). */
    String describe();
}
