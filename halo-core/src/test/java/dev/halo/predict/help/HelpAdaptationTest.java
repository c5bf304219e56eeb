package dev.halo.predict.help;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.halo.space.Architecture;
import dev.halo.space.Nb201Graph;
import dev.halo.space.Nb201Space;
import dev.halo.testing.SharedData;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The user-facing adaptation path: reference latencies + 10 samples of an unseen device → ms predictions, saved and reloaded. */
class HelpAdaptationTest {
    @TempDir Path dir;

    @Test
    void adaptsToAnUnseenDeviceInMillisecondsAndReloadsIdentically() {
        Path data = SharedData.path("help/nasbench201");
        HelpModelFile.Stored model = HelpModelLoader.read(data.resolve("checkpoint/help_max_corr.pt"), new Nb201Space());
        HelpData d = HelpData.load(data, HelpEncoder.forSpace("nasbench201", Nb201Graph.Wiring.HELP));
        // a meta-valid device (never a test device in halo's own tests of the checkpoint's quality)
        double[] lat = d.latency("titanx_256");
        double[] ref = Arrays.stream(d.referenceArchs()).mapToDouble(i -> lat[i]).toArray();
        int[] sample = Arrays.copyOf(HelpProtocol.shuffled(HelpProtocol.NASBENCH201.keptTrain(lat), new SplittableRandom(4)), 10);
        Nb201Space space = new Nb201Space();
        List<Architecture> all = space.all().stream().map(a -> (Architecture) a).toList();
        List<Architecture> archs = Arrays.stream(sample).mapToObj(all::get).toList();
        double[] ms = Arrays.stream(sample).mapToDouble(i -> lat[i]).toArray();

        AdaptedHelpPredictor p = HelpAdaptation.adapt(model, "titanx_256", ref, archs, ms, HelpAdaptation.Options.DEFAULT);
        int[] query = HelpProtocol.NASBENCH201.keptQuery(lat);
        List<Architecture> q = Arrays.stream(query).mapToObj(all::get).toList();
        double[] predicted = p.predictMs(q), truth = Arrays.stream(query).mapToDouble(i -> lat[i]).toArray();
        assertThat(dev.halo.stats.Metrics.spearman(predicted, truth)).isGreaterThan(0.85);
        double mape = 0;
        for (int i = 0; i < truth.length; i++) mape += Math.abs(predicted[i] - truth[i]) / truth[i] / truth.length;
        assertThat(mape).as("mean absolute percentage error in ms").isLessThan(0.15);

        Path f = dir.resolve("titanx_256.help.json");
        HelpAdaptation.save(f, p);
        AdaptedHelpPredictor back = HelpAdaptation.load(f);
        assertThat(back.predictMs(q)).containsExactly(predicted, within(1e-12));
        assertThat(back.record().device()).isEqualTo("titanx_256");
        assertThat(back.record().sampleArchs()).hasSize(10);
    }

    @Test
    void sampleScaleMapsTheSampleRangeToItsExpectedPlaceInThePool() {
        HelpProtocol.TargetScale s = SampleScale.fromSamples(new double[] {2, 4, 3, 10});
        assertThat(s.normalise(2)).isCloseTo(0.05 + 0.9 / 5, within(1e-12));
        assertThat(s.normalise(10)).isCloseTo(0.05 + 0.9 * 4 / 5, within(1e-12));
        assertThat(s.denormalise(s.normalise(7.5))).isCloseTo(7.5, within(1e-12));
    }
}
