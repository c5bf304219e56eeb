package dev.halo.cli.search;

import dev.halo.BadInputException;
import dev.halo.app.search.SearchSetup;
import dev.halo.cli.output.Format;
import dev.halo.cli.output.FormatOption;
import dev.halo.cli.output.Table;
import dev.halo.cli.progress.BarListener;
import dev.halo.search.Candidate;
import dev.halo.search.LatencyConstraint;
import dev.halo.search.SearchResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code halo pareto}: the accuracy-vs-latency front, as a table or CSV and a PNG plot. */
@Command(name = "pareto", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "The accuracy-vs-latency Pareto front: architectures no other evaluated architecture beats on accuracy and on the latency of every --device.",
            "Optional --max-latency draws the budget and marks the most accurate architecture within it.",
            "Budgets take units: 11ms, '11 ms', 0.011s, 500us; a bare number means ms.",
            "",
            "Example:",
            "  halo pareto --latency-table ../shared/data/help/nasbench201 \\",
            "    --device gold_6226 --max-latency 11ms --out front.csv --plot front.png \\",
            "    --accuracy ../shared/data/nasbench201-accuracy/accuracy.csv"
        })
public final class ParetoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin SearchOptions options;
    @Mixin FormatOption format;

    @Option(names = "--algorithm", defaultValue = "nsga2",
            description = "nsga2, evolution, random, or exhaustive (the exact front; NAS-Bench-201 only) (default: ${DEFAULT-VALUE}).")
    String algorithm = "nsga2";

    @Option(names = "--out", paramLabel = "FILE", description = "Write the front as CSV here (otherwise it prints in --format).")
    Path out;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Write a PNG plot of the front (latency of the first --device on x).")
    Path plot;

    @Override
    public Integer call() throws IOException {
        if (plot != null && !plot.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".png"))
            throw new BadInputException("--plot must name a .png file, got " + plot);
        SearchResult<?> r = BarListener.onTerminal(spec.commandLine().getErr(), progress -> SearchSetup.run(options.toRequest(), algorithm, progress));
        Table t = table(r);
        PrintWriter stdout = spec.commandLine().getOut();
        if (out != null) {
            writeAtomically(out, t);
            stdout.println("wrote " + t.size() + " front architectures to " + out);
        } else {
            t.print(format.format, stdout);
        }
        if (plot != null) {
            ParetoPlot.write(plot, r, 0, accuracyLabel(r), "Pareto front: " + options.space + ", " + r.algorithm() + ", " + r.evaluations() + " evaluations");
            stdout.println("wrote plot to " + plot);
        }
        if (r.constraints().stream().anyMatch(LatencyConstraint::bounded) && !r.feasible())
            SearchCommand.printNote(spec.commandLine().getErr(), r.infeasibleMessage());
        stdout.flush();
        return 0;
    }

    private String accuracyLabel(SearchResult<?> r) {
        if (options.accuracy != null) return options.metric + " test accuracy (%)";
        return options.proxy + " (accuracy proxy)";
    }

    /** The front, most accurate first; {@code within_budget} and {@code chosen} refer to the --max-latency budgets. */
    static Table table(SearchResult<?> r) {
        List<String> cols = new ArrayList<>(List.of("arch", "accuracy"));
        int n = r.constraints().size();
        boolean[] anyTrue = new boolean[n];
        for (int j = 0; j < n; j++) {
            int jj = j;
            anyTrue[j] = r.front().stream().anyMatch(c -> !Double.isNaN(c.trueMs(jj)));
            String suffix = n == 1 ? "" : "_" + r.constraints().get(j).device();
            cols.add("predicted_ms" + suffix);
            if (anyTrue[j]) cols.add("true_ms" + suffix);
        }
        cols.addAll(List.of("within_budget", "chosen"));
        Table t = new Table(cols);
        String chosen = r.feasible() ? r.best().arch().canonical() : null;
        for (Candidate<?> c : r.front()) {
            List<Object> row = new ArrayList<>(List.of(c.arch().canonical(), c.accuracy()));
            for (int j = 0; j < n; j++) {
                row.add(c.predictedMs(j));
                if (anyTrue[j]) row.add(Double.isNaN(c.trueMs(j)) ? null : c.trueMs(j));
            }
            row.add(c.feasible());
            row.add(c.arch().canonical().equals(chosen));
            t.row(row.toArray());
        }
        return t;
    }

    private static void writeAtomically(Path file, Table t) {
        try {
            AtomicWrite.write(file, out -> {
                PrintWriter w = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8));
                t.print(Format.csv, w);
                w.flush();
            });
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write the front: " + e.getMessage(), e);
        }
    }
}
