package dev.halo.app.search;

import dev.halo.BadInputException;
import dev.halo.io.Limits;
import dev.halo.DataLocation;
import dev.halo.app.Listener;
import dev.halo.app.Methods;
import dev.halo.data.AccuracyTable;
import dev.halo.data.LatencyDataset;
import dev.halo.fewshot.Benchmark;
import dev.halo.fewshot.Benchmarks;
import dev.halo.fewshot.FewShotProtocol;
import dev.halo.fewshot.Pools;
import dev.halo.fewshot.Split;
import dev.halo.predict.FewShotContext;
import dev.halo.predict.FewShotMethod;
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

/**
 * HELP's Table-4 experiment for any few-shot method: per device, budget and seed, adapt a predictor from the device's
 * known latencies, calibrate a margin, search the whole space under the budget and judge the choice by its true latency.
 */
public final class SearchBenchmark {
    private SearchBenchmark() {}

    /** HELP's Table-4 devices and budgets (ms), used when a request names none. */
    public static final Map<String, List<String>> TABLE4 = table4();

    private static Map<String, List<String>> table4() {
        Map<String, List<String>> t = new LinkedHashMap<>();
        t.put("titan_rtx_256", List.of("18", "21", "25"));
        t.put("gold_6226", List.of("8", "11", "14"));
        t.put("pixel2", List.of("14", "18", "22"));
        t.put("eyeriss", List.of("5", "7", "9"));
        t.put("fpga", List.of("4", "5", "6"));
        return java.util.Collections.unmodifiableMap(t);
    }

    /**
     * {@code budgets}: {@code DEVICE=B1,B2} texts (empty: {@link #TABLE4}); {@code marginRules}, {@code tolerances},
     * {@code measurements}: one row set per combination (empty: the few-shot defaults, no measurement).
     */
    public record Request(String space, Path dataset, Path accuracy, String metric, String method, Path model, List<String> budgets,
            int samples, int seeds, List<String> marginRules, List<Double> tolerances, List<Integer> measurements, String leaveOut) {
        public Request {
            if (seeds < 1) throw new BadInputException("--seeds must be at least 1, got " + seeds);
            budgets = List.copyOf(budgets);
            marginRules = List.copyOf(marginRules);
            tolerances = List.copyOf(tolerances);
            measurements = List.copyOf(measurements);
            for (double tol : tolerances)
                if (!(tol >= 0) || Double.isInfinite(tol)) throw new BadInputException("--accuracy-tolerance must be a finite number ≥ 0, got " + tol);
            for (int n : measurements) if (n < 0) throw new BadInputException("--measure must be ≥ 0 measurements, got " + n);
            // halo's upper bounds after the refusals above
            Limits.check("--seeds", seeds, 1, Limits.MAX_SEEDS);
            Limits.check("--samples", samples, 1, 10_000);
            for (double tol : tolerances) Limits.check("--accuracy-tolerance", tol, 0, 100);
            for (int n : measurements) Limits.check("--measure", n, 0, 10_000);
        }
    }

    /** One setting's totals over every device, budget and seed. */
    public record Summary(String rule, int runs, long met, long tooTight, long infeasible, double meanGap, long metWithin03, double maxSeconds,
            double measuredMean, long certified) {
        static Summary of(String rule, List<BudgetBenchmark.Outcome> runs) {
            return new Summary(rule, runs.size(), runs.stream().filter(o -> o.chosen().met()).count(),
                    runs.stream().filter(o -> o.verdict().equals("too-tight")).count(),
                    runs.stream().filter(o -> o.verdict().equals("infeasible")).count(),
                    runs.stream().mapToDouble(BudgetBenchmark.Outcome::gap).filter(Double::isFinite).average().orElse(Double.NaN),
                    runs.stream().filter(o -> o.chosen().met() && o.gap() <= 0.3 + 1e-9).count(),
                    runs.stream().mapToDouble(BudgetBenchmark.Outcome::seconds).max().orElse(0),
                    runs.stream().mapToInt(BudgetBenchmark.Outcome::measured).average().orElse(0),
                    runs.stream().filter(BudgetBenchmark.Outcome::certified).count());
        }
    }

    /** The method's name, what its preparation decided, and how long it took; per setting, the seeds' outcomes grouped by (device, budget) in request order. */
    public record Result(String method, String methodSummary, double prepareSeconds, Map<String, Map<String, List<BudgetBenchmark.Outcome>>> byRule,
            List<Summary> summaries) {}

