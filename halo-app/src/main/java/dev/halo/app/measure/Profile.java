package dev.halo.app.measure;

import dev.halo.BadInputException;
import dev.halo.io.Limits;
import dev.halo.app.Listener;
import dev.halo.measure.LayerwisePredictor;
import dev.halo.measure.MeasureSettings;
import dev.halo.measure.OpLatencyTable;
import dev.halo.measure.OpProfiler;
import dev.halo.measure.Stability;
import dev.halo.onnx.NetworkExporter;
import dev.halo.onnx.NetworkExporters;
import dev.halo.onnx.OnnxNetwork;
import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-operator latencies on this machine (ONNX Runtime's profiler at optimisation level NONE) and the layer-wise
 * predictor built from them (sum of operator latencies, HELP's baseline), optionally scored against measured medians.
 */
public final class Profile {
    private Profile() {}

    /** {@code out}: where to write the per-operator table (TSV); {@code measured}: a {@code halo measure --out} CSV to score on. */
    public record Request(SearchSpace<?> space, List<Architecture> archs, MeasureSettings settings, int runs, long seed, Path out, Path measured) {
        public Request {
            if (runs < 1) throw new BadInputException("--runs must be at least 1, got " + runs);
            Limits.check("--runs", runs, 1, Limits.MAX_RUNS);
            archs = List.copyOf(archs);
        }
    }

    /** The table's total per operator type with its number of signatures, and the layer-wise predictor's Spearman (NaN without measurements). */
    public record Result(Map<String, Double> msByOpType, Map<String, Long> signaturesByOpType, double spearmanVsMeasured, int scored) {}

    public static Result run(Request r, Listener listener) {
        SearchSpace<?> space = r.space();
        MeasureSettings settings = r.settings();
        long seed = r.seed();
        NetworkExporter exporter = NetworkExporters.forSpace(space);
        Map<String, Double> measuredMs = r.measured() == null ? Map.of() : readMeasured(r.measured());
        OpProfiler profiler = new OpProfiler(settings, r.runs());
        List<List<OpProfiler.TimedLayer>> profiles = new ArrayList<>();
        for (Architecture arch : r.archs()) {
            listener.checkCancelled();
            OnnxNetwork net = exporter.export(arch, settings.batch(), seed);
            profiles.add(OpProfiler.join(net, profiler.profile(net)));
            listener.progress("profile", profiles.size(), r.archs().size(), "");
        }
        OpLatencyTable table = OpLatencyTable.fromProfiles(profiles);
        if (r.out() != null) table.write(r.out());
        Map<String, Double> totals = table.msByOpType();
        Map<String, Long> signatures = new LinkedHashMap<>();
        totals.keySet().forEach(op -> signatures.put(op, table.entries().stream().filter(e -> e.opType().equals(op)).count()));
        if (measuredMs.isEmpty()) return new Result(totals, signatures, Double.NaN, 0);
        LayerwisePredictor predictor = new LayerwisePredictor(space.name(), table, a -> exporter.structure(a, settings.batch()));
        List<Architecture> scored = new ArrayList<>();
        List<Double> truth = new ArrayList<>();
        measuredMs.forEach((canonical, ms) -> {
            scored.add(space.parse(canonical));
            truth.add(ms);
        });
        double[] predicted = predictor.predictMs(scored);
        return new Result(totals, signatures, Stability.spearman(predicted, truth.stream().mapToDouble(Double::doubleValue).toArray()), scored.size());
    }

    /** arch -> median_ms from a {@code halo measure --out} CSV (rows without a median are skipped). */
    static Map<String, Double> readMeasured(Path csv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadInputException(csv + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (lines.isEmpty() || !lines.getFirst().startsWith("arch,median_ms"))
            throw new BadInputException(csv + ":1: expected a 'halo measure --out' CSV starting with arch,median_ms");
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            String arch;
            String rest;
            if (line.startsWith("\"")) {
                int end = line.indexOf("\",", 1);
                if (end < 0) throw new BadInputException(csv + ":" + (i + 1) + ": unterminated quoted arch");
                arch = line.substring(1, end).replace("\"\"", "\"");
                rest = line.substring(end + 2);
            } else {
                int comma = line.indexOf(',');
                if (comma < 0) throw new BadInputException(csv + ":" + (i + 1) + ": expected arch,median_ms,...");
                arch = line.substring(0, comma);
                rest = line.substring(comma + 1);
            }
            String median = rest.split(",", -1)[0];
            if (median.isEmpty()) continue;
            try {
                out.put(arch, Double.parseDouble(median));
            } catch (NumberFormatException e) {
                throw new BadInputException(csv + ":" + (i + 1) + ": median_ms '" + median + "' is not a number");
            }
        }
        return out;
    }
}
