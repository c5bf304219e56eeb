package dev.halo.cli.search;

import dev.halo.BadInputException;
import dev.halo.cli.output.FormatOption;
import dev.halo.cli.output.Table;
import dev.halo.search.Candidate;
import dev.halo.search.LatencyConstraint;
import dev.halo.search.SearchResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code halo search}: the most accurate architecture whose latency meets the budget on every named device. */
@Command(name = "search", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Find the most accurate architecture whose latency meets the budget on every --device.",
            "Latency comes from measured tables, adapted model files, or few-shot adaptation; where a true latency is known it is printed beside the predicted one.",
            "Budgets take units: 11ms, '11 ms', 0.011s, 500us; a bare number means ms.",
            "If no architecture meets the budget, one line says so and names the fastest reachable latency (exit 2).",
            "",
            "Example:",
            "  halo search --latency-table ../shared/data/help/nasbench201 \\",
            "    --device gold_6226 --max-latency 11ms --metric cifar100 \\",
            "    --accuracy ../shared/data/nasbench201-accuracy/accuracy.csv"
        })
public final class SearchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin SearchOptions options;
    @Mixin FormatOption format;

    @Option(names = "--algorithm", defaultValue = "evolution",
            description = "evolution (regularized evolution), random, nsga2, or exhaustive (every architecture; NAS-Bench-201 only) (default: ${DEFAULT-VALUE}).")
    String algorithm = "evolution";

    @Override
    public Integer call() {
        if (options.maxLatency.isEmpty()) throw new BadInputException("give --max-latency (e.g. 11ms); to see the whole trade-off use halo pareto");
        SearchResult<?> r = SearchSetup.run(options, algorithm);
        if (!r.feasible()) throw new BadInputException(r.infeasibleMessage());
        table(r).print(format.format, spec.commandLine().getOut());
        return 0;
    }

    /** One row per device: the chosen architecture with its predicted and (where known) true latency there. */
    static Table table(SearchResult<?> r) {
        Candidate<?> best = r.best();
        boolean anyTrue = best.trueMs().stream().anyMatch(v -> !Double.isNaN(v));
        List<String> cols = new ArrayList<>(List.of("arch", "accuracy", "device", "max_ms", "margin", "predicted_ms"));
        if (anyTrue) cols.add("true_ms");
        cols.addAll(List.of("algorithm", "evaluations", "seconds"));
        Table t = new Table(cols);
        for (int j = 0; j < r.constraints().size(); j++) {
            LatencyConstraint c = r.constraints().get(j);
            List<Object> row = new ArrayList<>(List.of(best.arch().canonical(), best.accuracy(), c.device(), c.maxMs(), c.margin(), best.predictedMs(j)));
            if (anyTrue) row.add(Double.isNaN(best.trueMs(j)) ? null : best.trueMs(j));
            row.addAll(List.of(r.algorithm(), r.evaluations(), r.seconds()));
            t.row(row.toArray());
        }
        return t;
    }

    static void printNote(PrintWriter err, String text) {
        err.println("halo: " + text);
        err.flush();
    }
}
