package dev.halo.cli.search;

import dev.halo.app.search.SearchRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** The options {@code halo search} and {@code halo pareto} share: the space, the latency source, budgets, accuracy and algorithm. */
public final class SearchOptions {
    @Option(names = "--space", defaultValue = "nasbench201", description = "Search space (default: ${DEFAULT-VALUE}).")
    String space = "nasbench201";

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Latency source (exactly one):%n")
    LatencySource source;

    static final class LatencySource {
        @Option(names = "--latency-table", paramLabel = "DIR",
                description = "Measured latencies: a dataset folder (latency.csv, ...); each --device is a column. Exact, so no margin.")
        Path table;

        @Option(names = "--latency-model", paramLabel = "FILE",
                description = "A latency model adapted to one device (repeatable, one per --device, or named by the file).")
        List<Path> models;

        @Option(names = "--adapt-from", paramLabel = "DIR",
                description = "Few-shot: adapt a predictor for each --device from its reference latencies plus --samples sampled ones in "
                        + "this dataset (HELP's protocol; the device is never trained on). The dataset's column then gives true latencies.")
        Path adaptFrom;
    }

    @Option(names = "--device", paramLabel = "NAME", description = "Device to constrain (repeatable: all budgets must hold at once).")
    List<String> devices = new ArrayList<>();

    @Option(names = "--max-latency", paramLabel = "BUDGET",
            description = "Latency budget with a unit: 11ms, '11 ms', 0.011s, 500us; a bare number is ms. Give one for all devices or one per --device.")
    List<String> maxLatency = new ArrayList<>();

    @Option(names = "--margin", paramLabel = "auto|X|X%", defaultValue = "auto",
            description = "Safety margin: predicted × (1 + margin) must fit the budget. auto (default): 0 for measured tables and model files, "
                    + "leave-one-out calibrated from the known samples for --adapt-from.")
    String margin = "auto";

    // The default is BudgetBenchmark.Setting.FEW_SHOT_DEFAULT (chosen on HELP's meta-valid devices).
    @Option(names = "--margin-rule", defaultValue = "bound:0.9", paramLabel = "bound:C|trend:C|quantile:Q",
            description = "With --margin auto and --adapt-from: how the leave-one-out (predicted, true) pairs become the margin: a one-sided Student-t "
                    + "prediction bound on the log ratio at confidence C; trend:C, the same bound around a line fitted to the log ratio against the "
                    + "log prediction (which also corrects the predictions); or the ratios' empirical quantile Q (default: ${DEFAULT-VALUE}).")
    String marginRule = "bound:0.9";

    @Option(names = "--leave-out", defaultValue = "samples", paramLabel = "samples|known",
            description = "With --margin auto and --adapt-from: which known latencies the margin's leave-one-out leaves out in turn: the sampled ones "
                    + "(default; needed by methods that read the reference latencies as a hardware embedding, e.g. HELP) or every known one (device mixes).")
    String leaveOut = "samples";

    @Option(names = "--accuracy-tolerance", defaultValue = "auto", paramLabel = "auto|POINTS",
            description = "Accuracy the answer may give up for room under the budgets: among the candidates that pass and lie within POINTS of the "
                    + "most accurate one, take the one predicted furthest under its tightest budget. auto (default): 0.2 for --adapt-from with "
                    + "--accuracy (predicted latencies may be wrong near the budget), 0 otherwise (measured tables are exact; a proxy is not in points).")
    String accuracyTolerance = "auto";

    @Option(names = "--method", paramLabel = "NAME",
            description = "With --adapt-from: the few-shot method (default: auto: op-costs where the space has op-cost features, docs/results/auto.md); "
                    + "see halo evaluate --list-methods.")
    String method;

    @Option(names = "--model", paramLabel = "FILE", description = "With --adapt-from: a trained few-shot model file instead of --method.")
    Path model;

    @Option(names = "--samples", defaultValue = "10", description = "With --adapt-from: sampled latencies per device (default: ${DEFAULT-VALUE}).")
    int samples = 10;

    @Option(names = "--true-latency", paramLabel = "DIR",
            description = "With --latency-model: a dataset whose --device columns are the true latencies to report beside the predicted ones.")
    Path trueLatency;

    @Option(names = "--accuracy", paramLabel = "FILE", description = "Accuracy table (NAS-Bench-201 accuracy.csv) to maximise.")
    Path accuracy;

    @Option(names = "--metric", defaultValue = "cifar100", description = "Accuracy column: cifar10, cifar100 or imagenet16 (default: ${DEFAULT-VALUE}).")
    String metric = "cifar100";

    @Option(names = "--proxy", paramLabel = "mflops|params", description = "Without --accuracy: maximise a cost proxy instead (for FBNet/OFA).")
    String proxy;

    @Option(names = "--budget", defaultValue = "1000", paramLabel = "N", description = "Evaluations the search may spend (default: ${DEFAULT-VALUE}).")
    int budget = 1000;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the search and of the few-shot samples (default: ${DEFAULT-VALUE}).")
    long seed;

    /** What the options ask for, as the search use case's request. */
    public SearchRequest toRequest() {
        if (source == null) throw new dev.halo.BadInputException("give a latency source: --latency-table, --latency-model or --adapt-from");
        return new SearchRequest(space, source.table, source.models, source.adaptFrom, devices, maxLatency, margin, marginRule, leaveOut,
                accuracyTolerance, method, model, samples, trueLatency, accuracy, metric, proxy, budget, seed);
    }
}
