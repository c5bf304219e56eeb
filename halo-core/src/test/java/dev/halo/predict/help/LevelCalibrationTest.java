package dev.halo.predict.help;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.halo.space.Architecture;
import dev.halo.space.Nb201Graph;
import dev.halo.space.Nb201Space;
import dev.halo.stats.Metrics;
import dev.halo.testing.SharedData;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LevelCalibrationTest {
    @TempDir Path dir;

    /** Median of {@code measured[i] / predicted[i]}. */
    private static double medianRatio(double[] measured, double[] predicted) {
        double[] r = new double[measured.length];
        for (int i = 0; i < r.length; i++) r[i] = measured[i] / predicted[i];
        Arrays.sort(r);
        return r.length % 2 == 1 ? r[r.length / 2] : 0.5 * (r[r.length / 2 - 1] + r[r.length / 2]);
    }

    @Test
    void aPredictorOffByThirtyPercentComesBackToLevelWithItsRankingUnchanged() {
        Random rng = new Random(7);
        int known = 21, fresh = 500;
        double[] truthKnown = new double[known], predKnown = new double[known], truthFresh = new double[fresh], predFresh = new double[fresh];
        for (int i = 0; i < known; i++) {
            truthKnown[i] = 5 + 20 * rng.nextDouble();
            predKnown[i] = 1.3 * truthKnown[i] * Math.exp(0.05 * rng.nextGaussian());
        }
        predKnown[3] = 0.1 * truthKnown[3]; // one arch far off (extrapolated towards 0 ms): must not move the level
        for (int i = 0; i < fresh; i++) {
            truthFresh[i] = 5 + 20 * rng.nextDouble();
            predFresh[i] = 1.3 * truthFresh[i] * Math.exp(0.05 * rng.nextGaussian());
        }
        double f = LevelCalibration.medianRatio(truthKnown, predKnown);
        assertThat(f).isCloseTo(1 / 1.3, within(0.03));
        double[] calibrated = Arrays.stream(predFresh).map(p -> f * p).toArray();
        assertThat(medianRatio(truthFresh, predFresh)).as("before").isCloseTo(1 / 1.3, within(0.02));
        assertThat(medianRatio(truthFresh, calibrated)).as("after, on archs the factor never saw").isCloseTo(1.0, within(0.03));
        assertThat(Metrics.withinTolerance(calibrated, truthFresh, 0.10)).isGreaterThan(0.9);
        assertThat(Metrics.withinTolerance(predFresh, truthFresh, 0.10)).isLessThan(0.01);
        assertThat(Metrics.spearman(calibrated, truthFresh)).isEqualTo(Metrics.spearman(predFresh, truthFresh));
        // on the known rows themselves the median ratio is exactly 1 (odd count)
        double[] knownCal = Arrays.stream(predKnown).map(p -> f * p).toArray();
        assertThat(medianRatio(truthKnown, knownCal)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void tooFewUsableRowsMeanNoCalibration() {
        assertThat(LevelCalibration.medianRatio(new double[] {1, 2, 3}, new double[] {2, 0, -1})).isEqualTo(1.0);
        assertThat(LevelCalibration.medianRatio(new double[] {1, 2, 3, 4}, new double[] {2, 4, 6, 8})).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void anAdaptedHelpPredictorOffByThirtyPercentComesBackToLevelAndTheFactorSurvivesSaveAndLoad() {
        Path data = SharedData.path("help/nasbench201");
        HelpModelFile.Stored model = HelpModelLoader.read(data.resolve("checkpoint/help_max_corr.pt"), new Nb201Space());
        HelpData d = HelpData.load(data, HelpEncoder.forSpace("nasbench201", Nb201Graph.Wiring.HELP));
        double[] lat = d.latency("titanx_256");
        double[] ref = Arrays.stream(d.referenceArchs()).mapToDouble(i -> lat[i]).toArray();
        int[] sample = Arrays.copyOf(HelpProtocol.shuffled(HelpProtocol.NASBENCH201.keptTrain(lat), new SplittableRandom(4)), 10);
        Nb201Space space = new Nb201Space();
        List<Architecture> all = space.all().stream().map(a -> (Architecture) a).toList();
        List<Architecture> archs = Arrays.stream(sample).mapToObj(all::get).toList();
        double[] ms = Arrays.stream(sample).mapToDouble(i -> lat[i]).toArray();
        List<Architecture> refArchs = Arrays.stream(d.referenceArchs()).mapToObj(all::get).toList();

        AdaptedHelpPredictor adapted = HelpAdaptation.adapt(model, "titanx_256", ref, archs, ms, HelpAdaptation.Options.DEFAULT);
        AdaptedHelpPredictor off = adapted.withLevelFactor(1.3);
        int[] query = HelpProtocol.NASBENCH201.keptQuery(lat);
        List<Architecture> q = Arrays.stream(query).mapToObj(all::get).toList();
        double[] truth = Arrays.stream(query).mapToDouble(i -> lat[i]).toArray();
        double[] before = off.predictMs(q);
        assertThat(medianRatio(truth, before)).as("off by x1.3").isLessThan(0.85);

        double f = LevelCalibration.factor(off, refArchs);
        assertThat(f).as("the factor ignores the predictor's current one").isEqualTo(LevelCalibration.factor(adapted, refArchs));
        AdaptedHelpPredictor back = off.withLevelFactor(f);
        double[] after = back.predictMs(q);
        assertThat(medianRatio(truth, after)).as("held-out query archs").isBetween(0.9, 1.1);
        assertThat(Metrics.spearman(after, truth)).isEqualTo(Metrics.spearman(before, truth));

        Path file = dir.resolve("t.help.json");
        HelpAdaptation.save(file, back);
        AdaptedHelpPredictor loaded = HelpAdaptation.load(file);
        assertThat(loaded.levelFactor()).isEqualTo(f);
        assertThat(loaded.predictMs(q)).containsExactly(after, within(1e-9));
    }
}
