package dev.halo.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KernelCostModelTest {
    private static final KernelCostModel.Provenance PROV = new KernelCostModel.Provenance("dev", "test device", 0, 0, List.of(), KernelFeatures.VERSION, "");

    @Test
    void predictsModelsOfAFamilyItWasNotFittedOnWithinAFewPercent() {
        List<KernelCorpus.Model> corpus = KernelFixtures.corpus(240, 5, KernelFixtures.UNIT, 0.2);
        List<KernelCorpus.Model> train = corpus.stream().filter(m -> !m.family().equals("f3")).toList();
        KernelCostModel m = KernelCostModel.fit(train, BoostedTrees.Params.defaults(), PROV, false);
        int within = 0, n = 0;
        for (KernelCorpus.Model t : corpus) {
            if (!t.family().equals("f3")) continue;
            n++;
            if (Math.abs(m.predict(t.shapes()).ms() / t.latencyMs() - 1) <= 0.10) within++;
        }
        assertThat((double) within / n).as("held-out family within ±10 %").isGreaterThan(0.9);
    }

    @Test
    void theCalibrationRecoversTheOverheadTheProfilerDoesNotSee() {
        List<KernelCorpus.Model> corpus = KernelFixtures.corpus(100, 6, KernelFixtures.UNIT, 0.5);
        KernelCostModel.Calibration c = KernelCostModel.calibrate(corpus);
        assertThat(c.scale()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(c.overheadMs() + c.perKernelMs() * 8).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.05));
    }

    @Test
    void intervalsComeFromHeldOutFamiliesAndBracketThePointPrediction() {
        List<KernelCorpus.Model> corpus = KernelFixtures.corpus(120, 7, KernelFixtures.UNIT, 0.2);
        KernelCostModel m = KernelCostModel.fit(corpus, new BoostedTrees.Params(100, 5, 0.15, 1e-3, 1e-3, 0.8, 7), PROV, true);
        KernelCostModel.Prediction p = m.predict(corpus.get(0).shapes());
        assertThat(p.lowMs()).isLessThanOrEqualTo(p.ms());
        assertThat(p.highMs()).isGreaterThanOrEqualTo(p.ms());
        assertThat(m.calibration().highLogRatio() - m.calibration().lowLogRatio()).isGreaterThan(0);
        assertThat(p.kernels()).hasSize(corpus.get(0).kernels().size());
        assertThat(p.kernels().stream().mapToDouble(KernelCostModel.KernelMs::ms).sum() + m.calibration().overheadMs())
                .isCloseTo(p.ms(), org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aMatrixProductIsPricedByTheProductTreesAndEveryOtherKernelByTheOthers() {
        var half = new BoostedTrees.Tree(new int[] {-1}, new double[] {0}, new int[] {0}, new int[] {0}, new double[] {Math.log(0.5)});
        var twice = new BoostedTrees.Tree(new int[] {-1}, new double[] {0}, new int[] {0}, new int[] {0}, new double[] {Math.log(2)});
        var baseline = new KernelCostModel.Baseline(4e-8, 1e-7, 2e-3);
        KernelCostModel m = new KernelCostModel(baseline, new BoostedTrees(0, List.of(half), KernelFeatures.size()),
                new BoostedTrees(0, List.of(twice), KernelFeatures.productSize()), new KernelCostModel.Calibration(1, 0, 0, 0, 0), PROV);
        KernelShape mm = KernelFixtures.matmul("mm", 2, 49, 64, 32), gemm = KernelFixtures.gemm("fc", 1, 512, 1000);
        KernelShape pointwise = KernelFixtures.conv("pw", 64, 32, 7, 1, 1, 1), add = KernelFixtures.add("add", 64, 7);
        for (KernelShape k : List.of(mm, gemm)) assertThat(m.kernelMs(k)).as(k.node()).isCloseTo(2 * baseline.ms(k), org.assertj.core.data.Offset.offset(1e-12));
        for (KernelShape k : List.of(pointwise, add)) assertThat(m.kernelMs(k)).as(k.node()).isCloseTo(0.5 * baseline.ms(k), org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void aMatrixProductIsPricedFromThePointwiseConvolutionsWithItsWork() {
        // the corpus holds no matrix product: what the product trees know, they learnt from its 1×1 convolutions
        List<KernelCorpus.Model> corpus = KernelFixtures.corpus(240, 5, KernelFixtures.UNIT, 0.2);
        KernelCostModel m = KernelCostModel.fit(corpus, BoostedTrees.Params.defaults(), PROV, false);
        for (long c : new long[] {16, 32, 64, 128})
            for (long hw : new long[] {8, 16, 32, 64}) {
                KernelShape fc = KernelFixtures.gemm("fc", hw * hw, c, 2 * c);
                assertThat(m.kernelMs(fc) / KernelFixtures.trueMs(fc, KernelFixtures.UNIT)).as("%d channels, %d×%d pixels", c, hw, hw)
                        .isCloseTo(1, org.assertj.core.data.Offset.offset(0.10));
            }
    }

    @Test
    void singleKernelModelsTeachKernelCostsButNeitherCalibrateNorAreHeldOut() {
        List<KernelCorpus.Model> networks = KernelFixtures.corpus(100, 6, KernelFixtures.UNIT, 0.5);
        // single-kernel models whose latency is all overhead (5 ms): in the calibration they would drag it off
        List<KernelCorpus.Model> singles = new java.util.ArrayList<>();
        for (KernelCorpus.Model m : networks.subList(0, 30)) {
            ProfiledKernel k = m.kernels().get(0);
            singles.add(new KernelCorpus.Model("micro-" + m.id(), KernelCorpus.SINGLE_KERNELS, m.resolution(), 0, 0, List.of(k), k.ms(),
                    k.ms() + 5, new double[] {k.ms() + 5}));
        }
        List<KernelCorpus.Model> corpus = new java.util.ArrayList<>(networks);
        corpus.addAll(singles);
        assertThat(singles).allMatch(KernelCorpus.Model::singleKernel);
        KernelCostModel m = KernelCostModel.fit(corpus, new BoostedTrees.Params(60, 4, 0.15, 1e-3, 1e-3, 0.8, 7), PROV, true);
        KernelCostModel.Calibration c = m.calibration();
        assertThat(c.scale()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.02));
        assertThat(c.overheadMs() + c.perKernelMs() * 8).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.05));
        // with them calibrated as networks the overhead is visibly wrong: the test can tell the two apart
        KernelCostModel.Calibration mixed = KernelCostModel.calibrate(corpus);
        assertThat(Math.abs(mixed.overheadMs() + mixed.perKernelMs() * 8 - 0.5)).isGreaterThan(0.1);
        assertThat(m.calibration().highLogRatio() - m.calibration().lowLogRatio()).isGreaterThan(0);
    }

    @Test
    void aSingleKernelModelTeachesEveryKindButConvolutions() {
        KernelShape conv = KernelFixtures.conv("c", 64, 64, 14, 3, 1, 1), dw = KernelFixtures.conv("dw", 64, 64, 14, 3, 1, 64);
        KernelShape add = KernelFixtures.add("add", 64, 14), mm = KernelFixtures.matmul("mm", 4, 49, 32, 49);
        KernelCorpus.Model single = new KernelCorpus.Model("micro:x", KernelCorpus.SINGLE_KERNELS, 14, 0, 0, List.of(), 1, 1, new double[] {1});
        KernelCorpus.Model network = new KernelCorpus.Model("resnet:x", "resnet", 14, 0, 0, List.of(), 1, 1, new double[] {1});
        for (KernelShape k : List.of(conv, dw)) {
            assertThat(KernelCostModel.teaches(single, new ProfiledKernel(k, 0.1))).as(k.node()).isFalse();
            assertThat(KernelCostModel.teaches(network, new ProfiledKernel(k, 0.1))).as(k.node()).isTrue();
        }
        for (KernelShape k : List.of(add, mm)) assertThat(KernelCostModel.teaches(single, new ProfiledKernel(k, 0.1))).as(k.node()).isTrue();
        assertThat(KernelCostModel.teaches(network, new ProfiledKernel(add, 0))).as("not timed").isFalse();
    }
}
