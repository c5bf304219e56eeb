package dev.halo.cli.measure;

import dev.halo.app.measure.Profile;
import dev.halo.cli.output.FormatOption;
import dev.halo.cli.output.Table;
import dev.halo.cli.progress.BarListener;
import dev.halo.space.SearchSpace;
import dev.halo.space.Spaces;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;


/** {@code halo profile}: per-operator latencies on this machine, and the layer-wise predictor built from them. */
@Command(
        name = "profile",
        mixinStandardHelpOptions = true,
        description = {
            "Profile architectures operator by operator and build the layer-wise latency predictor.",
            "",
            "ONNX Runtime's profiler at optimisation level NONE gives a per-operator latency table; the layer-wise",
            "predictor (sum of operator latencies) is HELP's baseline.",
            "Prints total table time per operator type; --out writes the table (TSV); --measured CSV (from",
            "'halo measure --out') compares layer-wise predictions with measured medians (Spearman)."
        })
public final class ProfileCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--space", required = true, paramLabel = "S", description = "Search space: nasbench201, fbnet or ofa.")
    String spaceName;

    @ArgGroup(exclusive = true, multiplicity = "1")
    ArchSelection selection = new ArchSelection();

    @Mixin MeasureOptions how = new MeasureOptions();

    @Mixin FormatOption format = new FormatOption();

    @Option(names = "--runs", paramLabel = "N", description = "Profiled runs per architecture (default: 20).")
    int runs = 20;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of --sample and the random weights (default: 0).")
    long seed;

    @Option(names = "--out", paramLabel = "TSV", description = "Write the per-operator table here.")
    Path out;

    @Option(names = "--measured", paramLabel = "CSV", description = "Measured latencies (halo measure --out) to score the layer-wise predictor on.")
    Path measured;

    @Override
    public Integer call() {
        SearchSpace<?> space = Spaces.byName(spaceName);
        Profile.Request request = new Profile.Request(space, selection.resolve(space, seed), how.settings(), runs, seed, out, measured);
        Profile.Result r;
        try (BarListener progress = new BarListener(spec.commandLine().getErr())) {
            r = Profile.run(request, progress);
        }
        Table byOp = new Table("op_type", "table_ms", "signatures");
        r.msByOpType().forEach((op, ms) -> byOp.row(op, ms, r.signaturesByOpType().get(op)));
        byOp.print(format.format, spec.commandLine().getOut());
        if (r.scored() > 0)
            spec.commandLine().getErr().printf(Locale.ROOT, "layer-wise predictor vs %s: Spearman %.3f over %d architectures%n", measured, r.spearmanVsMeasured(), r.scored());
        return 0;
    }
}
