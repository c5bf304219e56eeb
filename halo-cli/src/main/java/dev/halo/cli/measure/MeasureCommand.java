package dev.halo.cli.measure;

import dev.halo.BadInputException;
import dev.halo.cli.output.Table;
import dev.halo.cli.output.Format;
import dev.halo.cli.progress.Progress;
import dev.halo.io.SafeOutput;
import dev.halo.measure.DeviceFingerprint;
import dev.halo.measure.LatencyStats;
import dev.halo.measure.MeasureSettings;
import dev.halo.measure.MeasurementCampaign;
import dev.halo.measure.MeasurementStore;
import dev.halo.measure.OrtLatencyMeter;
import dev.halo.measure.Outcome;
import dev.halo.measure.Stability;
import dev.halo.onnx.NetworkExporter;
import dev.halo.onnx.NetworkExporters;
import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;
import dev.halo.space.Spaces;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code halo measure}: time architectures on this machine with ONNX Runtime and keep the results in a store. */
@Command(
        name = "measure",
        mixinStandardHelpOptions = true,
        description = {
            "Measure the latency of architectures on this machine with ONNX Runtime.",
            "Each round visits every architecture once in a shuffled order; results go to an SQLite store as they come,",
            "so an interrupted run (Ctrl-C, kill) continues where it stopped when started again with the same options.",
            "Stdout gets a summary (and round-to-round stability when 2+ rounds exist); --out writes one CSV row per",
            "architecture: arch,median_ms,p90_ms,min_ms,cv,robust_cv,runs,rounds,round_medians_ms,failures."
        })
