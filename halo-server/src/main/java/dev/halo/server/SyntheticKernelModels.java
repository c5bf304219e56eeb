package dev.halo.server;

import dev.halo.kernel.BoostedTrees;
import dev.halo.kernel.KernelCostModel;
import dev.halo.kernel.KernelFeatures;
import java.util.List;

/**
 * A kernel latency model made without measuring anything, for the serving benchmark and the tests: the baseline alone
 * (trees that predict an efficiency of 1), so every kernel costs {@code 4e-8 ms × MACs + 1e-7 ms × bytes + 2 µs}
 * (times {@code slower}), 0.05 ms per model, and the interval is ±20 %. What the server does with a kernel model, and
 * how long it takes, does not depend on how good the model is.
 */
public final class SyntheticKernelModels {
    private SyntheticKernelModels() {}

    /** A device {@code slower} times as slow per MAC, byte and kernel, labelled {@code label}. */
    public static KernelCostModel baseline(String label, double slower) {
        var leaf = new BoostedTrees.Tree(new int[] {-1}, new double[] {0}, new int[] {0}, new int[] {0}, new double[] {0});
        return new KernelCostModel(new KernelCostModel.Baseline(slower * 4e-8, slower * 1e-7, slower * 2e-3), new BoostedTrees(0, List.of(leaf), KernelFeatures.size()),
                new BoostedTrees(0, List.of(leaf), KernelFeatures.productSize()),
                new KernelCostModel.Calibration(1, 0, 0.05, Math.log(0.8), Math.log(1.2)),
                new KernelCostModel.Provenance("fp-" + label, label, 12, 400, List.of("shufflenetv2"), KernelFeatures.VERSION, "2026-12-02T00:00:00Z"));
    }
}
