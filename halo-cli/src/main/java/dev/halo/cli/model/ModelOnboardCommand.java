package dev.halo.cli.model;

import dev.halo.app.model.OnboardModels;
import dev.halo.cli.measure.MeasureOptions;
import dev.halo.cli.progress.BarListener;
import dev.halo.cli.progress.GracefulStop;
import dev.halo.measure.MeasureSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code halo model onboard}: this machine as a device for arbitrary ONNX models. */
@Command(name = "onboard", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make this machine a device that any ONNX model can be predicted for, then check it on fresh models.",
            "",
            "Without --from: profile --models zoo models here (kernels, their times, whole latencies) and fit this device's own kernel model (the whole onboarding with 300 models took 5 to 15 minutes on the project's 2-vCPU VMs).",
            "",
            "With --from A.json (a kernel model of another device): profile only --models zoo models here (default 20 then) and adapt A to them (their kernel times correct A's, their latencies fit a factor per kernel group). The report shows A as it was on the same validation models too.",
            "",
            "Either way, --validate fresh zoo models are timed and the device model's predictions are scored against them (share within ±10 %%, median error, Spearman, 90 %% interval coverage).",
            "",
            "Last, the first " + OnboardModels.RECHECKED + " models profiled are timed again, and the report says how many came within ±10 %% of their first timing. No prediction on this machine can be more repeatable than the machine: on the project's shared 2-vCPU VMs the same models moved by up to 40 %% within a few hours.",
            "",
            "A profile of this same machine from another day is best made again without --from: on the project's shared VMs timings drifted by kind of kernel between days, which a few group factors did not follow (docs/results/kernels.md, session 15).",
            "",
            "Writes into --out: NAME.kernel-model.json (for 'halo model predict --device'), onboard-models.json and the measured corpora; running the same command again resumes.",
            "",
            "Examples:",
            "  halo model onboard --name here --out here/",
            "  halo model onboard --name laptop --out laptop/ \\",
            "      --from here/here.kernel-model.json"})
public final class ModelOnboardCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "Name of this device (letters, digits, . _ -).")
    String name;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the device model, the report and the corpora.")
    Path out;

    @Option(names = "--from", paramLabel = "FILE", description = "A kernel model of another device to adapt from a few measurements here.")
    Path from;

    @Option(names = "--models", paramLabel = "N", description = "Zoo models profiled for the fit (default: 300), or timed to adapt --from (default: 20).")
    Integer models;

    @Option(names = "--validate", paramLabel = "N", defaultValue = "40", description = "Fresh zoo models timed to check the result (default: ${DEFAULT-VALUE}).")
    int validate;

    @Option(names = "--family", defaultValue = "all", description = "Zoo family the models are drawn from (default: ${DEFAULT-VALUE}: every family in turn).")
    String family;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the zoo samples and weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin MeasureOptions how = new MeasureOptions();

    @Override
    public Integer call() {
        MeasureSettings settings = how.settings();
        int n = models != null ? models : from == null ? 300 : 20;
        var request = new OnboardModels.Request(name, out, from, family, n, validate, settings, seed);
        PrintWriter stdout = spec.commandLine().getOut();
        BarListener progress = new BarListener(spec.commandLine().getErr());
        return GracefulStop.run("halo-model-onboard-stop", settings.timeoutSeconds() * 2 + 5, progress::cancel, () -> {
            OnboardModels.Result r;
            try (progress) {
                r = OnboardModels.run(request, progress);
            }
            OnboardModels.Validation v = r.validation();
            stdout.printf(Locale.ROOT, "device %s (%s)%n%s%nvalidation on %d fresh zoo models: %.0f %% within ±10 %%, median error %.1f %%, MAPE %.1f %%,"
                    + " Spearman %.3f, 90 %% intervals cover %.0f %%%n", r.device().label(), r.device().id(), r.model().describe(),
                    v.models(), 100 * v.within10(), 100 * v.medianAbsError(), 100 * v.mape(), v.spearman(), 100 * v.coverage90());
            OnboardModels.Validation b = r.beforeAdapting();
            if (b != null) // how far this machine is from the --from model's: is adapting it worth it, or is a new profile?
                stdout.printf(Locale.ROOT, "before adapting, %s as it was on the same models: %.0f %% within ±10 %%, median error %.1f %%, Spearman %.3f%n",
                        from, 100 * b.within10(), 100 * b.medianAbsError(), b.spearman());
            OnboardModels.Repeatability again = r.repeatability();
            // the machine's own limit: a prediction is checked against timings no more repeatable than this
            if (again.models() == 0)
                stdout.println("this machine, timed again at the end: none of the first models profiled could be timed again");
            else
                stdout.printf(Locale.ROOT, "this machine, timed again at the end: %d of the first %d models profiled within ±10 %% of their first timing (median difference %.1f %%)%n",
                        Math.round(again.within10() * again.models()), again.models(), 100 * again.medianAbsDifference());
            stdout.printf(Locale.ROOT, "wrote %s (%.1f min)%n", r.modelFile(), r.minutes());
            stdout.flush();
            return 0;
        });
    }
}
