package dev.halo.search;

import dev.halo.fewshot.FewShotProtocol;
import dev.halo.predict.FewShotMethod;
import dev.halo.predict.LatencyPredictor;
import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HELP's Table-4 experiment for any few-shot method: for an unseen device and latency budgets, adapt a
 * predictor from that device's reference latencies plus a few sampled ones, search the whole space under the
 * predicted budget (with a safety margin calibrated by leave-one-out on the known latencies only), and judge the
 * choice by its <em>true</em> latency against the oracle: the most accurate architecture whose true latency
 * meets the budget. The same choice without a margin is reported beside it, to show what the margin buys.
 */
public final class BudgetBenchmark<A extends Architecture> {
    /**
     * One architecture a search chose (null {@code arch} when the search found none under the budget);
     * {@code predictedMs} is the prediction the search used (corrected, where the margin rule corrects).
     */
    public record Choice(String arch, double accuracy, double predictedMs, double trueMs, boolean met) {
        static <A extends Architecture> Choice of(SearchResult<A> r, double budgetMs) {
            if (!r.feasible()) return new Choice(null, Double.NaN, Double.NaN, Double.NaN, false);
            Candidate<A> c = r.best();
            return new Choice(c.arch().canonical(), c.accuracy(), c.predictedMs(0), c.trueMs(0), c.trueMs(0) <= budgetMs);
        }
    }

    /**
     * How a search turns the calibration into a choice: the margin rule, how much accuracy it may give up for room
     * under the budget ({@link SearchProblem#accuracyTolerance()}), and how many extra latencies it may measure on
     * the device to replace the predicted choice by a measured one ({@link MeasuredChoice}; 0: none, the margin
     * rule's choice stands).
     */
    public record Setting(SafetyMargin.Rule margin, double tolerance, int measurements) {
        /**
         * The few-shot default: {@code bound:0.9} with a 0.2-point tolerance. Chosen on HELP's meta-valid devices
         * (budgets at their .45/.75/.92 latency quantiles, 10 seeds) as the setting with the smallest mean gap among
         * those meeting all 120 budgets (0.96 points; bound:0.95 alone: 1.25); see docs/results/search.md section 5.
         */
        public static final Setting FEW_SHOT_DEFAULT = new Setting(new SafetyMargin.PredictionBound(0.9), 0.2);

        public Setting {
            if (!(tolerance >= 0) || Double.isInfinite(tolerance)) throw new IllegalArgumentException("tolerance must be finite and ≥ 0, got " + tolerance);
            if (measurements < 0) throw new IllegalArgumentException("measurements must be ≥ 0, got " + measurements);
        }

        public Setting(SafetyMargin.Rule margin, double tolerance) {
            this(margin, tolerance, 0);
        }

        public static Setting of(SafetyMargin.Rule margin) {
            return new Setting(margin, 0);
        }

        @Override
        public String toString() {
            String text = tolerance == 0 ? margin.toString() : margin + String.format(Locale.ROOT, "+tol:%s", tolerance);
            return measurements == 0 ? text : text + "+measure:" + measurements;
        }
    }

    /**
     * One (device, budget, seed, setting) run.
     *
     * @param rule the setting, as text
     * @param margin the calibrated safety margin (relative) for this budget
     * @param chosen the choice under the budget with the margin
     * @param noMargin the choice under the bare budget
     * @param oracle the best architecture by true latency
     * @param measured extra latencies measured on the device for this choice (0 without {@link Setting#measurements()})
     * @param certified whether the choice's latency was measured (or known) to meet the budget before it was made
     * @param seconds adaptation + margin calibration + search (+ measured choice), wall clock, not counting the time the
     *     measurements themselves would take on a real device
     */
    public record Outcome(String device, double budgetMs, long seed, String rule, double margin, Choice chosen, Choice noMargin, Choice oracle,
            int measured, boolean certified, double seconds) {
        /** Oracle accuracy minus the chosen accuracy, in points (NaN if nothing was chosen). */
        public double gap() {
            return oracle.accuracy() - chosen.accuracy();
        }

        /**
         * {@code measured} (the choice's latency was measured under the budget), {@code chosen}; or, when nothing was chosen, {@code too-tight} (some architecture is predicted under the
         * bare budget, none with the margin: the samples cannot certify the budget at this confidence) or
         * {@code infeasible} (nothing is predicted under the budget at all).
         */
        public String verdict() {
            if (chosen.arch() != null) return certified ? "measured" : "chosen";
            return noMargin.arch() != null ? "too-tight" : "infeasible";
        }
    }

    private final SearchSpace<A> space;
    private final List<A> archsByRow;
    private final AccuracyObjective<A> accuracy;
    private final FewShotProtocol protocol;
    private final FewShotMethod.Adapter adapter;
    private final int samples;
    private final List<Setting> settings;
    private final FewShotDevice.LeaveOut leaveOut;

