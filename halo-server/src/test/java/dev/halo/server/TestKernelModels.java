package dev.halo.server;

import dev.halo.kernel.KernelCostModel;
import dev.halo.kernel.KernelModelFile;

/** Small kernel latency model files for the tests ({@link SyntheticKernelModels}: made without measuring anything). */
public final class TestKernelModels {
    private TestKernelModels() {}

    public static KernelCostModel model(String label) {
        return model(label, 1);
    }

    /** A device {@code slower} times as slow per MAC, byte and kernel. */
    public static KernelCostModel model(String label, double slower) {
        return SyntheticKernelModels.baseline(label, slower);
    }

    public static String json(String label) {
        return KernelModelFile.toJson(model(label));
    }

    public static String json(String label, double slower) {
        return KernelModelFile.toJson(model(label, slower));
    }
}
