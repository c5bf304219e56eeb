package dev.halo.measure;

import dev.halo.onnx.Nb201Network;
import dev.halo.predict.additive.Nb201OrtKernels;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Macro;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether {@link Nb201OrtKernels}, which works out ONNX Runtime's kernels from the cell string, describes the runtime
 * on this machine: ORT's own optimised graph of each given architecture ({@link ExecutedKernels}) must have the same
 * kernels, kind by kind. The model holds for ORT 1.23 on x86-64 at optimisation level ALL; another runtime version, a
 * CPU without the NCHWc layout (ARM) or another level changes the kernels, and this says so before anything is fitted.
 * About 30 ms per architecture (a session is created for each).
 */
public final class Nb201KernelCheck {
    private Nb201KernelCheck() {}

    /** The first architecture whose counts differ, described with both counts; empty when every one agrees. */
    public static Optional<String> firstMismatch(Nb201Macro macro, List<Nb201Arch> archs, GraphOptimization level) {
        Nb201Network exporter = new Nb201Network(macro);
        for (Nb201Arch arch : archs) {
            Map<String, Integer> runtime = ExecutedKernels.count(exporter.export(arch, 1, 0), level);
            Map<String, Integer> model = Nb201OrtKernels.count(macro, arch);
            if (!runtime.equals(model))
                return Optional.of(arch.canonical() + ": ONNX Runtime runs " + runtime + ", the kernel model says " + model);
        }
        return Optional.empty();
    }
}
