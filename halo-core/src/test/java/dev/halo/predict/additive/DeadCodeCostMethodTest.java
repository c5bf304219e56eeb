package dev.halo.predict.additive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.eval.Evaluator;
import dev.halo.eval.selection.SampleSelections;
import dev.halo.fewshot.Benchmark;
import dev.halo.fewshot.LatencyTable;
import dev.halo.fewshot.Pools;
import dev.halo.fewshot.Split;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Space;
import dev.halo.stats.Metrics;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DeadCodeCostMethodTest {
    static final Nb201Space SPACE = new Nb201Space();
    static final Nb201OpCounts ALL = new Nb201OpCounts();
    static final Nb201LiveOpCounts LIVE = new Nb201LiveOpCounts();

    @Test
    void liveCountsDropOnlyTheOperationsIntoDeadNodes() {
        // node 1 (conv3x3 from the input) leads nowhere: its conv is dead; the rest runs
        Nb201Arch deadNode = SPACE.parse("|nor_conv_3x3~0|+|nor_conv_1x1~0|none~1|+|skip_connect~0|none~1|nor_conv_3x3~2|");
        assertThat(LIVE.of(deadNode)).containsExactly(1, 1, 1, 0);
        assertThat(Nb201LiveOpCounts.deadOps(deadNode)).isEqualTo(1);
        // node 1 is the zero tensor, but the conv1x1 reading it feeds the output: it still runs
        Nb201Arch zeroNode = SPACE.parse("|none~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|none~0|none~1|skip_connect~2|");
        assertThat(LIVE.of(zeroNode)).containsExactly(ALL.of(zeroNode));
        assertThat(Nb201LiveOpCounts.deadOps(zeroNode)).isZero();
        // node 2 reads only the zero node 1 and leads nowhere: unused, so dead as well
        Nb201Arch zeroIntoNowhere = SPACE.parse("|none~0|+|none~0|nor_conv_1x1~1|+|nor_conv_3x3~0|avg_pool_3x3~1|none~2|");
        assertThat(LIVE.of(zeroIntoNowhere)).containsExactly(0, 0, 1, 1);
        assertThat(Nb201LiveOpCounts.deadOps(zeroIntoNowhere)).isEqualTo(1);
        // the output ignores the input: such a runtime folds the whole network, nothing counts
        Nb201Arch disconnected = SPACE.parse("|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|none~0|none~1|none~2|");
        assertThat(LIVE.of(disconnected)).containsExactly(0, 0, 0, 0);
        assertThat(Nb201LiveOpCounts.deadOps(disconnected)).isEqualTo(2);
    }

    /** Against the space's own cell classification, over every NAS-Bench-201 cell. */
    @Test
    void deadOperationsAppearExactlyInCellsWithADeadNodeOrNoConnection() {
        for (int i = 0; i < Nb201Space.SIZE; i++) {
            Nb201Arch a = SPACE.fromIndex(i);
            double[] all = ALL.of(a), live = LIVE.of(a);
            int dead = Nb201LiveOpCounts.deadOps(a);
            assertThat(Arrays.stream(all).sum() - Arrays.stream(live).sum()).as(a.canonical()).isEqualTo(dead);
            for (int k = 0; k < all.length; k++) assertThat(live[k]).as(a.canonical()).isBetween(0.0, all[k]);
            switch (Nb201Space.cellKind(a)) {
                case ORDINARY -> assertThat(dead).as(a.canonical()).isZero();
                case DEAD_NODE, ZERO_AND_DEAD_NODES -> assertThat(dead).as(a.canonical()).isPositive();
                case DISCONNECTED -> assertThat(live).as(a.canonical()).containsOnly(0.0);
                case ZERO_NODE -> { } // dead only where a zero node feeds a node that leads nowhere (first test)
            }
        }
    }

    /** A device that removes dead code (latency from live counts; folded cells 0.01 ms) or one that runs every edge. */
    private static double latency(Nb201Arch a, boolean removesDeadCode, int row) {
        if (removesDeadCode && LIVE.prunable(a)) return 0.01;
        double[] c = removesDeadCode ? LIVE.of(a) : ALL.of(a);
        return (2 + 0.3 * c[0] + 1.2 * c[1] + 5.0 * c[2] + 1.0 * c[3]) * (1 + 0.02 * Math.sin(row * 12.9898));
    }

    /** Ten known cells, three of them with a dead node (as the cost-optimal-dce design gives), none prunable. */
    private static List<Nb201Arch> known() {
        List<Nb201Arch> out = new java.util.ArrayList<>();
        IntStream.range(0, Nb201Space.SIZE).mapToObj(SPACE::fromIndex)
                .filter(a -> Nb201LiveOpCounts.deadOps(a) >= 2 && !LIVE.prunable(a)).limit(3).forEach(out::add);
        IntStream.range(0, 200).mapToObj(i -> SPACE.fromIndex(101 + 61 * i))
                .filter(a -> Nb201LiveOpCounts.deadOps(a) == 0 && !LIVE.prunable(a)).limit(7).forEach(out::add);
        return out;
    }

    @Test
    void choosesTheLiveOpFitForADeviceThatRemovesDeadCodeAndRanksFoldedCellsLowest() {
        List<Nb201Arch> known = known();
        double[] ms = IntStream.range(0, known.size()).mapToDouble(i -> latency(known.get(i), true, i)).toArray();
        DeadCodeCostMethod.Choice choice = DeadCodeCostMethod.choose(known, ms);
        assertThat(choice.deadCodeRemoved()).isTrue();
        List<Nb201Arch> unseen = IntStream.range(0, 3000).mapToObj(i -> SPACE.fromIndex(5 * i + 3)).toList();
        double[] truth = IntStream.range(0, unseen.size()).mapToDouble(i -> latency(unseen.get(i), true, 1000 + i)).toArray();
        double[] predicted = choice.predictor().predictMs(unseen);
        double opCosts = Metrics.spearman(AdditiveCostPredictor.fit(ALL, known, ms).predictMs(unseen), truth);
        assertThat(Metrics.spearman(predicted, truth)).isGreaterThan(0.98).isGreaterThan(opCosts + 0.05);
        double fastestConnected = IntStream.range(0, unseen.size()).filter(i -> !LIVE.prunable(unseen.get(i))).mapToDouble(i -> predicted[i]).min().orElseThrow();
        for (int i = 0; i < unseen.size(); i++)
            if (LIVE.prunable(unseen.get(i))) assertThat(predicted[i]).isLessThan(fastestConnected);
    }

    @Test
    void keepsOpCostsForADeviceThatRunsEveryEdge() {
        List<Nb201Arch> known = known();
        double[] ms = IntStream.range(0, known.size()).mapToDouble(i -> latency(known.get(i), false, i)).toArray();
        DeadCodeCostMethod.Choice choice = DeadCodeCostMethod.choose(known, ms);
        assertThat(choice.deadCodeRemoved()).isFalse();
        assertThat(choice.predictor()).isInstanceOf(AdditiveCostPredictor.class);
        assertThat(((AdditiveCostPredictor) choice.predictor()).features()).isEqualTo(ALL);
    }

    /** A probe has operations on 1←0, 2←0, 2←1 and 3←0 and none on 3←1, 3←2: 4⁴ cells of the space. */
    @Test
    void probesAreTheConnectedCellsWithThreeDeadOperations() {
        long probes = IntStream.range(0, Nb201Space.SIZE).mapToObj(SPACE::fromIndex).filter(DeadCodeProbes::isProbe).count();
        assertThat(probes).isEqualTo(256);
        Nb201Arch probe = SPACE.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|none~1|none~2|");
        assertThat(DeadCodeProbes.isProbe(probe)).isTrue();
        assertThat(LIVE.of(probe)).containsExactly(1, 0, 0, 0);
        // all edges into node 3 none: three dead operations too, but the network is folded, so it is no probe
        assertThat(DeadCodeProbes.isProbe(SPACE.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|none~0|none~1|none~2|"))).isFalse();
        // the dead work is the two conv3x3 and the conv1x1: 9 + 9 + 1 units of a conv1x1
        Nb201Arch oneConv1x1 = SPACE.parse("|none~0|+|none~0|none~1|+|nor_conv_1x1~0|none~1|none~2|");
        Nb201Arch empty = SPACE.parse("|none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|");
        double conv1x1 = SPACE.mflops(oneConv1x1) - SPACE.mflops(empty);
        assertThat(DeadCodeProbes.deadMflops(SPACE, probe)).isCloseTo(19 * conv1x1, org.assertj.core.api.Assertions.within(1e-9));
    }

    /** Eight known cells as in {@link #known()} (none a probe) and two probes whose dead operations are convolutions. */
    private static List<Nb201Arch> knownWithProbes() {
        List<Nb201Arch> out = new java.util.ArrayList<>(known().stream().filter(a -> !DeadCodeProbes.isProbe(a)).limit(8).toList());
        assertThat(out).hasSize(8);
        out.add(SPACE.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_1x1~0|none~1|none~2|"));
        out.add(SPACE.parse("|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|avg_pool_3x3~0|none~1|none~2|"));
        return out;
    }

    @Test
    void withProbesTheLiveOpFitIsKeptForADeviceThatRemovesDeadCodeAndNotForOneThatRunsEveryEdge() {
        List<Nb201Arch> known = knownWithProbes();
        double[] removes = IntStream.range(0, known.size()).mapToDouble(i -> latency(known.get(i), true, i)).toArray();
        assertThat(DeadCodeCostMethod.probesRanFaster(known, removes, DeadCodeCostMethod.PROBE_SPEEDUP)).isTrue();
        DeadCodeCostMethod.Choice chosen = DeadCodeCostMethod.chooseWithProbes(known, removes, false);
        assertThat(chosen.deadCodeRemoved()).isTrue();
        assertThat(chosen.overruledByProbes()).isFalse();
        double[] runsAll = IntStream.range(0, known.size()).mapToDouble(i -> latency(known.get(i), false, i)).toArray();
        assertThat(DeadCodeCostMethod.probesRanFaster(known, runsAll, DeadCodeCostMethod.PROBE_SPEEDUP)).isFalse();
        assertThat(DeadCodeCostMethod.chooseWithProbes(known, runsAll, false).deadCodeRemoved()).isFalse();
    }

    /**
     * The probes are set to a fraction of what op counts fitted on the eight other rows predict for them: below 0.8 of
     * it they confirm dead-code removal, above it they overrule the residual ratio even when it is far above its margin.
     */
    @Test
    void theProbeThresholdIsHonoured() {
        List<Nb201Arch> known = knownWithProbes();
        double[] ms = IntStream.range(0, known.size()).mapToDouble(i -> latency(known.get(i), true, i)).toArray();
        double[] predicted = AdditiveCostPredictor.fit(ALL, known.subList(0, 8), Arrays.copyOf(ms, 8)).predictMs(known.subList(8, 10));
        assertThat(DeadCodeCostMethod.choose(known, ms).deadCodeRemoved()).as("the residual ratio alone takes the live-op fit").isTrue();
        for (double fraction : new double[] {0.5, 0.79}) {
            double[] faster = withProbesAt(ms, predicted, fraction, fraction);
            assertThat(DeadCodeCostMethod.probesRanFaster(known, faster, 0.20)).as("%s", fraction).isTrue();
        }
        for (double[] fractions : new double[][] {{0.81, 0.81}, {0.5, 0.85}, {0.95, 0.6}}) {
            double[] slower = withProbesAt(ms, predicted, fractions[0], fractions[1]);
            assertThat(DeadCodeCostMethod.probesRanFaster(known, slower, 0.20)).as("%s", Arrays.toString(fractions)).isFalse();
        }
        // the threshold is a parameter of the check, not a constant hidden in it
        assertThat(DeadCodeCostMethod.probesRanFaster(known, withProbesAt(ms, predicted, 0.85, 0.85), 0.10)).isTrue();
        assertThat(DeadCodeCostMethod.probesRanFaster(known, withProbesAt(ms, predicted, 0.75, 0.75), 0.30)).isFalse();
        // no probe known: the residual ratio decides alone, as op-costs-dce
        assertThat(DeadCodeCostMethod.probesRanFaster(known.subList(0, 8), Arrays.copyOf(ms, 8), 0.20)).isTrue();
    }

    /**
     * op-costs-dce-probe-required: with a confirming probe known it decides as op-costs-dce-probes; with none known it
     * keeps op-costs even where the residual ratio alone would take the live-op fit (titan_rtx_256, beyond.md session 13).
     */
    @Test
    void withAProbeRequiredTheResidualRatioAloneNeverTakesTheLiveOpFit() {
        List<Nb201Arch> known = knownWithProbes();
        double[] removes = IntStream.range(0, known.size()).mapToDouble(i -> latency(known.get(i), true, i)).toArray();
        assertThat(DeadCodeCostMethod.chooseWithProbes(known, removes, true).deadCodeRemoved()).isTrue();
        List<Nb201Arch> noProbe = known.subList(0, 8);
        double[] noProbeMs = Arrays.copyOf(removes, 8);
        assertThat(DeadCodeCostMethod.choose(noProbe, noProbeMs).deadCodeRemoved()).as("the residual ratio alone takes it").isTrue();
        assertThat(DeadCodeCostMethod.chooseWithProbes(noProbe, noProbeMs, false).deadCodeRemoved()).isTrue();
        DeadCodeCostMethod.Choice required = DeadCodeCostMethod.chooseWithProbes(noProbe, noProbeMs, true);
        assertThat(required.deadCodeRemoved()).isFalse();
        assertThat(((AdditiveCostPredictor) required.predictor()).features()).isEqualTo(ALL);
        assertThat(new DeadCodeCostMethod(DeadCodeCostMethod.Confirmation.PROBE_REQUIRED).name()).isEqualTo(DeadCodeCostMethod.PROBE_REQUIRED_NAME);
    }

    private static double[] withProbesAt(double[] ms, double[] predicted, double first, double second) {
        double[] out = ms.clone();
        out[8] = first * predicted[0];
        out[9] = second * predicted[1];
        return out;
    }

    /**
     * Through the evaluator, as {@code halo evaluate --method experimental:op-costs-dce --selection cost-optimal-dce}
     * runs it: a device that removes dead code and one that runs every edge, only the 10 designed samples known.
     */
    @Test
    void theEvaluatorNamesTheChoicePerDeviceAndRanksBothKinds() {
        int rows = 3000;
        List<Nb201Arch> archs = IntStream.range(0, rows).mapToObj(SPACE::fromIndex).toList();
        java.util.Map<String, double[]> latency = new java.util.LinkedHashMap<>();
        latency.put("removes", IntStream.range(0, rows).mapToDouble(i -> latency(archs.get(i), true, i)).toArray());
        latency.put("runsAll", IntStream.range(0, rows).mapToDouble(i -> latency(archs.get(i), false, i)).toArray());
        latency.put("unread", IntStream.range(0, rows).mapToDouble(i -> 5 + i % 37).toArray()); // a split needs a train device
        Benchmark b = new Benchmark(SPACE, archs, LatencyTable.of(rows, latency, IntStream.range(0, 10).toArray()), new Pools(1500, 1500));
        Split split = new Split(List.of("unread"), List.of(), List.of("removes", "runsAll"));
        var report = new Evaluator(b, SampleSelections.byName("cost-optimal-dce", b, split), false)
                .evaluate(new DeadCodeCostMethod(DeadCodeCostMethod.Confirmation.NONE), split, 10, List.of(0L, 1L, 2L));
        assertThat(report.methodSummary()).contains("removes 3/3").contains("runsAll 0/3");
        assertThat(report.devices()).allSatisfy(d -> assertThat(d.spearmanFull()).isGreaterThan(0.97));
    }

    /** The same through {@code --selection cost-optimal-probes} and {@code experimental:op-costs-dce-probes}. */
    @Test
    void theEvaluatorWithProbesNamesTheChoicePerDevice() {
        int rows = 3000;
        List<Nb201Arch> archs = IntStream.range(0, rows).mapToObj(SPACE::fromIndex).toList();
        java.util.Map<String, double[]> latency = new java.util.LinkedHashMap<>();
        latency.put("removes", IntStream.range(0, rows).mapToDouble(i -> latency(archs.get(i), true, i)).toArray());
        latency.put("runsAll", IntStream.range(0, rows).mapToDouble(i -> latency(archs.get(i), false, i)).toArray());
        latency.put("unread", IntStream.range(0, rows).mapToDouble(i -> 5 + i % 37).toArray());
        Benchmark b = new Benchmark(SPACE, archs, LatencyTable.of(rows, latency, IntStream.range(0, 10).toArray()), new Pools(1500, 1500));
        Split split = new Split(List.of("unread"), List.of(), List.of("removes", "runsAll"));
        var report = new Evaluator(b, SampleSelections.byName("cost-optimal-probes", b, split), false)
                .evaluate(new DeadCodeCostMethod(DeadCodeCostMethod.Confirmation.PROBES_IF_KNOWN), split, 10, List.of(0L, 1L, 2L));
        assertThat(report.method()).isEqualTo(DeadCodeCostMethod.PROBES_NAME);
        assertThat(report.methodSummary()).contains("probe").contains("removes 3/3").contains("runsAll 0/3");
        assertThat(report.devices()).allSatisfy(d -> assertThat(d.spearmanFull()).isGreaterThan(0.97));
    }
}