    public static Result run(Request r, Listener listener) {
        return run(Spaces.byName(r.space()), r, listener);
    }

    private static <A extends Architecture> Result run(SearchSpace<A> s, Request r, Listener listener) {
        List<A> everything = SearchSetup.enumerate(s);
        if (everything == null) throw new BadInputException("search-benchmark needs an enumerable space (the oracle scores all of it); " + s.name() + " is not");
        Map<String, List<Double>> cases = cases(r.budgets());
        Path dir = r.dataset() != null ? r.dataset() : DataLocation.require().resolve("help").resolve(s.name());
        Path acc = r.accuracy() != null ? r.accuracy() : DataLocation.require().resolve(AccuracyTable.SHARED_FILE);
        LatencyDataset ds = LatencyDataset.load(dir);
        List<A> archs = DatasetTables.architectures(ds, s);
        AccuracyObjective<A> objective = DatasetTables.accuracy(AccuracyTable.load(acc), r.metric(), s, everything);

        // The benchmark devices are test devices only: they leave HELP's train/valid lists if they were on them.
        Split help = Split.helpDefault(s.name());
        List<String> targets = List.copyOf(cases.keySet());
        Split split = new Split(help.train().stream().filter(d -> !targets.contains(d)).toList(),
                help.valid().stream().filter(d -> !targets.contains(d)).toList(), targets).validate(ds.deviceNames());
        Benchmark benchmark = new Benchmark(s, archs, Benchmarks.table(ds), Pools.helpDefault(s.name()));
        FewShotMethod method = Methods.resolve(r.method(), r.model() == null ? List.of() : List.of(r.model()), s);
        long t0 = System.nanoTime();
        FewShotMethod.Adapter adapter = method.prepare(new FewShotContext(benchmark, split, r.samples()));
        double prepareSeconds = (System.nanoTime() - t0) / 1e9;
        List<BudgetBenchmark.Setting> settings = settings(r);
        var bench = new BudgetBenchmark<>(s, archs, objective, new FewShotProtocol(benchmark.table(), benchmark.pools()), adapter, r.samples(), settings,
                FewShotDevice.LeaveOut.parse(r.leaveOut(), "--leave-out"));

        Map<String, Map<String, List<BudgetBenchmark.Outcome>>> byRule = new LinkedHashMap<>();
        for (BudgetBenchmark.Setting setting : settings) byRule.put(setting.toString(), new LinkedHashMap<>());
        long total = (long) cases.size() * r.seeds(), done = 0;
        for (var e : cases.entrySet())
            for (long seed = 0; seed < r.seeds(); seed++) {
                listener.checkCancelled();
                for (BudgetBenchmark.Outcome o : bench.run(e.getKey(), seed, e.getValue()))
                    byRule.get(o.rule()).computeIfAbsent(o.device() + "@" + o.budgetMs(), k -> new ArrayList<>()).add(o);
                listener.progress("search-benchmark", ++done, total, e.getKey() + ", seed " + seed);
            }
        List<Summary> summaries = new ArrayList<>();
        byRule.forEach((rule, groups) -> summaries.add(Summary.of(rule, groups.values().stream().flatMap(List::stream).toList())));
        return new Result(method.name(), adapter.summary(), prepareSeconds, byRule, summaries);
    }

    private static List<BudgetBenchmark.Setting> settings(Request r) {
        BudgetBenchmark.Setting defaults = BudgetBenchmark.Setting.FEW_SHOT_DEFAULT;
        List<SafetyMargin.Rule> rules = r.marginRules().isEmpty() ? List.of(defaults.margin())
                : r.marginRules().stream().map(x -> SafetyMargin.Rule.parse(x, "--margin-rule")).toList();
        List<BudgetBenchmark.Setting> settings = new ArrayList<>();
        for (SafetyMargin.Rule rule : rules)
            for (double tol : r.tolerances().isEmpty() ? List.of(defaults.tolerance()) : r.tolerances())
                for (int n : r.measurements().isEmpty() ? List.of(0) : r.measurements()) settings.add(new BudgetBenchmark.Setting(rule, tol, n));
        return settings;
    }

    /** {@code DEVICE=B1,B2} texts → device → budgets in ms, in the order given; none: {@link #TABLE4}. */
    static Map<String, List<Double>> cases(List<String> budgets) {
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
}
