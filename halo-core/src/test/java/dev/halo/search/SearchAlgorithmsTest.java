package dev.halo.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SearchAlgorithmsTest {
    // 5 genes × 4 values = 1024 architectures: big enough that budgets matter, small enough to enumerate.
    private final ToySpace space = new ToySpace(5, 4, 7);
    private final TableLatencyPredictor table = space.table("dev", 1.0);

    static Stream<SearchAlgorithm> algorithms() {
        return Stream.of(new RandomSearch(), new RegularizedEvolution(), new Nsga2Search());
    }

    private SearchProblem<ToySpace.Arch> problem(double maxMs) {
        return new SearchProblem<>(space, space.accuracyObjective(), List.of(LatencyConstraint.of("dev", table, maxMs)),
                LatencyVerifier.fromTables(java.util.Map.of("dev", table)));
    }

    private double fastest() {
        return space.all().stream().mapToDouble(a -> space.latency(a, 1)).min().orElseThrow();
    }

    private double median() {
        return space.all().stream().mapToDouble(a -> space.latency(a, 1)).sorted().skip(512).findFirst().orElseThrow();
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void sameSeedSameAnswer(SearchAlgorithm algorithm) {
        var a = algorithm.search(problem(median()), 120, 42);
        var b = algorithm.search(problem(median()), 120, 42);
        assertThat(a.best().arch()).isEqualTo(b.best().arch());
        assertThat(a.evaluations()).isEqualTo(b.evaluations()).isLessThanOrEqualTo(120);
        assertThat(a.front().stream().map(c -> c.arch().canonical()).toList())
                .isEqualTo(b.front().stream().map(c -> c.arch().canonical()).toList());
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void spendsExactlyTheBudgetWhenTheSpaceIsLarger(SearchAlgorithm algorithm) {
        assertThat(algorithm.search(problem(median()), 200, 1).evaluations()).isEqualTo(200);
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void theChoiceMeetsTheBudgetOnTheMeasuredTable(SearchAlgorithm algorithm) {
        double[] sorted = space.all().stream().mapToDouble(a -> space.latency(a, 1)).sorted().toArray();
        for (int k = 0; k < 8; k++) {
            // From the 1st percentile (few feasible archs: the search may miss them all) up to the 85th.
            double budget = sorted[(int) (sorted.length * (0.01 + 0.12 * k))];
            var r = algorithm.search(problem(budget), 100, k);
            if (k >= 2) assertThat(r.feasible()).as("budget %.3f", budget).isTrue();
            if (r.feasible()) {
                assertThat(r.best().predictedMs(0)).isLessThanOrEqualTo(budget);
                assertThat(r.best().trueMs(0)).isEqualTo(r.best().predictedMs(0));
            } else {
                assertThat(r.closest().predictedMs(0)).isGreaterThan(budget);
            }
        }
    }

    @Test
    void evolutionFindsTheOracleOnASmallSpace() {
        var small = new ToySpace(4, 4, 3); // 256 architectures
        var t = small.table("dev", 1.0);
        double budget = small.all().stream().mapToDouble(a -> small.latency(a, 1)).sorted().skip(100).findFirst().orElseThrow();
        var p = new SearchProblem<>(small, small.accuracyObjective(), List.of(LatencyConstraint.of("dev", t, budget)));
        var oracle = ExhaustiveSearch.search(p, small.all());
        for (long seed = 0; seed < 5; seed++) {
            var r = new RegularizedEvolution(20, 5).search(p, 150, seed);
            assertThat(r.best().arch()).as("seed %d", seed).isEqualTo(oracle.best().arch());
        }
    }

    @Test
    void evolutionBeatsRandomSearchOnAverage() {
        double budget = median();
        double evo = 0, rnd = 0;
        for (long seed = 0; seed < 10; seed++) {
            evo += new RegularizedEvolution().search(problem(budget), 150, seed).best().accuracy();
            rnd += new RandomSearch().search(problem(budget), 150, seed).best().accuracy();
        }
        assertThat(evo).isGreaterThan(rnd);
    }

    @Test
    void nsga2FrontIsNonDominatedAndCoversEverythingEvaluated() {
        var p = new SearchProblem<>(space, space.accuracyObjective(), List.of(LatencyConstraint.unconstrained("dev", table)));
        var r = new Nsga2Search(20).search(p, 300, 5);
        assertThat(r.front()).hasSizeGreaterThan(3);
        for (var a : r.front())
            for (var b : r.front()) assertThat(ParetoFront.dominates(a, b)).as("%s dominates %s", a, b).isFalse();
        // The exact front (all 1024) dominates or equals every point found; with 300 of 1024 evaluations most
        // of the found front should be on it.
        var exact = ExhaustiveSearch.search(p, space.all()).front();
        long onExact = r.front().stream().filter(c -> exact.stream().anyMatch(e -> e.arch().equals(c.arch()))).count();
        assertThat(onExact).isGreaterThanOrEqualTo(r.front().size() / 2);
    }

    @Test
    void severalDevicesMustAllHold() {
        var slowDevice = space.noisy(3.0, 0.3);
        double b1 = median(), b2 = 3.0 * fastest() * 1.6;
        var p = new SearchProblem<>(space, space.accuracyObjective(),
                List.of(LatencyConstraint.of("a", table, b1), LatencyConstraint.of("b", slowDevice, b2)));
        var r = new RegularizedEvolution().search(p, 300, 9);
        assertThat(r.best().predictedMs(0)).isLessThanOrEqualTo(b1);
        assertThat(r.best().predictedMs(1)).isLessThanOrEqualTo(b2);
        var oracle = ExhaustiveSearch.search(p, space.all());
        assertThat(oracle.best().accuracy()).isGreaterThanOrEqualTo(r.best().accuracy());
    }

    @Test
    void aSafetyMarginTightensTheEffectiveBudget() {
        double budget = median();
        var p = new SearchProblem<>(space, space.accuracyObjective(), List.of(new LatencyConstraint("dev", table, budget, 0.2)));
        var r = ExhaustiveSearch.search(p, space.all());
        assertThat(r.best().predictedMs(0) * 1.2).isLessThanOrEqualTo(budget);
    }

    @Test
    void anAccuracyToleranceTradesAtMostThatMuchAccuracyForTheMostRoomUnderTheBudget() {
        double budget = median();
        var exact = ExhaustiveSearch.search(problem(budget), space.all());
        double tolerance = 0.05 * Math.abs(exact.best().accuracy());
        var tolerant = ExhaustiveSearch.search(problem(budget).withAccuracyTolerance(tolerance), space.all());
        assertThat(tolerant.best().accuracy()).isGreaterThanOrEqualTo(exact.best().accuracy() - tolerance);
        // No candidate that passes and is that accurate is predicted faster than the tolerant choice.
        double fastestEligible = space.all().stream().filter(a -> space.latency(a, 1) <= budget)
                .filter(a -> space.accuracyObjective().accuracy(a) >= exact.best().accuracy() - tolerance)
                .mapToDouble(a -> space.latency(a, 1)).min().orElseThrow();
        assertThat(tolerant.best().predictedMs(0)).isEqualTo(fastestEligible).isLessThanOrEqualTo(exact.best().predictedMs(0));
        assertThat(ExhaustiveSearch.search(problem(budget).withAccuracyTolerance(0), space.all()).best().arch()).isEqualTo(exact.best().arch());
        assertThatThrownBy(() -> problem(budget).withAccuracyTolerance(-1)).isInstanceOf(BadInputException.class).hasMessageContaining("tolerance");
    }

    @Test
    void aBudgetOnlyTheMarginRejectsIsCalledTooTightToCertify() {
        double fastest = fastest();
        var tight = new SearchProblem<>(space, space.accuracyObjective(), List.of(new LatencyConstraint("dev", table, fastest * 1.1, 0.2)));
        var r = ExhaustiveSearch.search(tight, space.all());
        assertThat(r.feasible()).isFalse();
        assertThat(r.tooTightToCertify()).isTrue();
        assertThat(r.infeasibleMessage()).contains("too tight to certify");
        var impossible = ExhaustiveSearch.search(problem(fastest * 0.9), space.all());
        assertThat(impossible.tooTightToCertify()).isFalse();
        assertThat(impossible.infeasibleMessage()).doesNotContain("too tight");
    }

    @Test
    void anInfeasibleBudgetSaysSoAndNamesTheFastestReachable() {
        double fastest = fastest();
        var r = ExhaustiveSearch.search(problem(fastest * 0.9), space.all());
        assertThat(r.feasible()).isFalse();
        assertThat(r.closest().predictedMs(0)).isEqualTo(fastest);
        assertThat(r.infeasibleMessage())
                .startsWith("no architecture meets the latency budget (dev ≤ ")
                .contains("among 1024 evaluated")
                .contains(String.format(java.util.Locale.ROOT, "fastest reachable: dev %.3g ms predicted (%.3g ms true)", fastest, fastest));
        var evo = new RegularizedEvolution().search(problem(fastest * 0.9), 100, 1);
        assertThat(evo.feasible()).isFalse();
        assertThat(evo.closest().predictedMs(0)).isLessThan(median());
    }

    @Test
    void aBudgetOfNoEvaluationsIsBadInput() {
        assertThatThrownBy(() -> new RandomSearch().search(problem(median()), 0, 1))
                .isInstanceOf(BadInputException.class).hasMessageContaining("budget must be > 0 evaluations");
    }

    @Test
    void unknownAlgorithmIsBadInput() {
        assertThatThrownBy(() -> SearchAlgorithm.byName("annealing")).isInstanceOf(BadInputException.class)
                .hasMessage("unknown search algorithm 'annealing' (known: evolution, random, nsga2)");
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void progressCountsUpToTheEvaluationsAndLeavesTheAnswerAsItWas(SearchAlgorithm algorithm) {
        List<Integer> seen = new java.util.ArrayList<>();
        var watched = algorithm.search(problem(median()), 300, 3, (scored, budget) -> {
            assertThat(budget).isEqualTo(300);
            seen.add(scored);
        });
        var plain = algorithm.search(problem(median()), 300, 3);
        assertThat(watched.best().arch()).isEqualTo(plain.best().arch());
        assertThat(seen).isSortedAccordingTo(Integer::compare);
        assertThat(seen.get(seen.size() - 1)).isEqualTo(watched.evaluations());
    }

    /** A stop request as a caller makes it: an exception from the progress callback. */
    private static final class Stop extends RuntimeException {}

    @ParameterizedTest
    @MethodSource("algorithms")
    void anExceptionFromProgressStopsTheSearchEvenWhenOnlyRevisitsAreLeft(SearchAlgorithm algorithm) {
        int[] last = {-1}, callsWithNothingNew = {0};
        Stop stop = new Stop();
        // a budget far above the space's 1,024 architectures: the search goes on revisiting them for a long while
        assertThatThrownBy(() -> algorithm.search(problem(median()), 50_000, 5, (scored, budget) -> {
            callsWithNothingNew[0] = scored == last[0] ? callsWithNothingNew[0] + 1 : 0;
            last[0] = scored;
            if (callsWithNothingNew[0] == 200) throw stop;
        })).isSameAs(stop);
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void anExceptionFromProgressWhileArchitecturesAreBeingScoredReachesTheCallerAsItWasThrown(SearchAlgorithm algorithm) {
        Stop stop = new Stop();
        // 75 falls after the first population: NSGA-II is then inside Jenetics' evaluation of a generation
        assertThatThrownBy(() -> algorithm.search(problem(median()), 300, 7, (scored, budget) -> {
            if (scored >= 75) throw stop;
        })).isSameAs(stop);
    }

    @Test
    void exhaustiveSearchReportsEachBatchAndStopsWhenTold() {
        List<Integer> seen = new java.util.ArrayList<>();
        var r = ExhaustiveSearch.search(problem(median()), space.all(), (scored, budget) -> seen.add(scored));
        assertThat(seen).containsExactly(1024);
        assertThat(r.evaluations()).isEqualTo(1024);
        Stop stop = new Stop();
        List<ToySpace.Arch> twice = new java.util.ArrayList<>(space.all());
        twice.addAll(space.all());
        assertThatThrownBy(() -> ExhaustiveSearch.search(problem(median()), twice, (scored, budget) -> {
            throw stop;
        })).isSameAs(stop);
    }
}
