package dev.halo.cli.model;

import dev.halo.app.model.DescribeModel;
import dev.halo.app.model.MeasureModel;
import dev.halo.cli.output.Format;
import dev.halo.cli.output.Table;
import dev.halo.cli.progress.BarListener;
import dev.halo.measure.LatencyStats;
import dev.halo.measure.MeasureSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Mixin of {@code halo measure}: {@code --model FILE.onnx [--input NAME=SHAPE] [--profile-runs N]}. */
public final class ModelMeasureOptions {
    @Option(names = "--model", paramLabel = "FILE.onnx",
            description = "Measure this ONNX model file instead of architectures (stored under its SHA-256 and input shapes).")
    public Path model;

    @Option(names = "--input", paramLabel = "NAME=SHAPE",
            description = "With --model: shape of an input, e.g. input=1x3x224x224 (needed for dynamic dimensions; --batch is not used).")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--profile-runs", paramLabel = "N",
            description = "With --model: runs of ONNX Runtime's profiler for the per-kernel table (default: 10; 0 = none).")
    int profileRuns = 10;

    @Option(names = "--top", paramLabel = "K", description = "With --model: kernels listed in the profile (default: 15).")
    int top = 15;

    /** Measures {@link #model}, prints a summary and the kernel profile; returns the exit status. */
    public int run(PrintWriter out, PrintWriter err, MeasureSettings settings, int rounds, boolean repeat, long seed, Path store) {
        if (settings.batch() != 1)
            throw new dev.halo.BadInputException("--batch does not apply to --model: give the batch in the input shape, e.g. --input input=8x3x224x224");
        var request = new MeasureModel.Request(model, DescribeModel.parseInputs(inputs), settings, rounds, repeat, seed, store, profileRuns);
        MeasureModel.Result r;
        try (BarListener progress = new BarListener(err)) {
            r = new MeasureModel().run(request, progress);
        }
        Table t = new Table("key", "value");
        t.row("model", model.toString());
        t.row("identity", r.identity());
        t.row("device", r.device().label() + " (" + r.device().id() + ")");
        t.row("store", store + " (space " + MeasureModel.SPACE + ")");
        t.row("measured now", r.summary().measured() + " (" + r.summary().failed() + " failed), already stored " + r.summary().alreadyDone());
        for (MeasureModel.Round round : r.rounds()) {
            LatencyStats s = round.stats();
            t.row("round " + round.round(), round.measured()
                    ? String.format(Locale.ROOT, "median %.3f ms, min %.3f, p90 %.3f, CV %.1f %%, %d runs", s.medianMs(), s.minMs(), s.p90Ms(), 100 * s.cv(), s.runs())
                    : "failed: " + round.failure());
        }
        if (r.measuredRounds() > 0)
            t.row("latency", String.format(Locale.ROOT, "%.3f ms (median over %d rounds)", r.latencyMs(), r.measuredRounds()));
        t.print(Format.table, out);
        if (!r.profile().isEmpty()) {
            out.println();
            out.println("kernel profile (ONNX Runtime profiler, " + profileRuns + " runs, optimisation " + settings.optimization().name().toLowerCase(Locale.ROOT) + "), slowest first:");
            Table p = new Table("kernel", "op", "ms", "share");
            r.profile().stream().limit(Math.max(1, top)).forEach(k -> p.row(k.node(), k.op(), k.ms(), String.format(Locale.ROOT, "%.1f %%", 100 * k.share())));
            p.print(Format.table, out);
            if (r.profile().size() > top) out.println("... " + (r.profile().size() - top) + " more kernels (--top)");
        }
        return r.summary().failed() > 0 ? 1 : 0;
    }
}
