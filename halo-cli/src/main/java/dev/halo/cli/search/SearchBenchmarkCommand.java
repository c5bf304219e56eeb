package dev.halo.cli.search;

import dev.halo.BadInputException;
import dev.halo.DataLocation;
import dev.halo.cli.output.FormatOption;
import dev.halo.cli.output.Table;
import dev.halo.data.AccuracyTable;
import dev.halo.data.LatencyDataset;
import dev.halo.eval.Benchmark;
import dev.halo.eval.Benchmarks;
import dev.halo.eval.FewShotContext;
import dev.halo.eval.FewShotMethod;
import dev.halo.eval.FewShotMethods;
import dev.halo.eval.FewShotProtocol;
import dev.halo.eval.ModelLoader;
import dev.halo.eval.Pools;
import dev.halo.eval.Split;
import dev.halo.search.AccuracyObjective;
import dev.halo.search.BudgetBenchmark;
import dev.halo.search.DatasetTables;
import dev.halo.search.FewShotDevice;
import dev.halo.search.LatencyBudget;
import dev.halo.search.SafetyMargin;
import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;
import dev.halo.space.Spaces;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

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
    /** HELP's Table-4 devices and budgets (ms), the default. */
    static final Map<String, List<String>> TABLE4 = new LinkedHashMap<>();

    static {
        TABLE4.put("titan_rtx_256", List.of("18", "21", "25"));
        TABLE4.put("gold_6226", List.of("8", "11", "14"));
        TABLE4.put("pixel2", List.of("14", "18", "22"));
        TABLE4.put("eyeriss", List.of("5", "7", "9"));
        TABLE4.put("fpga", List.of("4", "5", "6"));
    }

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
        @Option(names = "--method", description = "Few-shot method (default: op-costs on nasbench201, device-mix elsewhere; chosen on meta-valid devices); see halo evaluate.")
        String method;

        @Option(names = "--model", paramLabel = "FILE", description = "A trained few-shot model file (e.g. HELP .pt checkpoint) read by an installed loader.")
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
        if (seeds < 1) throw new BadInputException("--seeds must be at least 1, got " + seeds);
        dev.halo.io.Limits.check("--seeds", seeds, 1, dev.halo.io.Limits.MAX_SEEDS);
        dev.halo.io.Limits.check("--samples", samples, 1, 10_000);
        for (double tol : tolerances) dev.halo.io.Limits.check("--accuracy-tolerance", tol, 0, 100);
        SearchSpace<?> s = Spaces.byName(space);
        return run(s);
    }

    private <A extends Architecture> int run(SearchSpace<A> s) {
        List<A> everything = SearchSetup.enumerate(s);
        if (everything == null) throw new BadInputException("search-benchmark needs an enumerable space (the oracle scores all of it); " + s.name() + " is not");
        Map<String, List<Double>> cases = cases();
        Path dir = dataset != null ? dataset : DataLocation.require().resolve("help").resolve(s.name());
        Path acc = accuracy != null ? accuracy : DataLocation.require().resolve(AccuracyTable.SHARED_FILE);
        LatencyDataset ds = LatencyDataset.load(dir);
        List<A> archs = DatasetTables.architectures(ds, s);
        AccuracyObjective<A> objective = DatasetTables.accuracy(AccuracyTable.load(acc), metric, s, everything);

        // The benchmark devices are test devices only: they leave HELP's train/valid lists if they were on them.
        Split help = Split.helpDefault(s.name());
        List<String> targets = List.copyOf(cases.keySet());
        Split split = new Split(help.train().stream().filter(d -> !targets.contains(d)).toList(),
                help.valid().stream().filter(d -> !targets.contains(d)).toList(), targets).validate(ds.deviceNames());
        Benchmark benchmark = new Benchmark(s, archs, Benchmarks.table(ds), Pools.helpDefault(s.name()));
        FewShotMethod method = what != null && what.model != null ? ModelLoader.loadAny(what.model, s)
                : FewShotMethods.byName(what != null && what.method != null ? what.method : SearchOptions.defaultMethod(s.name()));
        long t0 = System.nanoTime();
        FewShotMethod.Adapter adapter = method.prepare(new FewShotContext(benchmark, split, samples));
        double prepareSeconds = (System.nanoTime() - t0) / 1e9;
        BudgetBenchmark.Setting defaults = BudgetBenchmark.Setting.FEW_SHOT_DEFAULT;
        List<SafetyMargin.Rule> rules = marginRules.isEmpty() ? List.of(defaults.margin())
                : marginRules.stream().map(r -> SafetyMargin.Rule.parse(r, "--margin-rule")).toList();
        for (double tol : tolerances)
            if (!(tol >= 0) || Double.isInfinite(tol)) throw new BadInputException("--accuracy-tolerance must be a finite number ≥ 0, got " + tol);
        List<BudgetBenchmark.Setting> settings = new ArrayList<>();
        for (int n : measurements) if (n < 0) throw new BadInputException("--measure must be ≥ 0 measurements, got " + n);
        for (int n : measurements) dev.halo.io.Limits.check("--measure", n, 0, 10_000);
        for (SafetyMargin.Rule r : rules)
            for (double tol : tolerances.isEmpty() ? List.of(defaults.tolerance()) : tolerances)
                for (int n : measurements.isEmpty() ? List.of(0) : measurements) settings.add(new BudgetBenchmark.Setting(r, tol, n));
        var bench = new BudgetBenchmark<>(s, archs, objective, new FewShotProtocol(benchmark.table(), benchmark.pools()), adapter, samples, settings,
                FewShotDevice.LeaveOut.parse(leaveOut, "--leave-out"));

        List<BudgetBenchmark.Outcome> all = new ArrayList<>();
        // rule -> (device, budget) -> the seeds' outcomes, in the order the cases were given
        Map<String, Map<String, List<BudgetBenchmark.Outcome>>> byRule = new LinkedHashMap<>();
        for (BudgetBenchmark.Setting setting : settings) byRule.put(setting.toString(), new LinkedHashMap<>());
        for (var e : cases.entrySet())
            for (long seed = 0; seed < seeds; seed++)
                for (BudgetBenchmark.Outcome o : bench.run(e.getKey(), seed, e.getValue()))
                    byRule.get(o.rule()).computeIfAbsent(o.device() + "@" + o.budgetMs(), k -> new ArrayList<>()).add(o);
        Table t = perSeed ? perSeedTable() : summaryTable();
        byRule.values().forEach(groups -> groups.values().forEach(runs -> {
            all.addAll(runs);
            if (perSeed) runs.forEach(o -> perSeedRow(t, o));
            else summaryRow(t, runs);
        }));
        t.print(format.format, spec.commandLine().getOut());
        var err = spec.commandLine().getErr();
        err.printf(java.util.Locale.ROOT, "method %s, prepared once in %.1f s%n", method.name(), prepareSeconds);
        byRule.forEach((rule, groups) -> {
            List<BudgetBenchmark.Outcome> runs = groups.values().stream().flatMap(List::stream).toList();
            long met = runs.stream().filter(o -> o.chosen().met()).count();
            double meanGap = runs.stream().mapToDouble(BudgetBenchmark.Outcome::gap).filter(Double::isFinite).average().orElse(Double.NaN);
            long tight = runs.stream().filter(o -> o.verdict().equals("too-tight")).count();
            long infeasible = runs.stream().filter(o -> o.verdict().equals("infeasible")).count();
            long within = runs.stream().filter(o -> o.chosen().met() && o.gap() <= 0.3 + 1e-9).count();
            double maxSeconds = runs.stream().mapToDouble(BudgetBenchmark.Outcome::seconds).max().orElse(0);
            double measuredMean = runs.stream().mapToInt(BudgetBenchmark.Outcome::measured).average().orElse(0);
            long certified = runs.stream().filter(BudgetBenchmark.Outcome::certified).count();
            err.printf(java.util.Locale.ROOT, "margin %s (leave out %s): %d/%d choices meet the budget on true latency (found nothing: %d too tight to certify, "
                    + "%d predicted infeasible); mean gap to oracle %.2f points; %d/%d met and within 0.3 points; slowest adapt+calibrate+search %.2f s%s%n",
                    rule, leaveOut, met, runs.size(), tight, infeasible, meanGap, within, runs.size(), maxSeconds,
                    rule.contains("+measure:") ? String.format(java.util.Locale.ROOT, "; %.1f extra measurements per search on average, %d/%d choices measured under the budget",
                            measuredMean, certified, runs.size()) : "");
        });
        err.flush();
        return 0;
    }

    private Map<String, List<Double>> cases() {
        Map<String, List<String>> raw = new LinkedHashMap<>();
        if (budgets.isEmpty()) raw.putAll(TABLE4);
        for (String b : budgets) {
            int eq = b.indexOf('=');
            if (eq <= 0 || eq == b.length() - 1) throw new BadInputException("--budgets must look like DEVICE=B1,B2 (e.g. gold_6226=8ms,11ms), got '" + b + "'");
            raw.put(b.substring(0, eq).strip(), List.of(b.substring(eq + 1).split(",")));
        }
        Map<String, List<Double>> out = new LinkedHashMap<>();
        raw.forEach((d, list) -> out.put(d, list.stream().map(x -> LatencyBudget.parseMs(x, "--budgets " + d)).toList()));
        return out;
    }

    private static Table summaryTable() {
        return new Table("device", "budget_ms", "seeds", "rule", "margin_pct", "met", "no_choice", "true_ms_mean", "true_ms_max", "accuracy", "oracle", "gap",
                "met_no_margin", "accuracy_no_margin", "measured_mean", "seconds_max");
    }

    private static void summaryRow(Table t, List<BudgetBenchmark.Outcome> runs) {
        BudgetBenchmark.Outcome first = runs.get(0);
        t.row(first.device(), first.budgetMs(), runs.size(), first.rule(),
                round(100 * mean(runs, o -> o.margin()), 1),
                runs.stream().filter(o -> o.chosen().met()).count() + "/" + runs.size(),
                runs.stream().filter(o -> o.chosen().arch() == null).count(),
                round(mean(runs, o -> o.chosen().trueMs()), 3),
                round(runs.stream().mapToDouble(o -> o.chosen().trueMs()).max().orElse(Double.NaN), 3),
                round(mean(runs, o -> o.chosen().accuracy()), 2),
                round(first.oracle().accuracy(), 2),
                round(mean(runs, BudgetBenchmark.Outcome::gap), 2),
                runs.stream().filter(o -> o.noMargin().met()).count() + "/" + runs.size(),
                round(mean(runs, o -> o.noMargin().accuracy()), 2),
                round(mean(runs, o -> o.measured()), 1),
                round(runs.stream().mapToDouble(BudgetBenchmark.Outcome::seconds).max().orElse(0), 3));
    }

    private static Table perSeedTable() {
        return new Table("device", "budget_ms", "seed", "rule", "margin_pct", "verdict", "arch", "predicted_ms", "true_ms", "met", "accuracy", "oracle", "oracle_true_ms", "gap",
                "true_ms_no_margin", "met_no_margin", "accuracy_no_margin", "measured", "seconds");
    }

    private static void perSeedRow(Table t, BudgetBenchmark.Outcome o) {
        t.row(o.device(), o.budgetMs(), o.seed(), o.rule(), round(100 * o.margin(), 1), o.verdict(), o.chosen().arch(), round(o.chosen().predictedMs(), 3), round(o.chosen().trueMs(), 3),
                o.chosen().met(), round(o.chosen().accuracy(), 2), round(o.oracle().accuracy(), 2), round(o.oracle().trueMs(), 3), round(o.gap(), 2),
                round(o.noMargin().trueMs(), 3), o.noMargin().met(), round(o.noMargin().accuracy(), 2), o.measured(), round(o.seconds(), 3));
    }

    private static double mean(List<BudgetBenchmark.Outcome> runs, java.util.function.ToDoubleFunction<BudgetBenchmark.Outcome> f) {
        return runs.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    private static double round(double v, int digits) {
        if (!Double.isFinite(v)) return v;
        double p = Math.pow(10, digits);
        return Math.round(v * p) / p;
    }
}
