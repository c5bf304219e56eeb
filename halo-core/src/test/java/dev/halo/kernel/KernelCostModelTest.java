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
}
