package dev.halo.cli.zoo;

import dev.halo.BadInputException;
import dev.halo.io.Limits;
import dev.halo.cli.measure.MeasureOptions;
import dev.halo.cli.progress.Progress;
import dev.halo.measure.DeviceFingerprint;
import dev.halo.measure.MeasureSettings;
import dev.halo.measure.MeasurementCampaign;
import dev.halo.measure.MeasurementStore;
import dev.halo.measure.Outcome;
import dev.halo.measure.ZooCampaign;
import dev.halo.onnx.zoo.ModelZoo;
import dev.halo.onnx.zoo.ZooModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ProgressBar;
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
        if ((specsFile == null) == (sample == null)) throw new BadInputException("give exactly one of --specs FILE, --sample N");
        if (rounds < 1) throw new BadInputException("--rounds must be at least 1, got " + rounds);
        Limits.check("--rounds", rounds, 1, Limits.MAX_ROUNDS);
        if (sample != null) Limits.check("--sample", sample, 1, Limits.MAX_ARCHS);
        List<ZooModel> models = specsFile != null
                ? ZooCampaign.readSpecs(specsFile).stream().map(ModelZoo::parse).toList()
                : ModelZoo.sample(family, sample, seed);
        MeasureSettings settings = how.settings();
        DeviceFingerprint fingerprint = DeviceFingerprint.current(settings);
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        try (MeasurementStore db = MeasurementStore.open(store)) {
            long device = db.device(fingerprint);
            MeasurementCampaign campaign = ZooCampaign.campaign(db, device, models, rounds, seed, settings);
            CountDownLatch finished = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                // Ctrl-C / SIGTERM: the model being timed finishes and its row commits, then the table is written
                campaign.requestStop();
                try {
                    finished.await(Math.round(settings.timeoutSeconds() * 2 + 5), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "halo-zoo-measure-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                long start = System.nanoTime();
                MeasurementCampaign.Summary s = run(campaign, err);
                double minutes = (System.nanoTime() - start) / 6e10;
                stdout.printf(Locale.ROOT, "device %s (%s)%nmeasured now %d (%d failed)%s, already stored %d of %d, %.2f min (%.1f model-rounds/min)%n",
                        fingerprint.label(), fingerprint.id(), s.measured(), s.failed(), s.stopped() ? ", stopped early" : "",
                        s.alreadyDone(), s.total(), minutes, minutes > 0 ? s.measured() / minutes : 0.0);
                if (out != null) {
                    Path csv = ZooCampaign.writeTable(out, db, device, fingerprint, settings, seed, rounds,
                            models.stream().map(ZooModel::canonical).toList());
                    stdout.println("table " + csv);
                }
                stdout.flush();
                if (s.stopped()) err.println("halo: stopped; run the same command again to continue");
                return s.stopped() ? 130 : 0;
            } finally {
                finished.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is exiting because of a signal; the hook waited for the work above
                }
            }
        }
    }

    private static MeasurementCampaign.Summary run(MeasurementCampaign campaign, PrintWriter err) {
        ProgressBar[] bar = new ProgressBar[1];
        try {
            return campaign.run(new MeasurementCampaign.Listener() {
                @Override
                public void started(int total, int alreadyDone) {
                    bar[0] = Progress.bar("zoo", total, alreadyDone, err);
                }

                @Override
                public void measured(String canonical, int round, Outcome outcome) {
                    bar[0].step();
                    bar[0].setExtraMessage(switch (outcome) {
                        case Outcome.Measured m -> String.format(Locale.ROOT, "r%d %.2f ms", round, m.stats().medianMs());
                        case Outcome.Failed f -> "r" + round + " failed";
                    });
                }
            });
        } finally {
            if (bar[0] != null) bar[0].close();
        }
    }
}
