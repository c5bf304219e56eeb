package dev.halo.cli.model;

import dev.halo.app.model.FitKernelModel;
import dev.halo.kernel.KernelCostModel;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code halo model fit --corpus DIR --out FILE}: a kernel model from a profiled corpus. */
@Command(name = "fit", mixinStandardHelpOptions = true,
        description = {"Fit a kernel-level latency model on a corpus profiled by 'halo model profile'.",
            "The model is written as JSON:",
            "boosted trees on each executed kernel's profiled time (by its kind, shapes, work and bytes), calibrated to the",
            "whole-model latencies, with a 90 %% interval from leave-one-family-out errors on the corpus.",
            "",
            "Example:",
            "  halo model fit --corpus corpus/ --out here.kernel-model.json"})
public final class ModelFitCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--corpus", required = true, paramLabel = "DIR", description = "A corpus folder of 'halo model profile'.")
    Path corpus;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the model (JSON).")
    Path out;

    @Override
    public Integer call() {
        KernelCostModel m = FitKernelModel.run(new FitKernelModel.Request(corpus, out));
        KernelCostModel.Calibration c = m.calibration();
        spec.commandLine().getOut().printf(Locale.ROOT, "%s%nlatency = %.3f x kernel sum %+.4f ms per kernel %+.3f ms; 90 %% interval x%.2f..x%.2f%nwrote %s%n",
                m.describe(), c.scale(), c.perKernelMs(), c.overheadMs(), Math.exp(c.lowLogRatio()), Math.exp(c.highLogRatio()), out);
        return 0;
    }
}
