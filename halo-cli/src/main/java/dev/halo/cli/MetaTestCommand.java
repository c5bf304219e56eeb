package dev.halo.cli;

import dev.halo.app.train.MetaTest;
import dev.halo.cli.output.FormatOption;
import dev.halo.cli.output.Table;
import dev.halo.space.Nb201Graph;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;


/** {@code halo meta-test}: HELP's meta-test protocol for a halo model file or HELP's released checkpoint. */
@Command(name = "meta-test", mixinStandardHelpOptions = true,
        description = {"Run HELP's own meta-test protocol on a model (the correctness anchor for HELP's checkpoints).",
                "",
                "Per device: N support archs from the kept train pool, z sampled, Meta-SGD adaptation, Spearman on the",
                "kept query pool; repeated over seeds. Models without z (MAML, Meta-SGD baselines) adapt once per task.",
                "Column 'spearman' is HELP's score (last Monte-Carlo sample), 'spearman_mc' the average of the samples."})
public final class MetaTestCommand implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--space", required = true, description = "nasbench201 or fbnet.")
    String space;

    @Option(names = "--dataset", description = "Folder in the help/<space> CSV layout (default: shared data).")
    Path dataset;

    static final class Source {
        @Option(names = "--model", description = "A halo HELP model file (from halo meta-train).")
        Path model;

        @Option(names = "--help-checkpoint", arity = "0..1", fallbackValue = "", description = "HELP's released checkpoint (default: <dataset>/checkpoint/help_max_corr.pt).")
        String helpCheckpoint;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--wiring", defaultValue = "HELP", description = "NB201 graph wiring for a HELP checkpoint: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Nb201Graph.Wiring wiring;

    @Option(names = "--devices", split = ",", description = "Devices to test (default: HELP's meta-test devices).")
    List<String> devices;

    @Option(names = "--seeds", defaultValue = "5", description = "Repetitions with seeds 0..N-1 (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--shots", defaultValue = "10", description = "Support archs per device (default: ${DEFAULT-VALUE}).")
    int shots;

    @Option(names = "--mc", defaultValue = "10", description = "Monte-Carlo samples of z (default: ${DEFAULT-VALUE}, HELP's; 0: z at its posterior mean).")
    int mc;

    @Option(names = "--inner-steps", description = "Inner-loop steps at adaptation (default: the model's, 2 for HELP).")
    Integer innerSteps;

    @Mixin FormatOption format;

    @Override
    public Integer call() {
        MetaTest.Result r = MetaTest.run(new MetaTest.Request(space, dataset, source.model, source.helpCheckpoint, wiring, devices, seeds, shots, mc, innerSteps));
        Table t = new Table("device", "spearman", "spearman_sd", "spearman_mc", "seeds");
        for (MetaTest.DeviceScore d : r.devices()) t.row(d.device(), round(d.spearman()), round(d.spearmanSd()), round(d.spearmanMc()), r.seeds());
        t.row("mean", round(r.meanSpearman()), "", round(r.meanSpearmanMc()), r.seeds());
        PrintWriter out = spec.commandLine().getOut();
        t.print(format.format, out);
        out.flush();
        return 0;
    }

    private static double round(double x) {
        return Math.round(x * 10000) / 10000.0;
    }
}
