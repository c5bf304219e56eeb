package dev.halo.predict.help;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.halo.space.Nb201Graph;
import dev.halo.testing.SharedData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Correctness anchor of the HELP port: HELP's released checkpoints, HELP's meta-test protocol and default
 * splits, 10 samples, 5 seeds; the mean Spearman over the meta-test devices must be within 0.02 of the
 * paper's (NB201 0.932, FBNet 0.910). One z sample per task: HELP scores only the last of its 10 samples,
 * so one sample has the same distribution at a tenth of the cost.
 */
class HelpCheckpointAnchorTest {
    private static double meanSpearman(String space, List<String> devices) {
        Path dir = SharedData.path("help/" + space);
        HelpData data = HelpData.load(dir, HelpEncoder.forSpace(space, Nb201Graph.Wiring.HELP));
        HelpModel model = HelpModel.fromHelpCheckpoint(dir.resolve("checkpoint/help_max_corr.pt"), data.network());
        List<Long> seeds = List.of(0L, 1L, 2L, 3L, 4L);
        return HelpMetaTest.runSeeds(model, data, HelpProtocol.forSpace(space), devices, 10, 1, seeds).stream()
                .mapToDouble(r -> HelpMetaTest.mean(r, HelpMetaTest.DeviceResult::spearmanLastSample)).average().orElseThrow();
    }

    @Test
    void nasbench201CheckpointReproducesHelpsPublishedMean() {
        assertThat(meanSpearman("nasbench201", HelpTrainingConfig.NB201_TEST)).isCloseTo(0.932, within(0.02));
    }

    @Test
    void fbnetCheckpointReproducesHelpsPublishedMean() {
        assertThat(meanSpearman("fbnet", HelpTrainingConfig.FBNET_TEST)).isCloseTo(0.910, within(0.02));
    }
}
