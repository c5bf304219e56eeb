package dev.halo.cli;

import dev.halo.BadInputException;
import dev.halo.app.Listener;
import dev.halo.app.Methods;
import dev.halo.app.evaluate.Evaluate;
import dev.halo.cli.output.FormatOption;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code halo evaluate}: few-shot latency prediction on unseen devices, scored with HELP's protocol. */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = {
            "Score a few-shot latency predictor on devices it has not seen (HELP's protocol).",
            "",
            "Per test device the"
                    + " latencies of the 10 reference architectures and of N architectures sampled from its trimmed"
                    + " (10-90 %%) train pool are known; spearman and kendall are computed on its trimmed query pool,"
                    + " spearman_full on every architecture but the samples, mape and within10 in ms on the query pool"
                    + " (rank-only methods are first mapped to ms by a least-squares line through the known latencies),"
                    + " coverage80/95 when the predictor gives intervals. Scores are means over seeds 0..N-1; the last"
                    + " row is the mean over test devices.",
            "",
            "--references none hides the reference latencies: only the N samples are known, as in NASFLAT's"
                    + " protocol (compare its numbers with spearman_full, NASFLAT scores the whole space). HELP models"
                    + " need the references and refuse.",
            "",
            "Examples:",
            "  halo evaluate --space nasbench201 --seeds 5",
            "  halo evaluate --space nasbench201 --method experimental:mix-loo --seeds 5",
            "  halo evaluate --space fbnet --method op-costs --references none --selection cost-optimal",
            "  halo evaluate --space fbnet --model ../shared/data/help/fbnet/checkpoint/help_max_corr.pt --format json"
        })
public final class EvaluateCommand implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--space", defaultValue = "nasbench201", description = "Search space: nasbench201 (default), fbnet or ofa.")
    String space;

    @Option(names = "--dataset", description = "Folder in the HELP CSV layout (default: shared data help/<space>).")
    Path dataset;

    @ArgGroup(exclusive = true)
    What what;

    static final class What {
        @Option(names = "--method", description = "auto (the default: op-costs where the space has op-cost features, on nasbench201 as op-costs-dead-code; else a device mix; named in the output, docs/results/auto.md), op-costs, "
                + "op-costs-dead-code (nasbench201: op-costs, or op costs without the dead operations when a known dead-code probe shows the device skips them; measure one with --selection cost-optimal-probe), "
                + "help, device-mix, flops, params, nearest-device, or experimental:NAME (see --list-methods --experimental).")
        String method;

        @Option(names = "--model", description = "A trained model file (halo model or HELP .pt checkpoint). "
                + "Repeat it to evaluate the ensemble of several models (geometric mean of their predictions, e.g. seeds of one training).")
        List<Path> models;
    }

    @Option(names = "--split", description = "A built-in split: help (HELP's default for the space; the default when no device lists are given).")
    String split;

    @Option(names = "--train-devices", description = "Comma-separated devices the method may learn from.")
    String trainDevices;

    @Option(names = "--valid-devices", description = "Comma-separated devices the method may tune on.")
    String validDevices;

    @Option(names = "--test-devices", description = "Comma-separated devices to score on.")
    String testDevices;

    @Option(names = "--samples", defaultValue = "10", description = "Measured architectures per test device (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--seeds", defaultValue = "5", description = "Number of seeds (0..N-1) to average over (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--selection", defaultValue = "random",
            description = "How the test devices' samples are chosen from the kept train pool: random (HELP's, the default), flops-spread, kcenter, d-optimal, cost-optimal (the operation costs op-costs fits; nasbench201, fbnet) cost-optimal-dce (nasbench201: also spread over dead operations, for experimental:op-costs-dce) cost-optimal-probes (nasbench201: two cells with three dead operations, then cost-optimal; for experimental:op-costs-dce-probes; other spaces: cost-optimal) or cost-optimal-probe (nasbench201: cost-optimal with its last sample replaced by one such cell; other spaces: cost-optimal).")
    String selection;

    @Option(names = "--references", defaultValue = "help", paramLabel = "help|none",
            description = "Whether the test devices' latencies on the reference architectures are known: help (HELP's protocol, the default) or none (only the samples).")
    String references;

    @Mixin FormatOption format;

    @Option(names = "--list-methods", description = "List the method names --method accepts and exit.")
    boolean listMethods;

    @Option(names = "--experimental", description = "With --list-methods: list the experimental variants (experimental:NAME) instead.")
    boolean experimental;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (listMethods) {
            Methods.names(experimental).forEach(out::println);
            out.flush();
            return 0;
        }
        if (!references.equals("help") && !references.equals("none"))
            throw new BadInputException("unknown --references '" + references + "'; known: help, none");
        Evaluate.Request request = new Evaluate.Request(space, dataset, what == null ? null : what.method, what == null ? null : what.models,
                split, trainDevices, validDevices, testDevices, samples, seeds, selection, references.equals("help"));
        new EvaluationPrinter(space, selection, references, format.format).print(Evaluate.run(request, progress()), out);
        return 0;
    }

    /** A one-line counter on an interactive terminal's stderr; silent when stderr is redirected. */
    private Listener progress() {
        if (System.console() == null) return Listener.NONE;
        PrintWriter err = spec.commandLine().getErr();
        return new Listener() {
            @Override
            public void progress(String stage, long done, long total, String detail) {
                err.printf("\r%s: %d/%d tasks (%s)   ", stage, done, total, detail);
                if (done == total) err.print("\r" + " ".repeat(72) + "\r");
                err.flush();
            }
        };
    }
}
