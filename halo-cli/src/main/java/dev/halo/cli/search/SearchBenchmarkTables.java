package dev.halo.cli.search;

import dev.halo.cli.output.Table;
import dev.halo.search.BudgetBenchmark;
import java.util.List;

/** The tables {@code halo search-benchmark} prints: a summary row per (device, budget, setting), or a row per seed. */
final class SearchBenchmarkTables {
    private SearchBenchmarkTables() {}

    static Table summaryTable() {
        return new Table("device", "budget_ms", "seeds", "rule", "margin_pct", "met", "no_choice", "true_ms_mean", "true_ms_max", "accuracy", "oracle", "gap",
                "met_no_margin", "accuracy_no_margin", "measured_mean", "seconds_max");
    }

    static void summaryRow(Table t, List<BudgetBenchmark.Outcome> runs) {
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

    static Table perSeedTable() {
        return new Table("device", "budget_ms", "seed", "rule", "margin_pct", "verdict", "arch", "predicted_ms", "true_ms", "met", "accuracy", "oracle", "oracle_true_ms", "gap",
                "true_ms_no_margin", "met_no_margin", "accuracy_no_margin", "measured", "seconds");
    }

    static void perSeedRow(Table t, BudgetBenchmark.Outcome o) {
        t.row(o.device(), o.budgetMs(), o.seed(), o.rule(), round(100 * o.margin(), 1), o.verdict(), o.chosen().arch(), round(o.chosen().predictedMs(), 3), round(o.chosen().trueMs(), 3),
                o.chosen().met(), round(o.chosen().accuracy(), 2), round(o.oracle().accuracy(), 2), round(o.oracle().trueMs(), 3), round(o.gap(), 2),
                round(o.noMargin().trueMs(), 3), o.noMargin().met(), round(o.noMargin().accuracy(), 2), o.measured(), round(o.seconds(), 3));
    }

    static double mean(List<BudgetBenchmark.Outcome> runs, java.util.function.ToDoubleFunction<BudgetBenchmark.Outcome> f) {
        return runs.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    static double round(double v, int digits) {
        if (!Double.isFinite(v)) return v;
        double p = Math.pow(10, digits);
        return Math.round(v * p) / p;
    }
}
