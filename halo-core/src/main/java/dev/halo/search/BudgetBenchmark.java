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
     * @param margin the calibrated safety margin (relative)
     * @param chosen the choice under the budget with the margin
     * @param noMargin the choice under the bare budget
     * @param oracle the best architecture by true latency
     * @param seconds adaptation + margin calibration + search, wall clock
     */
    public record Outcome(String device, double budgetMs, long seed, double margin, Choice chosen, Choice noMargin, Choice oracle, double seconds) {
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
    private final double quantile;

    /**
     * @param protocol HELP's protocol over the full table (it draws the device's reference + sample latencies; the
     *     adapter itself was prepared on a context without the device)
     * @param quantile quantile of the leave-one-out {@code true/predicted} ratios used as the margin
     */
    public BudgetBenchmark(SearchSpace<A> space, List<A> archsByRow, AccuracyObjective<A> accuracy, FewShotProtocol protocol,
            FewShotMethod.Adapter adapter, int samples, double quantile) {
        this.space = space;
        this.archsByRow = List.copyOf(archsByRow);
        this.accuracy = accuracy;
        this.protocol = protocol;
        this.adapter = adapter;
        this.samples = samples;
        this.quantile = quantile;
    }

    public Outcome run(String device, double budgetMs, long seed) {
        TableLatencyPredictor truth = truth(device);
        LatencyVerifier verifier = LatencyVerifier.fromTables(Map.of(device, truth));
        SearchProblem<A> oracleProblem = new SearchProblem<>(space, accuracy, List.of(LatencyConstraint.of(device, truth, budgetMs)), verifier);
        Choice oracle = Choice.of(ExhaustiveSearch.search(oracleProblem, archsByRow), budgetMs);

        long start = System.nanoTime();
        FewShotDevice adapted = FewShotDevice.adapt(adapter, protocol, archsByRow, device, samples, seed, quantile);
        LatencyPredictor predictor = adapted.predictor();
        SafetyMargin margin = adapted.margin();
        SearchProblem<A> problem = new SearchProblem<>(space, accuracy, List.of(new LatencyConstraint(device, predictor, budgetMs, margin.margin())), verifier);
        SearchResult<A> withMargin = ExhaustiveSearch.search(problem, archsByRow);
        double seconds = (System.nanoTime() - start) / 1e9;

        SearchResult<A> bare = ExhaustiveSearch.search(problem.withConstraints(List.of(LatencyConstraint.of(device, predictor, budgetMs))), archsByRow);
        return new Outcome(device, budgetMs, seed, margin.margin(), Choice.of(withMargin, budgetMs), Choice.of(bare, budgetMs), oracle, seconds);
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