    /**
     * @param protocol HELP's protocol over the full table (it draws the device's reference + sample latencies; the
     *     adapter itself was prepared on a context without the device)
     * @param settings how the leave-one-out {@code true/predicted} ratios become the choice (each gives one outcome)
     * @param leaveOut which known latencies the calibration leaves out in turn
     */
    public BudgetBenchmark(SearchSpace<A> space, List<A> archsByRow, AccuracyObjective<A> accuracy, FewShotProtocol protocol,
            FewShotMethod.Adapter adapter, int samples, List<Setting> settings, FewShotDevice.LeaveOut leaveOut) {
        this.space = space;
        this.archsByRow = List.copyOf(archsByRow);
        this.accuracy = accuracy;
        this.protocol = protocol;
        this.adapter = adapter;
        this.samples = samples;
        if (settings.isEmpty()) throw new IllegalArgumentException("no margin rule");
        this.settings = List.copyOf(settings);
        this.leaveOut = leaveOut;
    }

    /**
     * One outcome per budget and setting, budgets outermost. The device is adapted and calibrated once per seed and
     * shared by every budget and setting (as a user would adapt once and then ask several questions); each outcome's
     * seconds are that adaptation plus its own search.
     */
    public List<Outcome> run(String device, long seed, List<Double> budgetsMs) {
        long start = System.nanoTime();
        FewShotDevice adapted = FewShotDevice.adapt(adapter, protocol, archsByRow, device, samples, seed, settings.get(0).margin(), leaveOut);
        TableLatencyPredictor predictor = scoredOnce(adapted.predictor(), device);
        double adaptSeconds = (System.nanoTime() - start) / 1e9;
        TableLatencyPredictor truth = truth(device);
        LatencyVerifier verifier = LatencyVerifier.fromTables(Map.of(device, truth));
        boolean measuring = settings.stream().anyMatch(st -> st.measurements() > 0);
        List<MeasuredChoice.Option<A>> options = measuring ? MeasuredChoice.Option.of(archsByRow, predictor.predictMs(archsByRow), accuracy) : List.of();
        List<MeasuredChoice.Known<A>> known = measuring ? MeasuredChoice.Known.of(adapted.task(), archsByRow, accuracy) : List.of();
        List<Outcome> out = new ArrayList<>();
        for (double budgetMs : budgetsMs) {
            Choice oracle = oracle(device, budgetMs, truth, verifier);
            SearchProblem<A> bareProblem = new SearchProblem<>(space, accuracy, List.of(LatencyConstraint.of(device, predictor, budgetMs)), verifier);
            Choice bare = Choice.of(ExhaustiveSearch.search(bareProblem, archsByRow), budgetMs);
            for (Setting setting : settings) {
                long t = System.nanoTime();
                SafetyMargin.Adjustment adj = setting.margin().adjust(adapted.margin().looPredictedMs(), adapted.margin().looTrueMs(), budgetMs);
                LatencyConstraint constraint = new LatencyConstraint(device, adj.apply(predictor), budgetMs, adj.margin());
                SearchProblem<A> problem = bareProblem.withConstraints(List.of(constraint)).withAccuracyTolerance(setting.tolerance());
                Choice chosen = Choice.of(ExhaustiveSearch.search(problem, archsByRow), budgetMs);
                int measured = 0;
                boolean certified = false;
                if (setting.measurements() > 0) {
                    // No fallback: when nothing is measured under the budget, the margin rule's choice simply stays.
                    MeasuredChoice.Result<A> m = MeasuredChoice.choose(options, known, adapted.margin().looPredictedMs(), adapted.margin().looTrueMs(), budgetMs,
                            setting.measurements(), a -> truth.lookup(a), null);
                    measured = m.measurements().size();
                    certified = m.certified();
                    if (m.certified()) {
                        double p = predictor.lookup(m.arch()).orElseThrow();
                        chosen = new Choice(m.arch().canonical(), m.accuracy(), p, m.trueMs(), m.trueMs() <= budgetMs);
                    }
                }
                double seconds = adaptSeconds + (System.nanoTime() - t) / 1e9;
                out.add(new Outcome(device, budgetMs, seed, setting.toString(), adj.margin(), chosen, bare, oracle, measured, certified, seconds));
            }
        }
        return out;
    }

    /** The adapted predictor's answers for the whole space, looked up afterwards (every search asks the same questions). */
    private TableLatencyPredictor scoredOnce(LatencyPredictor predictor, String device) {
        double[] p = predictor.predictMs(archsByRow);
        Map<String, Double> m = new HashMap<>(2 * p.length);
        for (int i = 0; i < p.length; i++) m.put(archsByRow.get(i).canonical(), p[i]);
        return new TableLatencyPredictor(space.name(), "few-shot " + device, m);
    }

    private final Map<String, Choice> oracleByCase = new HashMap<>();

    private Choice oracle(String device, double budgetMs, TableLatencyPredictor truth, LatencyVerifier verifier) {
        return oracleByCase.computeIfAbsent(device + "@" + budgetMs, k -> {
            SearchProblem<A> p = new SearchProblem<>(space, accuracy, List.of(LatencyConstraint.of(device, truth, budgetMs)), verifier);
            return Choice.of(ExhaustiveSearch.search(p, archsByRow), budgetMs);
        });
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
