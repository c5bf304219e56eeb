package dev.halo.cli.predict;

import dev.halo.app.predict.Adapt;
import dev.halo.cli.output.Format;
import dev.halo.cli.output.Table;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code halo adapt}: a HELP model (or op-costs) + a few measurements of a new device → a predictor file for that device. */
@Command(name = "adapt", mixinStandardHelpOptions = true,
        description = {"Adapt a latency model to a new device from a few measurements.",
            "",
            "SAMPLES is a CSV with columns arch,latency_ms. It must hold the device's latencies of the space's 10 reference "
                + "architectures (HELP's hardware embedding; any that are missing are listed) and of at least two other "
                + "architectures. The references form the device's hardware embedding, the other rows the support set the model "
                + "adapts to, as in HELP. The result (--out) is read by 'halo predict'.",
            "",
            "--method op-costs needs no meta-trained model: it fits the device's latency as a fixed cost plus a cost per",
            "operation (NB201: counts of skip, conv 1x1, conv 3x3, avg-pool; FBNet: pointwise/depthwise work, blocks,",
            "weights) to every row of SAMPLES (references not required; 20 recommended, e.g. the 10 references + 10 picked",
            "by 'halo evaluate --selection cost-optimal'). On HELP's NB201 test devices it ranks at .951 Spearman with 20.",
            "",
            "Examples:",
            "  halo adapt --device mybox --samples mybox.csv --out mybox.json",
            "  halo adapt --method help --device mybox --samples mybox.csv --out mybox.help.json",
            "  halo adapt --method op-costs --device mybox --samples mybox.csv --out mybox.op-costs.json"})
public final class AdaptCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE",
            description = "A meta-trained model (halo meta-train) or HELP's .pt checkpoint, told apart by content"
                    + " (default: models/help-<space>.json of the installation, else HELP's checkpoint in the shared data).")
    Path model;

    @Option(names = "--method", paramLabel = "NAME",
            description = "auto (default without --model: the rule of docs/RESULTS.md with no other device known, op-costs on nasbench201 and fbnet), "
                    + "help (adapt the meta-trained model; the default with --model) or op-costs (fit the device's operation costs; --model, "
                    + "--dataset, --mc, --seed do not apply).")
    String method;

    @Option(names = "--device", required = true, paramLabel = "NAME", description = "Name of the device the samples were measured on.")
    String device;

    @Option(names = "--samples", required = true, paramLabel = "CSV", description = "Measured latencies: columns arch,latency_ms.")
    Path samples;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the adapted device model.")
    Path out;

    @Option(names = "--space", paramLabel = "NAME", description = "Search space (default: the model's, else recognised from the samples).")
    String space;

    @Option(names = "--dataset", paramLabel = "DIR",
            description = "Dataset folder whose hw_embedding_index.csv lists the reference archs (default: the model's training data, else the shared help/<space>, else for nasbench201 the 10 archs built into halo).")
    Path dataset;

    @Option(names = "--mc", defaultValue = "10", paramLabel = "N",
            description = "Monte-Carlo draws of the device code z; their spread is predict's interval, 0 gives one adaptation at the posterior mean"
                    + " and zero-width intervals (default: ${DEFAULT-VALUE}).")
    int mc;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the z draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        Adapt.Result r = Adapt.run(new Adapt.Request(method, model, device, samples, out, space, dataset, mc, seed));
        PrintWriter w = spec.commandLine().getOut();
        if (!r.why().isEmpty()) w.println(r.why());
        if (r.help() != null) {
            Adapt.HelpFit f = r.help();
            Table t = new Table("device", "space", "references", "support", "spearman_support", "mape_support_%", "mape_references_%", "mc", "model", "out");
            t.row(r.device(), r.space(), f.references(), f.support(), round(f.spearmanSupport()), round(f.mapeSupportPercent()),
                    round(f.mapeReferencesPercent()), f.mc(), f.model(), r.out());
            t.print(Format.table, w);
            w.println("Fit on the measured archs themselves (the support set was adapted to; the references only formed the hardware embedding):"
                    + " not a test on new archs.");
        } else {
            Adapt.CostFit f = r.costs();
            Table t = new Table("device", "space", "samples", "spearman_loo", "mape_loo_%", "costs_ms", "out");
            t.row(r.device(), r.space(), f.samples(), round(f.spearmanLoo()), round(f.mapeLooPercent()), f.costs(), r.out());
            t.print(Format.table, w);
            w.println("spearman_loo / mape_loo: each measured arch predicted by a fit without it (an honest estimate with " + f.samples() + " rows).");
        }
        w.flush();
        return 0;
    }

    private static double round(double x) {
        return Math.round(x * 10000) / 10000.0;
    }
}
