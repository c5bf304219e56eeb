package dev.halo.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import dev.halo.data.AccuracyTable;
import dev.halo.data.LatencyDataset;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Space;
import dev.halo.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Search on the real NAS-Bench-201 tables (shared data; the tables load once for the class). */
class Nb201SearchTest {
    private static final Nb201Space SPACE = new Nb201Space();
    private static List<Nb201Arch> everything;
    private static TableLatencyPredictor gold;
    private static AccuracyObjective<Nb201Arch> cifar100;

    @BeforeAll
    static void load() {
        LatencyDataset ds = LatencyDataset.load(SharedData.path("help/nasbench201"));
        everything = SPACE.all();
        gold = DatasetTables.latencyColumn(ds, DatasetTables.architectures(ds, SPACE), "gold_6226");
        cifar100 = DatasetTables.accuracy(AccuracyTable.load(SharedData.path(AccuracyTable.SHARED_FILE)), "cifar100", SPACE, everything);
    }

    private static SearchProblem<Nb201Arch> problem(double maxMs) {
        return new SearchProblem<>(SPACE, cifar100, List.of(LatencyConstraint.of("gold_6226", gold, maxMs)),
                LatencyVerifier.fromTables(Map.of("gold_6226", gold)));
    }

    @Test
    void theIntegerEncodingReachesEveryArchitectureOnce() {
        IntegerEncoding<Nb201Arch> enc = IntegerEncoding.of(SPACE);
        Set<Nb201Arch> seen = new HashSet<>();
        int[] g = new int[6];
        for (int k = 0; k < 15625; k++) {
            for (int i = 0, x = k; i < 6; i++, x /= 5) g[i] = x % 5;
            seen.add(enc.decode(g));
        }
        assertThat(seen).hasSize(15625).containsAll(everything);
    }

    @Test
    void everyAlgorithmMeetsTheMeasuredBudget() {
        for (double budget : new double[] {8, 11, 14}) {
            var oracle = ExhaustiveSearch.search(problem(budget), everything);
            for (SearchAlgorithm a : List.of(new RandomSearch(), new RegularizedEvolution(), new Nsga2Search())) {
                var r = a.search(problem(budget), 600, 3);
                assertThat(r.best().trueMs(0)).as("%s at %s ms", a.name(), budget).isLessThanOrEqualTo(budget);
                assertThat(r.best().accuracy()).isLessThanOrEqualTo(oracle.best().accuracy());
            }
        }
    }

    @Test
    void anImpossibleBudgetNamesTheFastestArchitecture() {
        var r = ExhaustiveSearch.search(problem(1), everything);
        assertThat(r.feasible()).isFalse();
        assertThat(r.infeasibleMessage()).contains("(gold_6226 ≤ 1.00 ms)").contains("fastest reachable: gold_6226 2.66 ms predicted (2.66 ms true)");
    }

    @Test
    void anAccuracyTableOfAnotherSpaceOrWithMissingArchitecturesIsBadInput(@TempDir Path dir) throws Exception {
        Path other = dir.resolve("other.csv");
        Files.writeString(other, "arch_index,arch,cifar10_test,cifar100_test,imagenet16_test\n0,0-1-2-3,90,70,40\n");
        assertThatThrownBy(() -> DatasetTables.accuracy(AccuracyTable.load(other), "cifar100", SPACE, everything))
                .isInstanceOf(BadInputException.class).hasMessageContaining("line 2: not a nasbench201 architecture");
        Path partial = dir.resolve("partial.csv");
        Files.writeString(partial, "arch_index,arch,cifar10_test,cifar100_test,imagenet16_test\n0," + everything.get(0).canonical() + ",90,70,40\n");
        assertThatThrownBy(() -> DatasetTables.accuracy(AccuracyTable.load(partial), "cifar100", SPACE, everything))
                .isInstanceOf(BadInputException.class).hasMessageContaining("accuracy table lacks 15624 of the 15625 nasbench201 architectures");
    }
}
