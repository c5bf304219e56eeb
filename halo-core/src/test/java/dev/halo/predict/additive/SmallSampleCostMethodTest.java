package dev.halo.predict.additive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.halo.eval.selection.SampleSelections;
import dev.halo.predict.LeaveOneOutPredictor;
import dev.halo.space.FbnetArch;
import dev.halo.space.FbnetMacro;
import dev.halo.space.FbnetSpace;
import dev.halo.space.Nb201Space;
import dev.halo.stats.Metrics;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SmallSampleCostMethodTest {
    static final FbnetSpace SPACE = new FbnetSpace(FbnetMacro.cifar100());
    static final CostFeatures FINE = CostFeatures.forSpace(SPACE).orElseThrow();

    @Test
    void coarseFeaturesSumPointwiseAndDepthwiseWorkOverBothResolutions() {
        CostFeatures coarse = CoarseCostFeatures.of(FINE).orElseThrow();
        assertThat(coarse.names()).containsExactly("pw", "dw", "blocks");
        // the fine values of this arch are pinned in FbnetCostFeaturesTest
        assertThat(coarse.of(SPACE.parse("1866803437874325730137")))
                .containsExactly(new double[] {8.323072 + 57.009152, 3.833856 + 4.588288, 19}, within(1e-6));
    }

    @Test
    void coarseNb201FeaturesWeighConvolutionsByTheirMultiplyAdds() {
        CostFeatures coarse = CoarseCostFeatures.of(new Nb201OpCounts()).orElseThrow();
        assertThat(coarse.names()).containsExactly("conv_work", "parameter_free");
        Nb201Space nb201 = new Nb201Space();
        // two 3x3 edges, one 1x1, one skip, one pool, one none
        assertThat(coarse.of(nb201.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|avg_pool_3x3~1|none~2|")))
                .containsExactly(2 * 9 + 1, 2);
        assertThat(SmallSampleCostMethod.smallAtMost(new Nb201OpCounts())).isEqualTo(10);
    }

    @Test
    void isPlainOpCostsAboveTheSmallSampleSize() {
        List<FbnetArch> archs = archs(40, 1);
        double[] ms = archs.stream().mapToDouble(a -> 20 + FINE.of(a)[0] * 0.1 + FINE.of(a)[4]).toArray();
        int n = SmallSampleCostMethod.smallAtMost(FINE) + 1;
        LeaveOneOutPredictor p = SmallSampleCostMethod.fit(FINE, archs.subList(0, n), java.util.Arrays.copyOf(ms, n));
        assertThat(p).isInstanceOf(AdditiveCostPredictor.class);
        assertThat(SmallSampleCostMethod.fit(FINE, archs.subList(0, n - 1), java.util.Arrays.copyOf(ms, n - 1)))
                .isInstanceOf(SmallSampleCostMethod.Mean.class);
    }

    /**
     * A noisy phone whose true costs are coarse (one price for pointwise work, one for depthwise, one per block) with
     * 8 % noise, as FBNet's samsung_a50: from 10 known latencies the mean with the coarse fit ranks 500 unseen
     * architectures better than op-costs' eight-cost fit, on most of 20 draws and on average.
     */
    @Test
    void ranksANoisyPhoneBetterFromTenLatencies() {
        List<FbnetArch> unseen = archs(500, 7);
        double[] unseenTruth = unseen.stream().mapToDouble(SmallSampleCostMethodTest::coarseTruth).toArray();
        double plainSum = 0, smallSum = 0;
        int wins = 0;
        for (int seed = 0; seed < 20; seed++) {
            SplittableRandom noise = new SplittableRandom(seed);
            List<FbnetArch> known = archs(10, 100 + seed);
            double[] knownMs = known.stream().mapToDouble(a -> coarseTruth(a) * (1 + 0.08 * noise.nextGaussian())).toArray();
            double plain = Metrics.spearman(AdditiveCostPredictor.fit(FINE, known, knownMs).predictMs(unseen), unseenTruth);
            double small = Metrics.spearman(SmallSampleCostMethod.fit(FINE, known, knownMs).predictMs(unseen), unseenTruth);
            plainSum += plain;
            smallSum += small;
            if (small > plain) wins++;
        }
        assertThat(smallSum / 20).isGreaterThan(plainSum / 20 + 0.01);
        assertThat(wins).isGreaterThan(10);
    }

    /**
     * The gate of op-costs-small-gated: ten random FBNet architectures leave the nine-cost fit unsure (mean leverage
     * over the space above 1), ten chosen by the cost-optimal design do not, and more known rows only lower it.
     */
    @Test
    void gateOpensForARandomDrawButNotForADesign() {
        List<FbnetArch> space = archs(2000, 3);
        SmallSampleCostMethod.Standardised rows = SmallSampleCostMethod.Standardised.of(FINE, space);
        List<FbnetArch> random = archs(10, 11);
        List<FbnetArch> designed = SampleSelections.costOptimal(SPACE, List.of(), space, 10);
        assertThat(rows.meanLeverage(random)).isGreaterThan(1);
        assertThat(rows.meanLeverage(designed)).isLessThanOrEqualTo(1);
        assertThat(rows.meanLeverage(archs(40, 11))).isLessThan(rows.meanLeverage(random));
    }

    private static double coarseTruth(FbnetArch a) {
        double[] f = FINE.of(a);
        return 15 + 0.08 * (f[0] + f[2]) + 0.5 * (f[1] + f[3]) + 0.6 * f[4];
    }

    private static List<FbnetArch> archs(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return IntStream.range(0, n).mapToObj(i -> SPACE.sample(rng)).toList();
    }
}
