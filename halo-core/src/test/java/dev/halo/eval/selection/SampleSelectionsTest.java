package dev.halo.eval.selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import dev.halo.eval.Benchmark;
import dev.halo.eval.Evaluator;
import dev.halo.eval.FewShotProtocol;
import dev.halo.eval.FewShotTask;
import dev.halo.eval.SampleSelection;
import dev.halo.eval.Split;
import dev.halo.eval.ToyBenchmark;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntToDoubleFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SampleSelectionsTest {
    static final IntToDoubleFunction COST = i -> (i * 7919L) % 1000 + 10;
    static final Split SPLIT = new Split(List.of("a", "b"), List.of(), List.of("target"));

    static Benchmark benchmark() {
        Map<String, IntToDoubleFunction> d = new LinkedHashMap<>();
        d.put("a", i -> COST.applyAsDouble(i) / 10 + 1);
        d.put("b", i -> (i * 104729L) % 997 + 20);
        d.put("target", i -> COST.applyAsDouble(i) / 5 + 2);
        return ToyBenchmark.of(600, 300, 200, COST, d);
    }

    @Test
    void everySelectionReturnsDistinctPoolRowsReproduciblyAndSeedsDiffer() {
        Benchmark b = benchmark();
        int[] pool = IntStream.range(20, 300).toArray();
        int[] ref = IntStream.range(0, 10).toArray();
        for (String name : SampleSelections.NAMES) {
            SampleSelection s = SampleSelections.byName(name, b, SPLIT);
            int[] first = s.choose(pool, ref, 10, new SplittableRandom(1));
            assertThat(first).as(name).hasSize(10).doesNotHaveDuplicates();
            assertThat(Arrays.stream(first).allMatch(r -> r >= 20 && r < 300)).as(name).isTrue();
            assertThat(s.choose(pool, ref, 10, new SplittableRandom(1))).as(name).containsExactly(first);
            assertThat(s.choose(pool, ref, 10, new SplittableRandom(2))).as(name).isNotEqualTo(first);
        }
    }

    @Test
    void flopsSpreadTakesOneSamplePerCostStratum() {
        Benchmark b = benchmark();
        int[] pool = IntStream.range(0, 300).toArray();
        int[] chosen = SampleSelections.byName("flops-spread", b, SPLIT).choose(pool, new int[0], 10, new SplittableRandom(3));
        double[] sortedCosts = Arrays.stream(pool).mapToDouble(COST).sorted().toArray();
        int[] stratum = Arrays.stream(chosen).map(r -> Arrays.binarySearch(sortedCosts, COST.applyAsDouble(r)) * 10 / 300).sorted().toArray();
        assertThat(stratum).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void kCenterSpreadsSamplesFartherApartThanRandom() {
        double[][] line = IntStream.range(0, 300).mapToObj(i -> new double[] {i}).toArray(double[][]::new);
        SampleSelection k = SampleSelections.kCenter("kcenter", line);
        int[] pool = IntStream.range(0, 300).toArray();
        double kGap = 0, randomGap = 0;
        for (int seed = 0; seed < 5; seed++) {
            kGap += minGap(k.choose(pool, new int[0], 8, new SplittableRandom(seed)));
            randomGap += minGap(SampleSelection.RANDOM.choose(pool, new int[0], 8, new SplittableRandom(seed)));
        }
        assertThat(kGap).isGreaterThan(3 * randomGap);
    }

    @Test
    void theEvaluatorUsesTheSelectionForTestTasksAndRandomIsHelpsDraw() {
        Benchmark b = benchmark();
        FewShotProtocol protocol = new FewShotProtocol(b.table(), b.pools());
        FewShotTask random = protocol.task("target", 10, 4);
        FewShotTask viaRandom = protocol.task("target", 10, 4, SampleSelection.RANDOM);
        assertThat(viaRandom).isEqualTo(random);
        FewShotTask spread = protocol.task("target", 10, 4, SampleSelections.byName("flops-spread", b, SPLIT));
        assertThat(spread.sampleIndices()).isNotEqualTo(random.sampleIndices());
        var report = new Evaluator(b, SampleSelections.byName("d-optimal", b, SPLIT))
                .evaluate(dev.halo.eval.baseline.CostProxyMethod.flops(), SPLIT, 10, List.of(0L));
        assertThat(report.devices().get(0).spearman()).isGreaterThan(0.99);
    }

    @Test
    void anUnknownNameIsABadInput() {
        assertThatThrownBy(() -> SampleSelections.byName("best", benchmark(), SPLIT))
                .isInstanceOf(BadInputException.class).hasMessageContaining("flops-spread");
    }

    private static double minGap(int[] rows) {
        int[] s = rows.clone();
        Arrays.sort(s);
        double gap = Double.POSITIVE_INFINITY;
        for (int i = 1; i < s.length; i++) gap = Math.min(gap, s[i] - s[i - 1]);
        return gap;
    }
}
