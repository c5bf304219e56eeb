package dev.halo.cli.search;

import dev.halo.BadInputException;
import dev.halo.app.Methods;
import dev.halo.app.search.LiveLatency;
import dev.halo.app.search.MeasuredSearch;
import dev.halo.app.search.SearchSetup;
import dev.halo.cli.output.FormatOption;
import dev.halo.cli.output.Table;
import dev.halo.cli.progress.BarListener;
import dev.halo.search.SearchResult;
import dev.halo.space.Architecture;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Function;
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
            "Predictions are least reliable exactly at the budget. With --adapt-from,",
            "--measure N spends up to N measurements on the device and answers the most",
            "accurate architecture MEASURED under the budget; --verify measures the",
            "answer on this machine through ONNX Runtime.",
            "",
            "Example:",
            "  halo search --latency-table ../shared/data/help/nasbench201 \\",
            "    --device gold_6226 --max-latency 11ms --metric cifar100 \\",
            "    --accuracy ../shared/data/nasbench201-accuracy/accuracy.csv",
            "  halo search --adapt-from ../shared/data/help/nasbench201 --device pixel2 --max-latency 14ms \\",
            "    --accuracy ../shared/data/nasbench201-accuracy/accuracy.csv --algorithm exhaustive --measure 5"
        })
public final class SearchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin SearchOptions options;
    @Mixin FormatOption format;

    @Option(names = "--algorithm", defaultValue = "evolution",
            description = "evolution (regularized evolution), random, nsga2, or exhaustive (every architecture; NAS-Bench-201 only) (default: ${DEFAULT-VALUE}).")
    String algorithm = "evolution";

    @Option(names = "--measure", defaultValue = "0", paramLabel = "N",
            description = "With --adapt-from and one --device: after the search, measure up to N candidates on the device, one at a time, each "
                    + "time the one with the largest expected gain (probability of meeting the budget, from the leave-one-out calibration and the "
                    + "measurements so far, times its accuracy above the best architecture already measured under the budget); answer the most "
                    + "accurate architecture MEASURED under the budget (a known sample counts). If none is, the predicted choice stands, marked "
                    + "unverified. The predictor is --method's (default auto); docs/results/search.md measured "
                    + "this with --method experimental:mix-src-loo-long: on HELP's devices 10 measurements brought every budget within 0.3 points "
                    + "of the best possible choice "
                    + "(default: ${DEFAULT-VALUE}, no measurement).")
    int measure;

    @Option(names = "--measure-on", defaultValue = "table", paramLabel = "table|here",
            description = "Where --measure measures: the device's column of the --adapt-from dataset (table: to see what measuring would give "
                    + "where the truth is known), or this machine through ONNX Runtime, 1 thread, batch 1 (here: the device should then be this "
                    + "machine's column) (default: ${DEFAULT-VALUE}).")
    String measureOn = "table";

    @Option(names = "--verify",
            description = "Measure the chosen architecture on this machine through ONNX Runtime (1 thread, batch 1, median of stable runs) and "
                    + "print it as measured_here_ms.")
    boolean verify;

    @Override
    public Integer call() {
        if (options.maxLatency.isEmpty()) throw new BadInputException("give --max-latency (e.g. 11ms); to see the whole trade-off use halo pareto");
        if (measure < 0) throw new BadInputException("--measure must be ≥ 0 measurements, got " + measure);
        if (!measureOn.equals("table") && !measureOn.equals("here")) throw new BadInputException("--measure-on must be table or here, got '" + measureOn + "'");
        if (measure > 0 && options.source.adaptFrom == null)
            throw new BadInputException("--measure needs --adapt-from DIR: the chance that a candidate meets the budget comes from the device's known samples");
        if (measure > 0 && options.devices.size() != 1) throw new BadInputException("--measure measures one device; name exactly one --device");
        PrintWriter err = spec.commandLine().getErr();
        SearchSetup.Searched<?> searched = BarListener.onTerminal(err, progress -> SearchSetup.searched(options.toRequest(), algorithm, progress));
        if (!searched.setup().methodSummary().isEmpty()) printNote(err, "predictor " + searched.setup().methodSummary());
        Table t = measure > 0 ? measured(searched, err) : verified(searched, err);
        t.print(format.format, spec.commandLine().getOut());
        return 0;
    }

    /** The search's own choice, with its live measurement when {@code --verify}. */
    private <A extends Architecture> Table verified(SearchSetup.Searched<A> searched, PrintWriter err) {
        SearchResult<A> r = searched.result();
        if (!r.feasible()) throw new BadInputException(r.infeasibleMessage());
        return SearchTable.of(r, verify ? live(searched, err).medianMs(r.best().arch()) : null);
    }

    private LiveLatency liveLatency;

    private LiveLatency live(SearchSetup.Searched<?> searched, PrintWriter err) {
        if (liveLatency == null) {
            liveLatency = new LiveLatency(searched.setup().problem().space(), note -> printNote(err, note));
            printNote(err, "measuring on " + liveLatency.describe());
        }
        return liveLatency;
    }

    /** {@code --measure N}: the measured choice among the candidates the search scored. */
    private <A extends Architecture> Table measured(SearchSetup.Searched<A> searched, PrintWriter err) {
        Function<A, OptionalDouble> meter = measureOn.equals("here") ? a -> live(searched, err).medianMs(a) : MeasuredSearch.datasetColumn(searched);
        MeasuredSearch.Result<A> m = MeasuredSearch.choose(searched, measure, meter);
        Table log = new Table("measured", "arch", "accuracy", "predicted_ms", "p_meets_budget", "measured_ms");
        for (int i = 0; i < m.choice().measurements().size(); i++) {
            var x = m.choice().measurements().get(i);
            log.row(i + 1, x.arch(), x.accuracy(), x.predictedMs(), x.feasibleProbability(), Double.isNaN(x.trueMs()) ? null : x.trueMs());
        }
        printNote(err, m.choice().measurements().size() + " measurement(s) on " + m.device() + (measureOn.equals("here") ? " (this machine)" : " (its dataset column)")
                + ", candidates ranked by " + (options.model != null ? options.model : options.method != null ? options.method : Methods.DEFAULT) + ":");
        log.print(dev.halo.cli.output.Format.table, err);
        if (!m.choice().certified()) printNote(err, "no measured or known architecture met the budget; the predicted choice stands, unverified");
        A chosen = m.choice().arch();
        List<String> cols = new ArrayList<>(List.of("arch", "accuracy", "device", "max_ms", "predicted_ms", "measured_ms", "certified", "measurements"));
        if (m.trueMs().isPresent()) cols.add("true_ms");
        if (verify) cols.add("measured_here_ms");
        cols.addAll(List.of("algorithm", "evaluations", "seconds"));
        List<Object> row = new ArrayList<>(List.of(chosen.canonical(), m.choice().accuracy(), m.device(), m.budgetMs(), m.predictedMs()));
        row.add(Double.isNaN(m.choice().trueMs()) ? null : m.choice().trueMs());
        row.add(m.choice().certified());
        row.add(m.choice().measurements().size());
        if (m.trueMs().isPresent()) row.add(m.trueMs().getAsDouble());
        if (verify) {
            OptionalDouble here = live(searched, err).medianMs(chosen);
            row.add(here.isPresent() ? here.getAsDouble() : null);
        }
        row.addAll(List.of(searched.result().algorithm() + "+measure", searched.result().evaluations(), m.seconds()));
        Table t = new Table(cols);
        t.row(row.toArray());
        return t;
    }

    static void printNote(PrintWriter err, String text) {
        err.println("halo: " + text);
        err.flush();
    }
}
