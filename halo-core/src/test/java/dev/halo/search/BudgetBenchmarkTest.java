package dev.halo.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.fewshot.FewShotProtocol;
import dev.halo.fewshot.FewShotTask;
import dev.halo.fewshot.LatencyTable;
import dev.halo.fewshot.Pools;
import dev.halo.predict.FewShotMethod;
import dev.halo.predict.LatencyPredictor;
import dev.halo.space.Architecture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BudgetBenchmarkTest {
    private final ToySpace space = new ToySpace(5, 4, 11);
    private final List<ToySpace.Arch> archs = space.all();
    private final double[] base = archs.stream().mapToDouble(a -> space.latency(a, 1)).toArray();

    /** "target" runs every architecture exactly 3× slower than "base", except where {@code skew} bends it. */
    private FewShotProtocol protocol(double skew) {
        double[] target = new double[base.length];
        for (int i = 0; i < base.length; i++) target[i] = 3 * base[i] * (1 + skew * ((i * 7919) % 13 - 6) / 6.0);
        LatencyTable table = LatencyTable.of(base.length, Map.of("base", base, "target", target), new int[] {0, 100, 200, 300, 400, 500, 600, 700, 800, 900});
        return new FewShotProtocol(table, new Pools(400, 400));
    }

    /** Fits the target as a multiple of "base" through its known latencies (a one-parameter device mix). */
    private final FewShotMethod.Adapter scaleOfBase = (FewShotTask task) -> {
        int[] rows = task.knownIndices();
        double[] ms = task.knownLatencies();
        double num = 0, den = 0;
        for (int i = 0; i < rows.length; i++) {
            num += ms[i] * base[rows[i]];
            den += base[rows[i]] * base[rows[i]];
        }
        double k = num / den;
        return new LatencyPredictor() {
            @Override
            public String space() {
                return "toy";
            }

            @Override
            public double[] predictMs(List<? extends Architecture> as) {
                return as.stream().mapToDouble(a -> k * space.latency(space.cast(a), 1)).toArray();
            }
        };
    };

    private double medianTarget() {
        return 3 * java.util.Arrays.stream(base).sorted().toArray()[base.length / 2];
    }

    @Test
    void anExactPredictorNeedsNoMarginAndFindsTheOracle() {
        var bench = new BudgetBenchmark<>(space, archs, space.accuracyObjective(), protocol(0), scaleOfBase, 10,
                List.of(BudgetBenchmark.Setting.of(new SafetyMargin.PredictionBound(0.95))), FewShotDevice.LeaveOut.SAMPLES);
        var o = bench.run("target", 0, List.of(medianTarget())).get(0);
        assertThat(o.margin()).isCloseTo(0, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(o.chosen().arch()).isEqualTo(o.oracle().arch());
        assertThat(o.chosen().met()).isTrue();
        assertThat(o.gap()).isZero();
    }

    @Test
    void anImperfectPredictorGetsAMarginFromItsSamplesAndEachRuleGivesAnOutcome() {
        var rules = List.of(BudgetBenchmark.Setting.of(new SafetyMargin.Quantile(0.5)), BudgetBenchmark.Setting.of(new SafetyMargin.PredictionBound(0.99)));
        var bench = new BudgetBenchmark<>(space, archs, space.accuracyObjective(), protocol(0.1), scaleOfBase, 10, rules, FewShotDevice.LeaveOut.SAMPLES);
        var outcomes = bench.run("target", 3, List.of(medianTarget()));
        assertThat(outcomes).extracting(BudgetBenchmark.Outcome::rule).containsExactly("quantile:0.5", "bound:0.99");
        var loose = outcomes.get(0);
        var strict = outcomes.get(1);
        assertThat(strict.margin()).isGreaterThan(loose.margin()).isGreaterThan(0);
        assertThat(strict.chosen().predictedMs() * (1 + strict.margin())).isLessThanOrEqualTo(medianTarget());
        assertThat(strict.chosen().met()).isTrue();
        // The oracle is judged on true latency and can only be as good or better than any choice that meets the budget.
        for (var o : outcomes) if (o.chosen().met()) assertThat(o.gap()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void everyBudgetAndSettingGetsAnOutcomeAndATooTightBudgetIsNamed() {
        var settings = List.of(BudgetBenchmark.Setting.of(new SafetyMargin.PredictionBound(0.99)),
                new BudgetBenchmark.Setting(new SafetyMargin.PredictionBound(0.99), 0.5));
        var bench = new BudgetBenchmark<>(space, archs, space.accuracyObjective(), protocol(0.1), scaleOfBase, 10, settings, FewShotDevice.LeaveOut.SAMPLES);
        double fastest = 3 * java.util.Arrays.stream(base).min().orElseThrow();
        var outcomes = bench.run("target", 2, List.of(medianTarget(), fastest * 1.01, fastest * 0.5));
        assertThat(outcomes).extracting(BudgetBenchmark.Outcome::rule).containsExactly("bound:0.99", "bound:0.99+tol:0.5", "bound:0.99", "bound:0.99+tol:0.5",
                "bound:0.99", "bound:0.99+tol:0.5");
        var roomy = outcomes.get(1);
        assertThat(roomy.chosen().accuracy()).isGreaterThanOrEqualTo(outcomes.get(0).chosen().accuracy() - 0.5);
        assertThat(roomy.chosen().predictedMs()).isLessThanOrEqualTo(outcomes.get(0).chosen().predictedMs());
        assertThat(outcomes.get(0).verdict()).isEqualTo("chosen");
        assertThat(outcomes.get(2).verdict()).isEqualTo("too-tight");
        assertThat(outcomes.get(4).verdict()).isEqualTo("infeasible");
    }

    @Test
    void calibrationCanLeaveOutEveryKnownLatency() {
        var device = FewShotDevice.adapt(scaleOfBase, protocol(0.1), archs, "target", 8, 1, new SafetyMargin.Quantile(1), FewShotDevice.LeaveOut.KNOWN);
        assertThat(device.margin().ratios()).hasSize(device.task().knownIndices().length).hasSizeGreaterThan(10);
        assertThat(FewShotDevice.LeaveOut.parse(" Known ", "--leave-out")).isEqualTo(FewShotDevice.LeaveOut.KNOWN);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FewShotDevice.LeaveOut.parse("all", "--leave-out"))
                .isInstanceOf(dev.halo.BadInputException.class).hasMessage("--leave-out: 'all' is not samples or known");
    }

    @Test
    void calibrationLeavesOutOnlyTheSamples() {
        var protocol = protocol(0.1);
        var device = FewShotDevice.adapt(scaleOfBase, protocol, archs, "target", 8, 1, new SafetyMargin.Quantile(1));
        assertThat(device.margin().ratios()).hasSize(8);
        assertThat(device.task().referenceIndices()).hasSize(10);
    }
}
