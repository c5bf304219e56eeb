package dev.halo.cli.measure;

import dev.halo.BadInputException;
import dev.halo.cli.output.FormatOption;
import dev.halo.cli.output.Table;
import dev.halo.cli.progress.Progress;
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
import dev.halo.space.Spaces;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

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
        if (runs < 1) throw new BadInputException("--runs must be at least 1, got " + runs);
        dev.halo.io.Limits.check("--runs", runs, 1, dev.halo.io.Limits.MAX_RUNS);
        MeasureSettings settings = how.settings();
        SearchSpace<?> space = Spaces.byName(spaceName);
        NetworkExporter exporter = NetworkExporters.forSpace(space);
        List<Architecture> archs = selection.resolve(space, seed);
        Map<String, Double> measuredMs = measured == null ? Map.of() : readMeasured(measured);
        OpProfiler profiler = new OpProfiler(settings, runs);
        List<List<OpProfiler.TimedLayer>> profiles = new ArrayList<>();
        try (ProgressBar bar = Progress.bar("profile", archs.size(), 0, spec.commandLine().getErr())) {
            for (Architecture arch : archs) {
                OnnxNetwork net = exporter.export(arch, settings.batch(), seed);
                profiles.add(OpProfiler.join(net, profiler.profile(net)));
                bar.step();
            }
        }
        OpLatencyTable table = OpLatencyTable.fromProfiles(profiles);
        if (out != null) table.write(out);
        Table byOp = new Table("op_type", "table_ms", "signatures");
        Map<String, Double> totals = table.msByOpType();
        totals.forEach((op, ms) -> byOp.row(op, ms, table.entries().stream().filter(e -> e.opType().equals(op)).count()));
        byOp.print(format.format, spec.commandLine().getOut());
        if (!measuredMs.isEmpty()) {
            LayerwisePredictor predictor = new LayerwisePredictor(space.name(), table, a -> exporter.structure(a, settings.batch()));
            List<Architecture> scored = new ArrayList<>();
            List<Double> truth = new ArrayList<>();
            measuredMs.forEach((canonical, ms) -> {
                scored.add(space.parse(canonical));
                truth.add(ms);
            });
            double[] predicted = predictor.predictMs(scored);
            double rho = Stability.spearman(predicted, truth.stream().mapToDouble(Double::doubleValue).toArray());
            spec.commandLine().getErr().printf(Locale.ROOT, "layer-wise predictor vs %s: Spearman %.3f over %d architectures%n",
                    measured, rho, scored.size());
        }
        return 0;
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
        Map<String, Double> out = new java.util.LinkedHashMap<>();
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
