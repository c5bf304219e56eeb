package dev.halo.search;

import dev.halo.eval.FewShotMethod;
import dev.halo.eval.FewShotProtocol;
import dev.halo.predict.LatencyPredictor;
import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * HELP's Table-4 experiment for any few-shot method: for an unseen device and a latency budget, adapt a
 * predictor from that device's reference latencies plus a few sampled ones, search the whole space under the
 * predicted budget (with a safety margin calibrated by leave-one-out on the known samples only), and judge the
 * choice by its <em>true</em> latency against the oracle: the most accurate architecture whose true latency
 * meets the budget. The same choice without a margin is reported beside it, to show what the margin buys.
 */
public final class BudgetBenchmark<A extends Architecture> {
    /** One architecture a search chose (null {@code arch} when the search found none under the budget). */
    public record Choice(String arch, double accuracy, double predictedMs, double trueMs, boolean met) {
        static <A extends Architecture> Choice of(SearchResult<A> r, double budgetMs) {
            if (!r.feasible()) return new Choice(null, Double.NaN, Double.NaN, Double.NaN, false);
            Candidate<A> c = r.best();
            return new Choice(c.arch().canonical(), c.accuracy(), c.predictedMs(0), c.trueMs(0), c.trueMs(0) <= budgetMs);
        }
    }

    /**
     * One (device, budget, seed) run.
     *
     * @param rule the margin rule
     * @param margin the calibrated safety margin (relative)
     * @param chosen the choice under the budget with the margin
     * @param noMargin the choice under the bare budget
     * @param oracle the best architecture by true latency
     * @param seconds adaptation + margin calibration + search, wall clock
     */
    public record Outcome(String device, double budgetMs, long seed, String rule, double margin, Choice chosen, Choice noMargin, Choice oracle, double seconds) {
        /** Oracle accuracy minus the chosen accuracy, in points (NaN if nothing was chosen). */
        public double gap() {
            return oracle.accuracy() - chosen.accuracy();
        }
    }

    private final SearchSpace<A> space;
    private final List<A> archsByRow;
    private final AccuracyObjective<A> accuracy;
    private final FewShotProtocol protocol;
    private final FewShotMethod.Adapter adapter;
    private final int samples;
    private final List<SafetyMargin.Rule> rules;

    /**
     * @param protocol HELP's protocol over the full table (it draws the device's reference + sample latencies; the
     *     adapter itself was prepared on a context without the device)
     * @param rules how the leave-one-out {@code true/predicted} ratios become the margin (each gives one outcome)
     */
    public BudgetBenchmark(SearchSpace<A> space, List<A> archsByRow, AccuracyObjective<A> accuracy, FewShotProtocol protocol,
            FewShotMethod.Adapter adapter, int samples, List<SafetyMargin.Rule> rules) {
        this.space = space;
        this.archsByRow = List.copyOf(archsByRow);
        this.accuracy = accuracy;
        this.protocol = protocol;
        this.adapter = adapter;
        this.samples = samples;
        if (rules.isEmpty()) throw new IllegalArgumentException("no margin rule");
        this.rules = List.copyOf(rules);
    }

    /** One outcome per margin rule; the leave-one-out ratios are computed once and shared by the rules. */
    public List<Outcome> run(String device, double budgetMs, long seed) {
        TableLatencyPredictor truth = truth(device);
        LatencyVerifier verifier = LatencyVerifier.fromTables(Map.of(device, truth));
        SearchProblem<A> oracleProblem = new SearchProblem<>(space, accuracy, List.of(LatencyConstraint.of(device, truth, budgetMs)), verifier);
        Choice oracle = Choice.of(ExhaustiveSearch.search(oracleProblem, archsByRow), budgetMs);

        long start = System.nanoTime();
        FewShotDevice adapted = FewShotDevice.adapt(adapter, protocol, archsByRow, device, samples, seed, rules.get(0));
        double adaptSeconds = (System.nanoTime() - start) / 1e9;
        LatencyPredictor predictor = adapted.predictor();
        SearchProblem<A> bareProblem = new SearchProblem<>(space, accuracy, List.of(LatencyConstraint.of(device, predictor, budgetMs)), verifier);
        Choice bare = Choice.of(ExhaustiveSearch.search(bareProblem, archsByRow), budgetMs);
        List<Outcome> out = new java.util.ArrayList<>();
        for (SafetyMargin.Rule rule : rules) {
            long t = System.nanoTime();
            double margin = Math.max(0, rule.marginFrom(adapted.margin().ratios()));
            SearchProblem<A> problem = bareProblem.withConstraints(List.of(new LatencyConstraint(device, predictor, budgetMs, margin)));
            Choice chosen = Choice.of(ExhaustiveSearch.search(problem, archsByRow), budgetMs);
            double seconds = adaptSeconds + (System.nanoTime() - t) / 1e9;
            out.add(new Outcome(device, budgetMs, seed, rule.toString(), margin, chosen, bare, oracle, seconds));
        }
        return out;
    }

    private final Map<String, TableLatencyPredictor> truthByDevice = new HashMap<>();

    private TableLatencyPredictor truth(String device) {
        return truthByDevice.computeIfAbsent(device, d -> {
            double[] lat = protocol.table().latencies(d);
            Map<String, Double> m = new HashMap<>(2 * lat.length);
            for (int i = 0; i < lat.length; i++) m.put(archsByRow.get(i).canonical(), lat[i]);
            return new TableLatencyPredictor(space.name(), "measured " + d, m);
        });
    }
}
