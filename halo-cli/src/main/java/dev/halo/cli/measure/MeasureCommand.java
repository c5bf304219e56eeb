package dev.halo.cli.measure;

import dev.halo.BadInputException;
import dev.halo.app.measure.Measure;
import dev.halo.cli.output.Format;
import dev.halo.cli.output.Table;
import dev.halo.cli.progress.BarListener;
import dev.halo.cli.progress.GracefulStop;
import dev.halo.measure.MeasureSettings;
import dev.halo.measure.MeasurementCampaign;
import dev.halo.space.SearchSpace;
import dev.halo.space.Spaces;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code halo measure}: time architectures on this machine with ONNX Runtime and keep the results in a store. */
@Command(
        name = "measure",
        mixinStandardHelpOptions = true,
        description = {
            "Measure the latency of architectures on this machine with ONNX Runtime.",
            "Each round visits every architecture once in a shuffled order; results go to an SQLite store as they come,",
            "so an interrupted run (Ctrl-C, kill) continues where it stopped when started again with the same options.",
            "Stdout gets a summary (and round-to-round stability when 2+ rounds exist); --out writes one CSV row per",
            "architecture: arch,median_ms,p90_ms,min_ms,cv,robust_cv,runs,rounds,round_medians_ms,failures.",
            "--model FILE.onnx measures your own model the same way (see 'halo model describe' for its shapes) and",
            "prints ONNX Runtime's per-kernel profile."
        })
public final class MeasureCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--space", paramLabel = "S", description = "Search space: nasbench201, fbnet or ofa (or use --model).")
    String spaceName;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    ArchSelection selection = new ArchSelection();

    @Mixin dev.halo.cli.model.ModelMeasureOptions modelFile = new dev.halo.cli.model.ModelMeasureOptions();

    @Mixin MeasureOptions how = new MeasureOptions();

    @Option(names = "--rounds", paramLabel = "R", description = "Interleaved rounds (default: 2).")
    int rounds = 2;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of --sample, the round shuffles and the random weights (default: 0).")
    long seed;

    @Option(names = "--store", required = true, paramLabel = "FILE", description = "SQLite measurement store (created if missing).")
    Path store;

    @Option(names = "--out", paramLabel = "CSV", description = "Also write per-architecture results of this selection to CSV.")
    Path out;

    @Option(names = "--repeat", description = "Measure R new rounds after the ones already stored, instead of completing rounds 1..R.")
    boolean repeat;

    @Override
    public Integer call() {
        MeasureSettings settings = how.settings();
        if (modelFile.model != null) {
            if (spaceName != null) throw new BadInputException("give either --model FILE.onnx or --space, not both");
            return modelFile.run(spec.commandLine().getOut(), spec.commandLine().getErr(), settings, rounds, repeat, seed, store);
        }
        if (spaceName == null) throw new BadInputException("give --space S with --archs/--sample/--all, or --model FILE.onnx");
        SearchSpace<?> space = Spaces.byName(spaceName);
        Measure.Request request = new Measure.Request(space, selection.resolve(space, seed), settings, rounds, seed, store, out, repeat);
        PrintWriter err = spec.commandLine().getErr();
        // Ctrl-C / SIGTERM: the architecture being timed finishes and its row commits, then the summary and the CSV
        BarListener progress = new BarListener(err);
        return GracefulStop.run("halo-measure-stop", settings.timeoutSeconds() * 2 + 5, progress::cancel, () -> {
            Measure.Result result;
            try (progress) {
                result = Measure.run(request, progress);
            }
            printSummary(spec.commandLine().getOut(), result);
            if (result.summary().stopped()) err.println("halo: stopped; run the same command again to continue");
            return result.summary().stopped() ? 130 : 0;
        });
    }

    private void printSummary(PrintWriter stdout, Measure.Result r) {
        MeasurementCampaign.Summary s = r.summary();
        Table t = new Table("key", "value");
        t.row("device", r.fingerprint().label() + " (" + r.fingerprint().id() + ")");
        t.row("store", store.toString());
        t.row("measured now", s.measured() + " (" + s.failed() + " failed)" + (s.stopped() ? ", stopped early" : ""));
        t.row("already stored", s.alreadyDone() + " of " + s.total());
        if (s.measured() > 0 && r.minutes() > 0)
            t.row("throughput", String.format(Locale.ROOT, "%.1f arch-rounds/min", s.measured() / r.minutes()));
        if (r.measuredRows() > 0) {
            t.row("median per-run CV", String.format(Locale.ROOT, "%.2f %% (robust CV %.2f %%)", 100 * r.medianCv(), 100 * r.medianRobustCv()));
            t.row("median runs per arch-round", String.format(Locale.ROOT, "%.0f", r.medianRuns()));
        }
        if (r.flagged() > 0)
            t.row("flagged implausible", r.flagged() + " rows (" + r.firstFlag() + ")"
                    + (r.unusable() ? "; oversubscribed rows are kept but not used as latencies" : ""));
        for (Measure.RoundComparison c : r.comparisons()) {
            if (Double.isNaN(c.median().spearman())) {
                t.row(c.label(), "needs 3+ architectures measured in both (" + c.median().pairs() + " now)");
                continue;
            }
            t.row(c.label(), String.format(Locale.ROOT, "median: Spearman %.3f, median |diff| %.1f %%; min: Spearman %.3f, median |diff| %.1f %% (%d archs)",
                    c.median().spearman(), c.median().medianAbsDiffPercent(), c.min().spearman(), c.min().medianAbsDiffPercent(), c.median().pairs()));
        }
        t.print(Format.table, stdout);
    }
}
