package dev.halo.cli.predict;

import dev.halo.app.predict.Predict;
import dev.halo.io.SafeOutput;
import dev.halo.predict.LatencyPredictor;
import dev.halo.space.Architecture;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code halo predict}: latencies of architectures on a device, from a model adapted with {@code halo adapt}. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Predict latencies on a device from its adapted model (made by 'halo adapt').",
            "",
            "Writes CSV rows arch,predicted_ms,lower,upper. [lower, upper] is a --level interval: by default (--interval loo) each "
                + "prediction widened by the held-out errors of the support archs (each predicted by a model adapted without it; "
                + "conservative with 10 samples); --interval mc gives the central interval of the model's Monte-Carlo draws of "
                + "the device code, the spread of the meta-learned model, which is much narrower than the actual errors. An op-costs fit "
                + "('halo adapt --method op-costs') gives the jackknife interval of its leave-one-out errors. Progress goes to stderr "
                + "for lists longer than " + PredictCommand.CHUNK + " archs."})
public final class PredictCommand implements Callable<Integer> {
    /** Predictions are made and reported in chunks of this many archs (progress on stderr beyond one chunk). */
    static final int CHUNK = 1 << 14;

    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "An adapted device model (from 'halo adapt').")
    Path model;

    static final class Which {
        @Option(names = "--all", description = "Every architecture of the space (enumerable spaces only: nasbench201).")
        boolean all;

        @Option(names = "--archs", paramLabel = "FILE", description = "A CSV with an 'arch' column (e.g. 'halo arch sample --format csv').")
        Path archsFile;

        @Parameters(paramLabel = "ARCH", arity = "1..*", description = "Architectures in any form the space parses.")
        List<String> archs;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    @Option(names = "--out", paramLabel = "CSV", description = "Output file (default: standard output).")
    Path out;

    @Option(names = "--interval", defaultValue = "loo",
            description = "mc: spread of the model's Monte-Carlo draws (not calibrated); loo: held-out errors of the support archs,"
                    + " each predicted by a model adapted without it (calibrated if the support archs are a random draw)"
                    + " (default: ${DEFAULT-VALUE}).")
    Predict.Interval interval;

    @Option(names = "--level", defaultValue = "0.8", description = "Central interval level, in (0, 1) (default: ${DEFAULT-VALUE}).")
    double level;

    @Override
    public Integer call() {
        if (out != null) SafeOutput.check(out, "--out");
        Predict.Loaded loaded = Predict.load(model, interval, level);
        String device = loaded.device();
        var intervals = loaded.predict();
        List<? extends Architecture> archs = Predict.archs(loaded.space(), which.all, which.archsFile, which.archs);

        if (out == null) {
            PrintWriter w = spec.commandLine().getOut();
            write(intervals, archs, w);
            w.flush();
            return 0;
        }
        SafeOutput.write(out, "--out", stream -> {
            Writer w = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
            write(intervals, archs, w);
            w.flush();
        });
        spec.commandLine().getErr().println("halo: " + archs.size() + " predictions for " + device + " written to " + out);
        spec.commandLine().getErr().flush();
        return 0;
    }

    private void write(Function<List<? extends Architecture>, LatencyPredictor.Prediction[]> intervals, List<? extends Architecture> archs, Writer w) {
        PrintWriter err = spec.commandLine().getErr();
        boolean progress = archs.size() > CHUNK;
        try {
            w.write("arch,predicted_ms,lower,upper\n");
            StringBuilder line = new StringBuilder(128);
            for (int from = 0; from < archs.size(); from += CHUNK) {
                List<? extends Architecture> chunk = archs.subList(from, Math.min(archs.size(), from + CHUNK));
                LatencyPredictor.Prediction[] p = intervals.apply(chunk);
                for (int i = 0; i < p.length; i++) {
                    line.setLength(0);
                    line.append(csvCell(chunk.get(i).canonical())).append(',').append(p[i].ms()).append(',')
                            .append(p[i].lowerMs()).append(',').append(p[i].upperMs()).append('\n');
                    w.append(line);
                }
                if (progress) {
                    err.printf("halo: predicted %d/%d%n", from + chunk.size(), archs.size());
                    err.flush();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String csvCell(String s) {
        return s.indexOf(',') < 0 && s.indexOf('"') < 0 ? s : '"' + s.replace("\"", "\"\"") + '"';
    }
}
