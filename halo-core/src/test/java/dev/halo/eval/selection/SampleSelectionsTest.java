package dev.halo.eval.selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import dev.halo.eval.Evaluator;
import dev.halo.fewshot.Benchmark;
import dev.halo.fewshot.FewShotProtocol;
import dev.halo.fewshot.FewShotTask;
import dev.halo.fewshot.LatencyTable;
import dev.halo.fewshot.Pools;
import dev.halo.fewshot.SampleSelection;
import dev.halo.fewshot.Split;
import dev.halo.fewshot.ToyBenchmark;
import dev.halo.predict.additive.DeadCodeProbes;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Space;
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
            if (name.startsWith("cost-optimal")) continue; // the toy space has no cost features; tested on NB201 below
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
                .evaluate(dev.halo.predict.baseline.CostProxyMethod.flops(), SPLIT, 10, List.of(0L));
        assertThat(report.devices().get(0).spearman()).isGreaterThan(0.99);
    }

    @Test
    void costOptimalPinsDownTheOperationCostsBetterThanRandom() {
        Nb201Space space = new Nb201Space();
        List<Nb201Arch> archs = IntStream.range(0, 800).mapToObj(space::fromIndex).toList();
        double[] ms = archs.stream().mapToDouble(a -> 1 + a.ops().size()).toArray();
        Benchmark b = new Benchmark(space, archs, LatencyTable.of(800, Map.of("a", ms, "target", ms), IntStream.range(0, 10).toArray()), new Pools(400, 400));
        SampleSelection s = SampleSelections.byName("cost-optimal", b, SPLIT);
        int[] pool = IntStream.range(10, 400).toArray(), ref = IntStream.range(0, 10).toArray();
        double designed = 0, random = 0;
        for (int seed = 0; seed < 5; seed++) {
            int[] chosen = s.choose(pool, ref, 10, new SplittableRandom(seed));
            assertThat(chosen).hasSize(10).doesNotHaveDuplicates();
            assertThat(Arrays.stream(chosen).allMatch(r -> r >= 10 && r < 400)).isTrue();
            designed += logDet(archs, ref, chosen);
            random += logDet(archs, ref, SampleSelection.RANDOM.choose(pool, ref, 10, new SplittableRandom(seed)));
        }
        assertThat(designed).isGreaterThan(random + 5 * 0.5); // det(XᵀX) of the known rows at least e^0.5 times larger, on average
        assertThatThrownBy(() -> SampleSelections.byName("cost-optimal", benchmark(), SPLIT))
                .isInstanceOf(BadInputException.class).hasMessageContaining("no cost features for space 'toy'");
    }

    @Test
    void costOptimalSkipsArchitecturesWhoseCellOutputIgnoresItsInput() {
        Nb201Space space = new Nb201Space();
        var features = dev.halo.predict.additive.CostFeatures.forSpace(space).orElseThrow();
        Nb201Arch allNone = space.parse("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|");
        Nb201Arch deadEnd = space.parse("|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|");
        Nb201Arch skipOnly = space.parse("|none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|");
        assertThat(features.prunable(allNone)).isTrue();
        assertThat(features.prunable(deadEnd)).as("node 1 is computed but never reaches the output").isTrue();
        assertThat(features.prunable(skipOnly)).isFalse();
        // the all-none cell is a corner of the op-count space: without the rule a design takes it first
        List<Nb201Arch> candidates = new java.util.ArrayList<>(List.of(allNone, deadEnd));
        IntStream.range(0, 60).mapToObj(i -> space.fromIndex(1 + 7 * i)).filter(a -> !features.prunable(a)).forEach(candidates::add);
        List<Nb201Arch> refs = IntStream.range(0, 10).mapToObj(i -> space.fromIndex(5000 + i)).filter(a -> !features.prunable(a)).toList();
        List<Nb201Arch> chosen = SampleSelections.costOptimal(space, refs, candidates, 10);
        assertThat(chosen).hasSize(10).noneMatch(features::prunable);
        // with too few other candidates the prunable ones are used rather than failing
        assertThat(SampleSelections.costOptimal(space, refs, List.of(allNone, skipOnly), 2)).containsExactlyInAnyOrder(allNone, skipOnly);
    }

    @Test
    void costOptimalDceSpreadsSamplesOverDeadOperationsAndIsForNb201Only() {
        Nb201Space space = new Nb201Space();
        List<Nb201Arch> archs = IntStream.range(0, 1600).mapToObj(space::fromIndex).toList();
        double[] ms = archs.stream().mapToDouble(a -> 1 + a.ops().size()).toArray();
        Benchmark b = new Benchmark(space, archs, LatencyTable.of(1600, Map.of("a", ms, "target", ms), IntStream.range(0, 10).toArray()), new Pools(800, 800));
        var design = new dev.halo.predict.additive.DeadCodeDesignFeatures();
        int[] pool = IntStream.range(10, 800).toArray();
        int plain = 0, dce = 0;
        for (int seed = 0; seed < 10; seed++) {
            for (int r : SampleSelections.byName("cost-optimal", b, SPLIT).choose(pool, new int[0], 10, new SplittableRandom(seed)))
                if (design.of(archs.get(r))[4] > 0) plain++;
            int[] chosen = SampleSelections.byName("cost-optimal-dce", b, SPLIT).choose(pool, new int[0], 10, new SplittableRandom(seed));
            assertThat(chosen).hasSize(10).doesNotHaveDuplicates();
            for (int r : chosen) {
                assertThat(design.prunable(archs.get(r))).isFalse();
                if (design.of(archs.get(r))[4] > 0) dce++;
            }
        }
        assertThat(dce).isGreaterThan(plain + 5); // beyond.md session 9: about 3 per 10 against 1.7
        assertThatThrownBy(() -> SampleSelections.byName("cost-optimal-dce", benchmark(), SPLIT))
                .isInstanceOf(BadInputException.class).hasMessageContaining("cost-optimal-dce is for space nasbench201");
    }

    @Test
    void costOptimalProbesMeasuresTheTwoPoolProbesWithTheMostDeadWorkThenTheDesign() {
        Nb201Space space = new Nb201Space();
        List<Nb201Arch> archs = IntStream.range(0, 3000).mapToObj(space::fromIndex).toList();
        double[] ms = archs.stream().mapToDouble(a -> 1 + a.ops().size()).toArray();
        Benchmark b = new Benchmark(space, archs, LatencyTable.of(3000, Map.of("a", ms, "target", ms), IntStream.range(0, 10).toArray()), new Pools(1500, 1500));
        int[] pool = IntStream.range(10, 1500).toArray(), ref = new int[0];
        double[] poolProbeWork = Arrays.stream(pool).filter(r -> DeadCodeProbes.isProbe(archs.get(r)))
                .mapToDouble(r -> DeadCodeProbes.deadMflops(space, archs.get(r))).sorted().toArray();
        assertThat(poolProbeWork.length).isGreaterThan(2);
        var opCounts = dev.halo.predict.additive.CostFeatures.forSpace(space).orElseThrow();
        SampleSelection s = SampleSelections.byName("cost-optimal-probes", b, SPLIT);
        for (int seed = 0; seed < 5; seed++) {
            int[] chosen = s.choose(pool, ref, 10, new SplittableRandom(seed));
            assertThat(chosen).hasSize(10).doesNotHaveDuplicates();
            assertThat(Arrays.stream(chosen).allMatch(r -> r >= 10 && r < 1500)).isTrue();
            assertThat(Arrays.stream(chosen).limit(2).allMatch(r -> DeadCodeProbes.isProbe(archs.get(r)))).isTrue();
            assertThat(Arrays.stream(chosen).limit(2).mapToDouble(r -> DeadCodeProbes.deadMflops(space, archs.get(r))).toArray())
                    .containsOnly(poolProbeWork[poolProbeWork.length - 1], poolProbeWork[poolProbeWork.length - 2]);
            assertThat(Arrays.stream(chosen).noneMatch(r -> opCounts.prunable(archs.get(r)))).isTrue();
            assertThat(s.choose(pool, ref, 10, new SplittableRandom(seed))).containsExactly(chosen);
        }
        // too few samples for the probe rule's fit on the others: exactly the cost-optimal design
        assertThat(s.choose(pool, ref, 6, new SplittableRandom(4)))
                .containsExactly(SampleSelections.byName("cost-optimal", b, SPLIT).choose(pool, ref, 6, new SplittableRandom(4)));
        assertThatThrownBy(() -> SampleSelections.byName("cost-optimal-probes", benchmark(), SPLIT))
                .isInstanceOf(BadInputException.class).hasMessageContaining("no cost features for space 'toy'");
    }

    /** Session 13: cost-optimal's first nine picks, then the most-dead-work probe that teaches the design most. */
    @Test
    void costOptimalProbeReplacesTheDesignsLastPickByOneMostDeadWorkProbe() {
        Nb201Space space = new Nb201Space();
        List<Nb201Arch> archs = IntStream.range(0, Nb201Space.SIZE).mapToObj(space::fromIndex).toList(); // the whole space: its 4 most-dead-work probes tie
        double[] ms = archs.stream().mapToDouble(a -> 1 + a.ops().size()).toArray();
        Benchmark b = new Benchmark(space, archs, LatencyTable.of(archs.size(), Map.of("a", ms, "target", ms), IntStream.range(0, 10).toArray()), new Pools(archs.size() - 1, 1));
        int[] pool = IntStream.range(10, archs.size() - 1).toArray(), ref = IntStream.range(0, 10).toArray();
        double most = Arrays.stream(pool).filter(r -> DeadCodeProbes.isProbe(archs.get(r)))
                .mapToDouble(r -> DeadCodeProbes.deadMflops(space, archs.get(r))).max().orElseThrow();
        long mostWorkProbes = Arrays.stream(pool)
                .filter(r -> DeadCodeProbes.isProbe(archs.get(r)) && DeadCodeProbes.deadMflops(space, archs.get(r)) == most).count();
        assertThat(mostWorkProbes).isEqualTo(4); // so that the leverage has a choice to make
        SampleSelection s = SampleSelections.byName("cost-optimal-probe", b, SPLIT);
        SampleSelection plain = SampleSelections.byName("cost-optimal", b, SPLIT);
        for (int seed = 0; seed < 5; seed++) {
            int[] chosen = s.choose(pool, ref, 10, new SplittableRandom(seed));
            int[] design = plain.choose(pool, ref, 10, new SplittableRandom(seed));
            assertThat(chosen).hasSize(10).doesNotHaveDuplicates();
            assertThat(Arrays.copyOf(chosen, 9)).containsExactly(Arrays.copyOf(design, 9));
            Nb201Arch probe = archs.get(chosen[9]);
            assertThat(DeadCodeProbes.isProbe(probe)).isTrue();
            assertThat(DeadCodeProbes.deadMflops(space, probe)).isEqualTo(most);
            // of the most-dead-work probes it is one with the largest leverage given the references and the nine
            int[] known = IntStream.concat(Arrays.stream(ref), Arrays.stream(Arrays.copyOf(chosen, 9))).toArray();
            double taken = leverage(archs, known, probe);
            for (int r : pool)
                if (DeadCodeProbes.isProbe(archs.get(r)) && DeadCodeProbes.deadMflops(space, archs.get(r)) == most)
                    assertThat(taken).isGreaterThanOrEqualTo(leverage(archs, known, archs.get(r)) - 1e-9);
            assertThat(s.choose(pool, ref, 10, new SplittableRandom(seed))).containsExactly(chosen);
        }
        assertThat(s.choose(pool, ref, 5, new SplittableRandom(4))).containsExactly(plain.choose(pool, ref, 5, new SplittableRandom(4)));
    }

    /** The probe's leverage xᵀ(XᵀX + 1e-3 I)⁻¹x in the pool's standardised op counts plus an intercept, as the design computes it. */
    private static double leverage(List<Nb201Arch> archs, int[] known, Nb201Arch candidate) {
        var ops = dev.halo.predict.additive.CostFeatures.forSpace(new Nb201Space()).orElseThrow();
        int d = ops.of(candidate).length;
        double[] mean = new double[d], sd = new double[d];
        for (Nb201Arch a : archs) { double[] x = ops.of(a); for (int j = 0; j < d; j++) mean[j] += x[j] / archs.size(); }
        for (Nb201Arch a : archs) { double[] x = ops.of(a); for (int j = 0; j < d; j++) sd[j] += (x[j] - mean[j]) * (x[j] - mean[j]) / archs.size(); }
        java.util.function.Function<Nb201Arch, double[]> z = a -> {
            double[] x = ops.of(a), out = new double[d + 1];
            out[0] = 1;
            for (int j = 0; j < d; j++) out[j + 1] = sd[j] > 0 ? (x[j] - mean[j]) / Math.sqrt(sd[j]) : 0;
            return out;
        };
        double[][] info = new double[d + 1][d + 1];
        for (int j = 0; j <= d; j++) info[j][j] = 1e-3;
        for (int r : known) {
            double[] x = z.apply(archs.get(r));
            for (int i = 0; i <= d; i++) for (int j = 0; j <= d; j++) info[i][j] += x[i] * x[j];
        }
        double[] x = z.apply(candidate), solved = dev.halo.nn.LinearSolve.solve(info, x.clone());
        double q = 0;
        for (int j = 0; j <= d; j++) q += x[j] * solved[j];
        return q;
    }

    /** FBNet has no {@code none} edge: cost-optimal-probes is exactly cost-optimal there. */
    @Test
    void costOptimalProbesIsCostOptimalOutsideNb201() {
        var space = new dev.halo.space.FbnetSpace();
        SplittableRandom draw = new SplittableRandom(11);
        List<dev.halo.space.FbnetArch> archs = IntStream.range(0, 400).mapToObj(i -> space.sample(draw)).toList();
        double[] ms = IntStream.range(0, 400).mapToDouble(i -> 5 + i % 17).toArray();
        Benchmark b = new Benchmark(space, archs, LatencyTable.of(400, Map.of("a", ms, "target", ms), IntStream.range(0, 10).toArray()), new Pools(200, 200));
        int[] pool = IntStream.range(10, 200).toArray();
        assertThat(SampleSelections.byName("cost-optimal-probes", b, SPLIT).choose(pool, new int[0], 10, new SplittableRandom(3)))
                .containsExactly(SampleSelections.byName("cost-optimal", b, SPLIT).choose(pool, new int[0], 10, new SplittableRandom(3)));
    }

    /** log det XᵀX of the known rows' op counts with an intercept (what op-costs fits). */
    private static double logDet(List<Nb201Arch> archs, int[] ref, int[] samples) {
        var features = dev.halo.predict.additive.CostFeatures.forSpace(new Nb201Space()).orElseThrow();
        int[] rows = IntStream.concat(Arrays.stream(ref), Arrays.stream(samples)).toArray();
        double[][] m = new double[5][5];
        for (int r : rows) {
            double[] f = features.of(archs.get(r));
            double[] x = {1, f[0], f[1], f[2], f[3]};
            for (int i = 0; i < 5; i++) for (int j = 0; j < 5; j++) m[i][j] += x[i] * x[j];
        }
        double logDet = 0; // Gaussian elimination; m is positive definite
        for (int c = 0; c < 5; c++) {
            logDet += Math.log(m[c][c]);
            for (int r = c + 1; r < 5; r++) {
                double f = m[r][c] / m[c][c];
                for (int k = c; k < 5; k++) m[r][k] -= f * m[c][k];
            }
        }
        return logDet;
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