public final class MeasureCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--space", required = true, paramLabel = "S", description = "Search space: nasbench201, fbnet or ofa.")
    String spaceName;

    @ArgGroup(exclusive = true, multiplicity = "1")
    ArchSelection selection = new ArchSelection();

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
        if (rounds < 1) throw new BadInputException("--rounds must be at least 1, got " + rounds);
        dev.halo.io.Limits.check("--rounds", rounds, 1, dev.halo.io.Limits.MAX_ROUNDS);
        MeasureSettings settings = how.settings();
        SearchSpace<?> space = Spaces.byName(spaceName);
        NetworkExporter exporter = NetworkExporters.forSpace(space);
        List<Architecture> archs = selection.resolve(space, seed);
        if (out != null) requireWritableParent(out);
        Map<String, Architecture> byCanonical = new LinkedHashMap<>();
        for (Architecture a : archs) byCanonical.put(a.canonical(), a);
        OrtLatencyMeter meter = new OrtLatencyMeter(settings,
                canonical -> exporter.export(byCanonical.get(canonical), settings.batch(), seed));
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        DeviceFingerprint fingerprint = DeviceFingerprint.current(settings);

        try (MeasurementStore db = MeasurementStore.open(store)) {
            long device = db.device(fingerprint);
            int first = 1;
            if (repeat) first = 1 + maxRound(db.rows(device, space.name()), byCanonical.keySet());
            MeasurementCampaign campaign = new MeasurementCampaign(db, device, space.name(), List.copyOf(byCanonical.keySet()),
                    first, first + rounds - 1, seed, settings.toJson(), meter);
            CountDownLatch finished = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                // Ctrl-C / SIGTERM: let the architecture being timed finish and its row commit, print the summary
                // and write the CSV, then let the JVM exit
                campaign.requestStop();
                try {
                    finished.await(Math.round(settings.timeoutSeconds() * 2 + 5), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "halo-measure-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                long startNanos = System.nanoTime();
                MeasurementCampaign.Summary summary = runWithProgress(campaign, err);
                double minutes = (System.nanoTime() - startNanos) / 6e10;
                List<MeasurementStore.Row> rows = db.rows(device, space.name()).stream()
                        .filter(r -> byCanonical.containsKey(r.canonical())).toList();
                printSummary(stdout, fingerprint, summary, minutes, rows, first);
                if (out != null) writeCsv(out, rows, byCanonical.keySet());
                if (summary.stopped()) err.println("halo: stopped; run the same command again to continue");
                return summary.stopped() ? 130 : 0;
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

    private static MeasurementCampaign.Summary runWithProgress(MeasurementCampaign campaign, PrintWriter err) {
        ProgressBar[] bar = new ProgressBar[1];
        try {
            return campaign.run(new MeasurementCampaign.Listener() {
                @Override
                public void started(int total, int alreadyDone) {
                    bar[0] = Progress.bar("measure", total, alreadyDone, err);
                }

                @Override
                public void measured(String canonical, int round, Outcome outcome) {
                    bar[0].step();
                    bar[0].setExtraMessage(switch (outcome) {
                        case Outcome.Measured m -> String.format(Locale.ROOT, "r%d %.3f ms", round, m.stats().medianMs());
                        case Outcome.Failed f -> "r" + round + " failed";
                    });
                }
            });
        } finally {
            if (bar[0] != null) bar[0].close();
        }
    }

    private static int maxRound(List<MeasurementStore.Row> rows, Set<String> archs) {
        return rows.stream().filter(r -> archs.contains(r.canonical())).mapToInt(MeasurementStore.Row::round).max().orElse(0);
    }

    private void printSummary(PrintWriter stdout, DeviceFingerprint fp, MeasurementCampaign.Summary s, double minutes,
            List<MeasurementStore.Row> rows, int firstRound) {
        List<LatencyStats> ok = rows.stream().filter(r -> r.outcome() instanceof Outcome.Measured)
                .map(r -> ((Outcome.Measured) r.outcome()).stats()).toList();
        Table t = new Table("key", "value");
        t.row("device", fp.label() + " (" + fp.id() + ")");
        t.row("store", store.toString());
        t.row("measured now", s.measured() + " (" + s.failed() + " failed)" + (s.stopped() ? ", stopped early" : ""));
        t.row("already stored", s.alreadyDone() + " of " + s.total());
        if (s.measured() > 0 && minutes > 0)
            t.row("throughput", String.format(Locale.ROOT, "%.1f arch-rounds/min", s.measured() / minutes));
        if (!ok.isEmpty()) {
            t.row("median per-run CV", String.format(Locale.ROOT, "%.2f %% (robust CV %.2f %%)",
                    100 * median(ok.stream().mapToDouble(LatencyStats::cv).toArray()),
                    100 * median(ok.stream().mapToDouble(LatencyStats::robustCv).toArray())));
            t.row("median runs per arch-round", String.format(Locale.ROOT, "%.0f", median(ok.stream().mapToDouble(LatencyStats::runs).toArray())));
        }
        List<MeasurementStore.Row> flagged = rows.stream().filter(MeasurementStore.Row::flagged).toList();
        if (!flagged.isEmpty())
            t.row("flagged implausible", flagged.size() + " rows (" + flagged.getFirst().flag() + ")"
                    + (flagged.stream().anyMatch(r -> !r.usable()) ? "; oversubscribed rows are kept but not used as latencies" : ""));
        int[] roundsPresent = rows.stream().mapToInt(MeasurementStore.Row::round).distinct().sorted().toArray();
        if (roundsPresent.length >= 2)
            stabilityRows(t, rows, Set.of(roundsPresent[0]), Set.of(roundsPresent[1]));
        if (firstRound > 1) {
            Set<Integer> earlier = new TreeSet<>();
            Set<Integer> now = new TreeSet<>();
            for (int r : roundsPresent) (r < firstRound ? earlier : now).add(r);
            if (!earlier.isEmpty() && !now.isEmpty()) stabilityRows(t, rows, earlier, now);
        }
        t.print(Format.table, stdout);
    }

    /**
     * Round-to-round agreement of the median run and of the fastest run: on a contended machine the fastest run is
     * usually much steadier, because interference only ever adds time.
     */
    private static void stabilityRows(Table t, List<MeasurementStore.Row> rows, Set<Integer> a, Set<Integer> b) {
        String label = "rounds " + (a.size() == 1 ? a.iterator().next() : a) + " vs " + (b.size() == 1 ? b.iterator().next() : b);
        Stability median = Stability.between(rows, a, b, LatencyStats::medianMs);
        Stability min = Stability.between(rows, a, b, LatencyStats::minMs);
        if (Double.isNaN(median.spearman())) {
            t.row(label, "needs 3+ architectures measured in both (" + median.pairs() + " now)");
            return;
        }
        t.row(label, String.format(Locale.ROOT, "median: Spearman %.3f, median |diff| %.1f %%; min: Spearman %.3f, median |diff| %.1f %% (%d archs)",
                median.spearman(), median.medianAbsDiffPercent(), min.spearman(), min.medianAbsDiffPercent(), median.pairs()));
    }

    /** One row per architecture: medians over rounds of the per-round statistics, failures counted. */
    private static void writeCsv(Path file, List<MeasurementStore.Row> rows, java.util.Collection<String> order) {
        Map<String, List<MeasurementStore.Row>> byArch = new HashMap<>();
        for (MeasurementStore.Row r : rows) byArch.computeIfAbsent(r.canonical(), k -> new ArrayList<>()).add(r);
        List<String> lines = new ArrayList<>(List.of("arch,median_ms,p90_ms,min_ms,cv,robust_cv,runs,rounds,round_medians_ms,failures"));
        for (String arch : order) {
            List<MeasurementStore.Row> rs = byArch.getOrDefault(arch, List.of());
            List<LatencyStats> ok = rs.stream().filter(r -> r.outcome() instanceof Outcome.Measured)
                    .sorted((a, b) -> Integer.compare(a.round(), b.round()))
                    .map(r -> ((Outcome.Measured) r.outcome()).stats()).toList();
            long failures = rs.size() - ok.size();
            if (ok.isEmpty()) {
                lines.add(csv(arch) + ",,,,,,0,0,," + failures);
                continue;
            }
            String perRound = String.join(";", ok.stream().map(s -> fmt(s.medianMs())).toList());
            lines.add(String.join(",", csv(arch),
                    fmt(median(ok.stream().mapToDouble(LatencyStats::medianMs).toArray())),
                    fmt(median(ok.stream().mapToDouble(LatencyStats::p90Ms).toArray())),
                    fmt(ok.stream().mapToDouble(LatencyStats::minMs).min().orElseThrow()),
                    fmt(median(ok.stream().mapToDouble(LatencyStats::cv).toArray())),
                    fmt(median(ok.stream().mapToDouble(LatencyStats::robustCv).toArray())),
                    Integer.toString(ok.stream().mapToInt(LatencyStats::runs).sum()),
                    Integer.toString(ok.size()), perRound, Long.toString(failures)));
        }
        SafeOutput.writeString(file, "--out", String.join("\n", lines) + "\n");
    }

    private static void requireWritableParent(Path file) {
        Path parent = SafeOutput.check(file, "--out").path().getParent();
        if (parent == null || !Files.isDirectory(parent) || !Files.isWritable(parent))
            throw new BadInputException("--out " + file + ": directory " + parent + " does not exist or is not writable");
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
