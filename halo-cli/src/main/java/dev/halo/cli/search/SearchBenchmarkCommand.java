package dev.halo.cli.search;

import dev.halo.app.Listener;
import dev.halo.app.search.SearchBenchmark;
import dev.halo.cli.output.FormatOption;
import dev.halo.cli.output.Table;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code halo search-benchmark}: HELP's Table-4 experiment (latency-constrained NAS on unseen devices) for any few-shot method. */
@Command(name = "search-benchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Latency-constrained search on devices never trained on, judged by true latency (HELP's Table 4 setting).",
            "Per device, budget and seed: adapt a predictor from the device's 10 reference latencies plus --samples sampled ones",
            "(HELP's protocol), calibrate a safety margin by leave-one-out on those samples only, search the whole space under",
            "the budget, then look up the choice's TRUE latency and compare with the oracle (the most accurate architecture whose",
            "true latency meets the budget). The same search without margin is shown beside it.",
            "With --measure N a search may also measure up to N candidates on the device",
            "(their true latency here) and choose the most accurate one measured under",
            "the budget: 10 samples + N measurements in all.",
            "Budgets take units (18ms, 0.018s); a bare number means ms."
        })
public final class SearchBenchmarkCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin FormatOption format;

    @Option(names = "--space", defaultValue = "nasbench201", description = "Search space (default: ${DEFAULT-VALUE}; must be enumerable).")
    String space = "nasbench201";

    @Option(names = "--dataset", paramLabel = "DIR", description = "Latency dataset folder (default: shared data help/<space>).")
    Path dataset;

    @Option(names = "--accuracy", paramLabel = "FILE", description = "Accuracy table (default: shared nasbench201-accuracy/accuracy.csv).")
    Path accuracy;

    @Option(names = "--metric", defaultValue = "cifar100", description = "Accuracy column (default: ${DEFAULT-VALUE}).")
    String metric = "cifar100";

    @ArgGroup(exclusive = true)
    What what;

    static final class What {
        @Option(names = "--method", description = "Few-shot method (default: auto, op-costs on nasbench201); see halo evaluate --list-methods.")
        String method;

        @Option(names = "--model", paramLabel = "FILE", description = "A trained few-shot model file (e.g. HELP .pt checkpoint).")
        Path model;
    }

    @Option(names = "--budgets", paramLabel = "DEVICE=B1,B2,...",
            description = "Device and its budgets (repeatable). Default: HELP's Table 4: titan_rtx_256=18,21,25 gold_6226=8,11,14 pixel2=14,18,22 eyeriss=5,7,9 fpga=4,5,6.")
    List<String> budgets = new ArrayList<>();

    @Option(names = "--samples", defaultValue = "10", description = "Sampled latencies per device (default: ${DEFAULT-VALUE}).")
    int samples = 10;

    @Option(names = "--seeds", defaultValue = "5", description = "Seeds 0..N-1 (different samples) per device and budget (default: ${DEFAULT-VALUE}).")
    int seeds = 5;

    @Option(names = "--margin-rule", paramLabel = "bound:C|trend:C|quantile:Q",
            description = "How the leave-one-out (predicted, true) pairs become the margin: a one-sided Student-t prediction bound on the log ratio "
                    + "at confidence C; trend:C, the same bound around a line fitted to the log ratio against the log prediction (which also "
                    + "corrects the predictions); or the ratios' empirical quantile Q (default: bound:0.9). Repeatable: rows for each rule.")
    List<String> marginRules = new ArrayList<>();

    @Option(names = "--accuracy-tolerance", paramLabel = "POINTS",
            description = "Accuracy the choice may give up for room under the budget: among the candidates that pass the margin and lie within POINTS "
                    + "of the most accurate one, take the one predicted furthest under the budget (default: 0.2). Repeatable: rows for each "
                    + "(rule, tolerance) pair.")
    List<Double> tolerances = new ArrayList<>();

    @Option(names = "--measure", paramLabel = "N", split = ",",
            description = "Also spend up to N extra latency measurements per search on the device (looked up in its true column here): "
                    + "candidates are measured one at a time by expected accuracy gain (probability of meeting the budget, from the "
                    + "calibration, times the accuracy above the best architecture already measured under the budget), and the most accurate "
                    + "MEASURED architecture under the budget is chosen (the margin rule's choice only if none is). 0 = no measurement. "
                    + "Comma-separated or repeatable: rows for each N (default: 0).")
    List<Integer> measurements = new ArrayList<>();

    @Option(names = "--leave-out", defaultValue = "samples", paramLabel = "samples|known",
            description = "Which known latencies the margin's leave-one-out leaves out in turn: the sampled ones only (default; needed by methods that "
                    + "read the reference latencies as a hardware embedding, e.g. HELP), or every known one, reference ones included (device mixes only).")
    String leaveOut = "samples";

    @Option(names = "--per-seed", description = "One row per seed instead of the summary per device and budget.")
    boolean perSeed;

    @Override
    public Integer call() {
        var request = new SearchBenchmark.Request(space, dataset, accuracy, metric, what == null ? null : what.method, what == null ? null : what.model,
                budgets, samples, seeds, marginRules, tolerances, measurements, leaveOut);
        SearchBenchmark.Result result = SearchBenchmark.run(request, Listener.NONE);
        Table t = perSeed ? SearchBenchmarkTables.perSeedTable() : SearchBenchmarkTables.summaryTable();
        result.byRule().values().forEach(groups -> groups.values().forEach(runs -> {
            if (perSeed) runs.forEach(o -> SearchBenchmarkTables.perSeedRow(t, o));
            else SearchBenchmarkTables.summaryRow(t, runs);
        }));
        t.print(format.format, spec.commandLine().getOut());
        var err = spec.commandLine().getErr();
        err.printf(Locale.ROOT, "method %s%s, prepared once in %.1f s%n", result.method(),
                result.methodSummary().isEmpty() ? "" : " (" + result.methodSummary() + ")", result.prepareSeconds());
        for (SearchBenchmark.Summary m : result.summaries())
            err.printf(Locale.ROOT, "margin %s (leave out %s): %d/%d choices meet the budget on true latency (found nothing: %d too tight to certify, "
                    + "%d predicted infeasible); mean gap to oracle %.2f points; %d/%d met and within 0.3 points; slowest adapt+calibrate+search %.2f s%s%n",
                    m.rule(), leaveOut, m.met(), m.runs(), m.tooTight(), m.infeasible(), m.meanGap(), m.metWithin03(), m.runs(), m.maxSeconds(),
                    m.rule().contains("+measure:") ? String.format(Locale.ROOT, "; %.1f extra measurements per search on average, %d/%d choices measured under the budget",
                            m.measuredMean(), m.certified(), m.runs()) : "");
        err.flush();
        return 0;
    }
}
