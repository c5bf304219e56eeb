package dev.halo.app.measure;

import dev.halo.BadInputException;
import dev.halo.app.Listener;
import dev.halo.io.Limits;
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

/**
 * Times architectures on this machine with ONNX Runtime in interleaved rounds, keeping every result in an SQLite store as it
 * comes: a cancelled run continues where it stopped when started again with the same request.
 */
public final class Measure {
    private Measure() {}

    /**
     * {@code rounds} new rounds after the stored ones with {@code repeat}, else rounds 1..{@code rounds}; {@code out}, if
     * given, receives one CSV row per architecture.
     */
    public record Request(SearchSpace<?> space, List<Architecture> archs, MeasureSettings settings, int rounds, long seed, Path store,
            Path out, boolean repeat) {
        public Request {
            if (rounds < 1) throw new BadInputException("--rounds must be at least 1, got " + rounds);
            Limits.check("--rounds", rounds, 1, Limits.MAX_ROUNDS);
            archs = List.copyOf(archs);
            if (out != null) {
                Path parent = SafeOutput.check(out, "--out").path().getParent();
                if (parent == null || !Files.isDirectory(parent) || !Files.isWritable(parent))
                    throw new BadInputException("--out " + out + ": directory " + parent + " does not exist or is not writable");
            }
        }
    }

    /** Round-to-round agreement of the median run and of the fastest run (interference only ever adds time). */
    public record RoundComparison(String label, Stability median, Stability min) {}

    /**
     * The machine, what was measured now, and over this request's architectures in the store: the per-run statistics'
     * medians (NaN when nothing was measured) and the comparisons of the first two rounds and of earlier vs new rounds;
     * the rows stored with a {@link dev.halo.measure.Plausibility} flag (the first one's flag, null if none), and whether
     * some of them (oversubscribed) are kept out of the latencies.
     */
    public record Result(DeviceFingerprint fingerprint, MeasurementCampaign.Summary summary, double minutes, int measuredRows, double medianCv,
            double medianRobustCv, double medianRuns, List<RoundComparison> comparisons, int flagged, String firstFlag, boolean unusable) {}

    public static Result run(Request r, Listener listener) {
        NetworkExporter exporter = NetworkExporters.forSpace(r.space());
        Map<String, Architecture> byCanonical = new LinkedHashMap<>();
        for (Architecture a : r.archs()) byCanonical.put(a.canonical(), a);
        OrtLatencyMeter meter = new OrtLatencyMeter(r.settings(), canonical -> exporter.export(byCanonical.get(canonical), r.settings().batch(), r.seed()));
        DeviceFingerprint fingerprint = DeviceFingerprint.current(r.settings());
        try (MeasurementStore db = MeasurementStore.open(r.store())) {
            long device = db.device(fingerprint);
            int first = r.repeat() ? 1 + maxRound(db.rows(device, r.space().name()), byCanonical.keySet()) : 1;
            MeasurementCampaign campaign = new MeasurementCampaign(db, device, r.space().name(), List.copyOf(byCanonical.keySet()),
                    first, first + r.rounds() - 1, r.seed(), r.settings().toJson(), meter);
            long startNanos = System.nanoTime();
            MeasurementCampaign.Summary summary = campaign.run(new CampaignProgress(campaign, "measure", listener));
            double minutes = (System.nanoTime() - startNanos) / 6e10;
            List<MeasurementStore.Row> rows = db.rows(device, r.space().name()).stream().filter(x -> byCanonical.containsKey(x.canonical())).toList();
            if (r.out() != null) writeCsv(r.out(), rows, byCanonical.keySet());
            List<MeasurementStore.Row> flagged = rows.stream().filter(MeasurementStore.Row::flagged).toList();
            List<LatencyStats> ok = rows.stream().filter(x -> x.outcome() instanceof Outcome.Measured).map(x -> ((Outcome.Measured) x.outcome()).stats()).toList();
            return new Result(fingerprint, summary, minutes, ok.size(), median(ok.stream().mapToDouble(LatencyStats::cv).toArray()),
                    median(ok.stream().mapToDouble(LatencyStats::robustCv).toArray()), median(ok.stream().mapToDouble(LatencyStats::runs).toArray()),
                    comparisons(rows, first), flagged.size(), flagged.isEmpty() ? null : flagged.getFirst().flag(),
                    flagged.stream().anyMatch(x -> !x.usable()));
        }
    }

    private static List<RoundComparison> comparisons(List<MeasurementStore.Row> rows, int firstRound) {
        List<RoundComparison> out = new ArrayList<>();
        int[] roundsPresent = rows.stream().mapToInt(MeasurementStore.Row::round).distinct().sorted().toArray();
        if (roundsPresent.length >= 2) out.add(compare(rows, Set.of(roundsPresent[0]), Set.of(roundsPresent[1])));
        if (firstRound > 1) {
            Set<Integer> earlier = new TreeSet<>();
            Set<Integer> now = new TreeSet<>();
            for (int r : roundsPresent) (r < firstRound ? earlier : now).add(r);
            if (!earlier.isEmpty() && !now.isEmpty()) out.add(compare(rows, earlier, now));
        }
        return out;
    }

    private static RoundComparison compare(List<MeasurementStore.Row> rows, Set<Integer> a, Set<Integer> b) {
        String label = "rounds " + (a.size() == 1 ? a.iterator().next() : a) + " vs " + (b.size() == 1 ? b.iterator().next() : b);
        return new RoundComparison(label, Stability.between(rows, a, b, LatencyStats::medianMs), Stability.between(rows, a, b, LatencyStats::minMs));
    }

    private static int maxRound(List<MeasurementStore.Row> rows, Set<String> archs) {
        return rows.stream().filter(r -> archs.contains(r.canonical())).mapToInt(MeasurementStore.Row::round).max().orElse(0);
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

    private static double median(double[] v) {
        if (v.length == 0) return Double.NaN;
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
