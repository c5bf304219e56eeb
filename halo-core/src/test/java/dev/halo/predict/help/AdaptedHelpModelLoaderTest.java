package dev.halo.predict.help;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.halo.data.LatencyDataset;
import dev.halo.predict.LatencyModelLoader;
import dev.halo.predict.LatencyPredictor;
import dev.halo.space.Architecture;
import dev.halo.space.Nb201Space;
import dev.halo.testing.SharedData;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An adapted HELP file is a {@code --latency-model} for {@code halo search}: the loader hook finds it. */
class AdaptedHelpModelLoaderTest {
    @Test
    void anAdaptedFileLoadsThroughTheLatencyModelHook(@TempDir Path dir) {
        Path data = SharedData.path("help/nasbench201");
        Nb201Space space = new Nb201Space();
        HelpModelFile.Stored model = HelpModelLoader.read(data.resolve("checkpoint/help_max_corr.pt"), space);
        LatencyDataset ds = LatencyDataset.load(data);
        double[] ref = ds.referenceLatencies("titanx_256");
        List<Architecture> samples = List.copyOf(space.all().subList(100, 110));
        double[] ms = samples.stream().mapToDouble(a -> ds.latency("titanx_256", ds.indexOf(a.canonical()))).toArray();
        AdaptedHelpPredictor adapted = HelpAdaptation.adapt(model, "titanx_256", ref, samples, ms, HelpAdaptation.Options.DEFAULT);
        Path file = dir.resolve("titanx_256.help.json");
        HelpAdaptation.save(file, adapted);

        LatencyPredictor loaded = LatencyModelLoader.loadAny(file);
        List<Architecture> some = List.copyOf(space.all().subList(0, 50));
        assertThat(loaded.space()).isEqualTo("nasbench201");
        assertThat(loaded.predictMs(some)).containsExactly(adapted.predictMs(some), within(1e-12));
        assertThat(Arrays.stream(loaded.predictMs(some)).allMatch(v -> v > 0)).isTrue();
    }
}
