package dev.halo.cli.zoo;

import dev.halo.app.zoo.ZooMeasure;
import dev.halo.cli.measure.MeasureOptions;
import dev.halo.cli.progress.BarListener;
import dev.halo.cli.progress.GracefulStop;
import dev.halo.measure.MeasureSettings;
import dev.halo.measure.MeasurementCampaign;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "measure", mixinStandardHelpOptions = true,
        description = {"Time zoo models on this machine with ONNX Runtime, resumably, into an SQLite store (space 'zoo').",
            "Each round visits every model once in a shuffled order; an interrupted run continues where it stopped",
            "when started again with the same options. The SHA-256 of each exported file is stored with it: a rerun",
            "whose files differ (another --seed or halo version) fails those models instead of mixing them.",
            "--out DIR writes DIR/zoo-<fingerprint>.csv (one row per model) and DIR/zoo-<fingerprint>.json."})
public final class ZooMeasureCommand implements Callable<Integer> {
    @Option(names = "--specs", paramLabel = "FILE", description = "Models: one spec or preset per line, or the CSV of 'halo zoo sample'.")
    Path specsFile;

    @Option(names = "--sample", paramLabel = "N", description = "Instead of --specs: N models of --family drawn with --seed.")
    Integer sample;

    @Option(names = "--family", defaultValue = "all", description = "Family of --sample (default: ${DEFAULT-VALUE}).")
    String family;

    @Mixin MeasureOptions how = new MeasureOptions();

    @Option(names = "--rounds", defaultValue = "2", description = "Interleaved rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of --sample, the round shuffles and the weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--store", required = true, paramLabel = "FILE", description = "SQLite measurement store (created if missing).")
    Path store;

    @Option(names = "--out", paramLabel = "DIR", description = "Directory for zoo-<fingerprint>.csv and .json.")
    Path out;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        MeasureSettings settings = how.settings();
        var request = new ZooMeasure.Request(specsFile, sample, family, settings, rounds, seed, store, out);
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        // Ctrl-C / SIGTERM: the model being timed finishes and its row commits, then the table is written
        BarListener progress = new BarListener(err);
        return GracefulStop.run("halo-zoo-measure-stop", settings.timeoutSeconds() * 2 + 5, progress::cancel, () -> {
            ZooMeasure.Result r;
            try (progress) {
                r = ZooMeasure.run(request, progress);
            }
            MeasurementCampaign.Summary s = r.summary();
            double minutes = r.minutes();
            stdout.printf(Locale.ROOT, "device %s (%s)%nmeasured now %d (%d failed)%s, already stored %d of %d, %.2f min (%.1f model-rounds/min)%n",
                    r.fingerprint().label(), r.fingerprint().id(), s.measured(), s.failed(), s.stopped() ? ", stopped early" : "",
                    s.alreadyDone(), s.total(), minutes, minutes > 0 ? s.measured() / minutes : 0.0);
            if (r.table() != null) stdout.println("table " + r.table());
            stdout.flush();
            if (s.stopped()) err.println("halo: stopped; run the same command again to continue");
            return s.stopped() ? 130 : 0;
        });
    }
}
