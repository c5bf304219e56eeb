package dev.halo.measure;

import dev.halo.onnx.FbnetNetwork;
import dev.halo.predict.additive.FbnetOrtKernels;
import dev.halo.space.FbnetArch;
import dev.halo.space.FbnetMacro;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Whether {@link FbnetOrtKernels}, which works out ONNX Runtime's kernels for an FBNet network from the architecture and
 * the CPU's NCHWc block, describes the runtime on this machine: ORT's own optimised graph of each given architecture
 * ({@link ExecutedKernels}) must have the same kernels, kind by kind. As {@link Nb201KernelCheck}: another ORT version,
 * another block or another optimisation level changes the kernels, and this says so before anything is fitted.
 */
public final class FbnetKernelCheck {
    private FbnetKernelCheck() {}

    /** The first architecture whose counts differ, described with both counts; empty when every one agrees. */
    public static Optional<String> firstMismatch(FbnetMacro macro, int block, List<FbnetArch> archs, GraphOptimization level) {
        FbnetNetwork exporter = new FbnetNetwork(macro);
        for (FbnetArch arch : archs) {
            Map<String, Integer> runtime = ExecutedKernels.count(exporter.export(arch, 1, 0), level);
            Map<String, Integer> model = kinds(FbnetOrtKernels.kernels(macro, block, arch));
            if (!runtime.equals(model))
                return Optional.of(arch.canonical() + ": ONNX Runtime runs " + runtime + ", the kernel model (NCHWc block " + block + ") says " + model);
        }
        return Optional.empty();
    }

    /** Kernel kind → how many the model's kernels have of it. */
    public static Map<String, Integer> kinds(List<FbnetOrtKernels.Kernel> kernels) {
        Map<String, Integer> counts = new TreeMap<>();
        for (FbnetOrtKernels.Kernel k : kernels) counts.merge(k.kind(), 1, Integer::sum);
        return counts;
    }
}
