package dev.halo.cli.onboard;

import dev.halo.app.onboard.Onboarding;
import dev.halo.cli.measure.MeasureOptions;
import dev.halo.space.Nb201Space;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code halo demo}: onboard this machine on NAS-Bench-201 with small defaults, explaining what happens. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Onboard this machine on NAS-Bench-201 in a few minutes, with defaults sized for a 2-core machine.",
            "No data folder is needed (op-costs needs no",
            "model; the meta-trained HELP model for --predictor help ships with halo).",
            "Same options as 'halo onboard' and the same defaults (--samples 10,",
            "--validate 100: 30 validation archs were too few to see a failure; the demo",
            "measured 50 archs in 12-41 s on this project's 2-core VM, so 120 should take",
            "about 0.5-2 minutes there); --name defaults to demo-HOSTNAME."
        })
public final class DemoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--name", paramLabel = "NAME", description = "Name of this device (default: demo-HOSTNAME).")
    String name;

    @Mixin OnboardCommand.OnboardOptions options = new OnboardCommand.OnboardOptions();

    @Mixin MeasureOptions how = new MeasureOptions();

    @Override
    public Integer call() {
        String device = name != null ? name : "demo-" + hostname();
        Onboarding.Planned planned = options.plan(Nb201Space.NAME, device, how.settings());
        PrintWriter out = spec.commandLine().getOut();
        if (!options.json()) intro(planned.plan(), out);
        return OnboardRun.execute(planned, options.json(), out, spec.commandLine().getErr());
    }

    private static void intro(Onboarding.Plan plan, PrintWriter out) {
        out.printf(Locale.ROOT, """
                halo demo: make this machine a profiled device for NAS-Bench-201 (%,d architectures).
                  1. time the %d reference architectures and %d %s with ONNX Runtime (%d rounds each),
                  2. %s,
                  3. predict the latency of every architecture (with an interval),
                  4. time %d fresh random architectures the predictor never saw (every kind of cell among them)
                     and compare, with the Spearman's 95 %% interval, next to how well
                     this machine reproduces its own timings (round 1 vs round 2).
                Output folder: %s. Progress goes to stderr; Ctrl-C stops, running again resumes.

                """, Nb201Space.SIZE, dev.halo.predict.help.HelpReferenceArchs.NASBENCH201.size(), plan.samples(),
                plan.predictor() == Onboarding.Predictor.OP_COSTS ? "more chosen to pin down its operation costs" : "random ones", plan.rounds(),
                plan.predictor() == Onboarding.Predictor.OP_COSTS ? "fit this machine's cost per kernel ONNX Runtime runs (or per operation where\n"
                        + "     its kernels cannot be worked out here) to those few measurements (op-costs)"
                        : "adapt the meta-trained HELP model (" + plan.model().source() + ") to those few measurements",
                plan.validate(), plan.out());
        out.flush();
    }

    /** A file-name-safe host name, lower case. */
    static String hostname() {
        String h = System.getenv("HOSTNAME");
        if (h == null || h.isBlank()) {
            try {
                h = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                h = "localhost";
            }
        }
        String safe = h.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-").replaceAll("^[^a-z0-9]+", "");
        if (safe.isEmpty()) safe = "localhost";
        return safe.length() > 40 ? safe.substring(0, 40) : safe;
    }
}
