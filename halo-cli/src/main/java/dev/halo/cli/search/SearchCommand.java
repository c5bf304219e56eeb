package dev.halo.cli.search;

import dev.halo.BadInputException;
import dev.halo.app.Methods;
import dev.halo.app.search.SearchSetup;
import dev.halo.cli.output.FormatOption;
import dev.halo.cli.output.Table;
import dev.halo.search.Candidate;
import dev.halo.search.FewShotDevice;
import dev.halo.search.LatencyConstraint;
import dev.halo.search.MeasuredChoice;
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
                    + "unverified. Unless --method is given, the predictor is then mix-src-loo-long (about 25 s to prepare). On HELP's "
                    + "devices 10 measurements bring every budget within 0.3 points of the best possible choice (docs/results/search.md) "
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
        SearchSetup.Searched<?> searched = SearchSetup.searched(options.toRequest(), algorithm);
        PrintWriter err = spec.commandLine().getErr();
        Table t = measure > 0 ? measured(searched, err) : verified(searched, err);
        t.print(format.format, spec.commandLine().getOut());
        return 0;
    }

    /** The search's own choice, with its live measurement when {@code --verify}. */
    private <A extends Architecture> Table verified(SearchSetup.Searched<A> searched, PrintWriter err) {
        SearchResult<A> r = searched.result();
        if (!r.feasible()) throw new BadInputException(r.infeasibleMessage());
        return table(r, verify ? live(searched, err).medianMs(r.best().arch()) : null);
    }

    private LiveLatency liveLatency;

    private LiveLatency live(SearchSetup.Searched<?> searched, PrintWriter err) {
        if (liveLatency == null) {
            liveLatency = new LiveLatency(searched.setup().problem().space(), err);
            printNote(err, "measuring on " + liveLatency.describe());
        }
        return liveLatency;
    }

    /** {@code --measure N}: the measured choice among the candidates the search scored. */
    private <A extends Architecture> Table measured(SearchSetup.Searched<A> searched, PrintWriter err) {
        SearchResult<A> r = searched.result();
        String device = options.devices.get(0);
        FewShotDevice fd = searched.setup().fewShot().get(device);
        var accuracy = searched.setup().problem().accuracy();
        List<A> archs = r.evaluated().stream().map(Candidate::arch).toList();
        List<MeasuredChoice.Option<A>> candidates = MeasuredChoice.Option.of(archs, fd.predictor().predictMs(archs), accuracy);
        List<MeasuredChoice.Known<A>> known = MeasuredChoice.Known.of(fd.task(), searched.setup().datasetArchs(), accuracy);
        MeasuredChoice.Option<A> fallback = r.feasible()
                ? new MeasuredChoice.Option<>(r.best().arch(), r.best().accuracy(), fd.predictor().predictMs(r.best().arch())) : null;
        Function<A, OptionalDouble> meter = measureOn.equals("here") ? a -> live(searched, err).medianMs(a)
                : a -> searched.setup().problem().verifier().trueMs(device, a);
        double budget = r.constraints().get(0).maxMs();
        long start = System.nanoTime();
        MeasuredChoice.Result<A> m = MeasuredChoice.choose(candidates, known, fd.margin().looPredictedMs(), fd.margin().looTrueMs(), budget, measure, meter, fallback);
        double seconds = r.seconds() + (System.nanoTime() - start) / 1e9;

        Table log = new Table("measured", "arch", "accuracy", "predicted_ms", "p_meets_budget", "measured_ms");
        for (int i = 0; i < m.measurements().size(); i++) {
            MeasuredChoice.Measurement x = m.measurements().get(i);
            log.row(i + 1, x.arch(), x.accuracy(), x.predictedMs(), x.feasibleProbability(), Double.isNaN(x.trueMs()) ? null : x.trueMs());
        }
        printNote(err, m.measurements().size() + " measurement(s) on " + device + (measureOn.equals("here") ? " (this machine)" : " (its dataset column)")
                + ", candidates ranked by " + (options.model != null ? options.model : options.method != null ? options.method : Methods.DEFAULT) + ":");
        log.print(dev.halo.cli.output.Format.table, err);
        if (m.arch() == null)
            throw new BadInputException("no architecture was measured under " + budget + " ms on " + device + " with " + measure + " measurement(s), and the "
                    + "predicted search found none either: " + r.infeasibleMessage());
        if (!m.certified()) printNote(err, "no measured or known architecture met the budget; the predicted choice stands, unverified");
        A chosen = m.arch();
        double predictedChosen = fd.predictor().predictMs(chosen);
        OptionalDouble trueMs = searched.setup().problem().verifier().trueMs(device, chosen);
        List<String> cols = new ArrayList<>(List.of("arch", "accuracy", "device", "max_ms", "predicted_ms", "measured_ms", "certified", "measurements"));
        if (trueMs.isPresent()) cols.add("true_ms");
        if (verify) cols.add("measured_here_ms");
        cols.addAll(List.of("algorithm", "evaluations", "seconds"));
        List<Object> row = new ArrayList<>(List.of(chosen.canonical(), m.accuracy(), device, budget, predictedChosen));
        row.add(Double.isNaN(m.trueMs()) ? null : m.trueMs());
        row.add(m.certified());
        row.add(m.measurements().size());
        if (trueMs.isPresent()) row.add(trueMs.getAsDouble());
        if (verify) {
            OptionalDouble here = live(searched, err).medianMs(chosen);
            row.add(here.isPresent() ? here.getAsDouble() : null);
        }
        row.addAll(List.of(r.algorithm() + "+measure", r.evaluations(), seconds));
        Table t = new Table(cols);
        t.row(row.toArray());
        return t;
    }

    /** One row per device: the chosen architecture with its predicted and (where known) true latency there. */
    static Table table(SearchResult<?> r) {
        return table(r, null);
    }

    /** @param measuredHere the choice's latency measured on this machine (empty: failed), or null for no such column */
    static Table table(SearchResult<?> r, OptionalDouble measuredHere) {
        Candidate<?> best = r.best();
        boolean anyTrue = best.trueMs().stream().anyMatch(v -> !Double.isNaN(v));
        List<String> cols = new ArrayList<>(List.of("arch", "accuracy", "device", "max_ms", "margin", "predicted_ms"));
        if (anyTrue) cols.add("true_ms");
        if (measuredHere != null) cols.add("measured_here_ms");
        cols.addAll(List.of("algorithm", "evaluations", "seconds"));
        Table t = new Table(cols);
        for (int j = 0; j < r.constraints().size(); j++) {
            LatencyConstraint c = r.constraints().get(j);
            List<Object> row = new ArrayList<>(List.of(best.arch().canonical(), best.accuracy(), c.device(), c.maxMs(), c.margin(), best.predictedMs(j)));
            if (anyTrue) row.add(Double.isNaN(best.trueMs(j)) ? null : best.trueMs(j));
            if (measuredHere != null) row.add(measuredHere.isPresent() ? measuredHere.getAsDouble() : null);
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
