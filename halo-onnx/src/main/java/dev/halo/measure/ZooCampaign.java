package dev.halo.measure;

import dev.halo.BadInputException;
import dev.halo.Halo;
import dev.halo.io.SafeOutput;
import dev.halo.onnx.OnnxNetwork;
import dev.halo.onnx.zoo.ModelZoo;
import dev.halo.onnx.zoo.ZooFiles;
import dev.halo.onnx.zoo.ZooModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Measuring generated zoo models with the same harness and store as search-space architectures: the store's space
 * is {@value #SPACE}, an architecture is a model's canonical string, and the SHA-256 of the exported file is kept
 * beside it, so a resumed campaign whose exporter or weight seed changed fails those models instead of mixing two
 * different files under one name.
 */
public final class ZooCampaign {
    /** The store's space name for zoo models. */
    public static final String SPACE = "zoo";

    private ZooCampaign() {}

    /**
     * A resumable campaign over {@code models} ({@code rounds} interleaved rounds; weights and shuffles from
     * {@code seed}) timed by ONNX Runtime under {@code settings}.
     */
    public static MeasurementCampaign campaign(MeasurementStore store, long deviceId, List<ZooModel> models, int rounds,
            long seed, MeasureSettings settings) {
        return campaign(store, deviceId, models, 1, rounds, seed, settings, new OrtLatencyMeter(settings, exporter(store, settings.batch(), seed)));
    }

    /** The same with any meter and round range (tests use a fake meter). */
    public static MeasurementCampaign campaign(MeasurementStore store, long deviceId, List<ZooModel> models, int firstRound,
            int lastRound, long seed, MeasureSettings settings, LatencyMeter meter) {
        List<String> specs = models.stream().map(ZooModel::canonical).toList();
        String json = settings.toJson().replaceFirst("}$", ",\"weights_seed\":" + seed + "}");
        return new MeasurementCampaign(store, deviceId, SPACE, specs, firstRound, lastRound, seed, json, meter);
    }

    /** Exports a canonical string with weights from {@code seed}, recording (or checking) the file's SHA-256 in the store. */
    public static Function<String, OnnxNetwork> exporter(MeasurementStore store, int batch, long seed) {
        return spec -> {
            OnnxNetwork net = ModelZoo.parse(spec).export(batch, seed);
            MeasurementStore.ModelRow now = new MeasurementStore.ModelRow(ZooFiles.sha256(net.bytes()), net.trainableParams(), net.macs());
            MeasurementStore.ModelRow first = store.recordModel(SPACE, spec, now);
            if (!first.sha256().equals(now.sha256()))
                throw new IllegalStateException("model file changed since this store first measured it (sha256 " + first.sha256().substring(0, 12)
                        + " then, " + now.sha256().substring(0, 12) + " now): another --seed or halo version; use a new store");
            return net;
        };
    }

    /** The table's header; one row per model follows. */
    public static final String CSV_HEADER = "spec,family,resolution,params,macs,model_sha256,median_ms,min_ms,p90_ms,cv,robust_cv,runs,rounds,round_medians_ms,failures";

    /**
     * One CSV line per model of {@code specs} (in that order) from what the store holds for the device: medians over
     * rounds of each round's median, p90, CV; the fastest run over all rounds; per-round medians joined by {@code ;}.
     */
    public static List<String> table(MeasurementStore store, long deviceId, List<String> specs) {
        Map<String, List<MeasurementStore.Row>> byModel = new HashMap<>();
        for (MeasurementStore.Row r : store.rows(deviceId, SPACE)) byModel.computeIfAbsent(r.canonical(), k -> new ArrayList<>()).add(r);
        Map<String, MeasurementStore.ModelRow> files = store.models(SPACE);
        List<String> lines = new ArrayList<>(List.of(CSV_HEADER));
        for (String spec : specs) {
            ZooModel m = ModelZoo.parse(spec);
            MeasurementStore.ModelRow file = files.get(spec);
            List<MeasurementStore.Row> rows = byModel.getOrDefault(spec, List.of());
            List<LatencyStats> ok = rows.stream().filter(r -> r.outcome() instanceof Outcome.Measured)
                    .sorted((a, b) -> Integer.compare(a.round(), b.round()))
                    .map(r -> ((Outcome.Measured) r.outcome()).stats()).toList();
            String head = String.join(",", spec, m.family(), Integer.toString(m.resolution()),
                    file == null ? "" : Long.toString(file.params()), file == null ? "" : Long.toString(file.macs()),
                    file == null ? "" : file.sha256());
            long failures = rows.size() - ok.size();
            if (ok.isEmpty()) {
                lines.add(head + ",,,,,,0,0,," + failures);
                continue;
            }
            lines.add(String.join(",", head,
                    fmt(median(ok.stream().mapToDouble(LatencyStats::medianMs).toArray())),
                    fmt(ok.stream().mapToDouble(LatencyStats::minMs).min().orElseThrow()),
                    fmt(median(ok.stream().mapToDouble(LatencyStats::p90Ms).toArray())),
                    fmt(median(ok.stream().mapToDouble(LatencyStats::cv).toArray())),
                    fmt(median(ok.stream().mapToDouble(LatencyStats::robustCv).toArray())),
                    Integer.toString(ok.stream().mapToInt(LatencyStats::runs).sum()), Integer.toString(ok.size()),
                    String.join(";", ok.stream().map(s -> fmt(s.medianMs())).toList()), Long.toString(failures)));
        }
        return lines;
    }

    /**
     * Writes {@code DIR/zoo-<fingerprint>.csv} (the table) and {@code DIR/zoo-<fingerprint>.json} (the device
     * fingerprint, settings, weight seed, halo version, time) atomically; returns the CSV path.
     */
    public static Path writeTable(Path dir, MeasurementStore store, long deviceId, DeviceFingerprint fingerprint,
            MeasureSettings settings, long seed, int rounds, List<String> specs) {
        if (!Files.isDirectory(dir)) throw new BadInputException(dir + ": no such directory");
        Path csv = dir.resolve("zoo-" + fingerprint.id() + ".csv");
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("fingerprint", fingerprint.id());
        meta.put("label", fingerprint.label());
        meta.put("models", specs.size());
        meta.put("rounds", rounds);
        meta.put("weights_seed", seed);
        meta.put("halo", Halo.version());
        meta.put("written_at", Instant.now().toString());
        String json = "{\"table\":" + Json.object(meta.entrySet().stream().flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue())).toArray())
                + ",\n \"device\":" + fingerprint.toJson() + ",\n \"settings\":" + settings.toJson() + "}\n";
        atomicWrite(csv, table(store, deviceId, specs));
        atomicWrite(dir.resolve("zoo-" + fingerprint.id() + ".json"), List.of(json.strip()));
        return csv;
    }

    /** Canonical strings from a file: one per line, or the first column of a CSV whose header starts with {@code spec}. */
    public static List<String> readSpecs(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String text = (hash >= 0 ? line.substring(0, hash) : line).strip();
            int comma = text.indexOf(',');
            if (comma >= 0) text = text.substring(0, comma).strip();
            if (text.isEmpty() || (i == 0 && text.equals("spec"))) continue;
            try {
                out.add(ModelZoo.parse(text).canonical());
            } catch (BadInputException e) {
                throw new BadInputException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        if (out.isEmpty()) throw new BadInputException(file + ": no model specs in the file");
        return List.copyOf(new java.util.LinkedHashSet<>(out));
    }

    private static void atomicWrite(Path file, List<String> lines) {
        SafeOutput.writeString(file, "--out", String.join("\n", lines) + "\n");
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
}
