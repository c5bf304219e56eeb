package dev.halo.predict.help;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.space.Nb201Graph;
import dev.halo.testing.SharedData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Meta-training mechanics on a miniature configuration: it learns, reports, and resumes bit-for-bit. */
class HelpMetaTrainerTest {
    @TempDir Path dir;

    private static HelpTrainingConfig tiny() {
        return new HelpTrainingConfig("nasbench201", List.of("1080ti_1", "silver_4114", "pixel3"), List.of("titanx_1"),
                4, 2, 10, 20, 1e-3, 0.1, true, 2, 1, 5);
    }

    @Test
    void resumingFromACheckpointContinuesExactlyAsAnUninterruptedRun() {
        HelpData data = HelpData.load(SharedData.path("help/nasbench201"), HelpEncoder.forSpace("nasbench201", Nb201Graph.Wiring.HELP));
        HelpTrainingConfig c = tiny();
        HelpMetaTrainer trainer = new HelpMetaTrainer(data, c, 1);
        HelpModel init = HelpModel.initialise(data.network(), new Random(5));

        List<HelpMetaTrainer.Progress> reports = new ArrayList<>();
        HelpMetaTrainer.State straight = trainer.train(trainer.start(init), 4, reports::add, s -> {});
        assertThat(reports).extracting(HelpMetaTrainer.Progress::episode).containsExactly(2, 4);
        assertThat(straight.current().allParameters()).isNotEqualTo(init.allParameters());

        Path ckpt = dir.resolve("ckpt.json");
        HelpMetaTrainer.State half = trainer.train(trainer.start(init), 2, p -> {}, s -> HelpModelFile.saveCheckpoint(ckpt, s, c,
                new HelpProvenance("meta-trained", "nasbench201", c.trainDevices(), c.validDevices(), c.seed(), s.episode(), s.bestEpisode(),
                        s.bestValidSpearman(), true, "test", "", "HELP", "")));
        assertThat(half.episode()).isEqualTo(2);
        HelpModelFile.Checkpoint back = HelpModelFile.loadCheckpoint(ckpt);
        HelpMetaTrainer.State resumed = new HelpMetaTrainer(data, back.config(), 1).train(back.state(), 4, p -> {}, s -> {});
        assertThat(resumed.current().allParameters()).isEqualTo(straight.current().allParameters());
        assertThat(resumed.adam().secondMoment()).isEqualTo(straight.adam().secondMoment());

        // tasks and validation computed on two threads: the same run, the same validation scores
        List<HelpMetaTrainer.Progress> parallelReports = new ArrayList<>();
        HelpMetaTrainer.State parallel = new HelpMetaTrainer(data, c, 2).train(trainer.start(init), 4, parallelReports::add, s -> {});
        assertThat(parallel.current().allParameters()).isEqualTo(straight.current().allParameters());
        assertThat(parallelReports).extracting(HelpMetaTrainer.Progress::validSpearman)
                .containsExactlyElementsOf(reports.stream().map(HelpMetaTrainer.Progress::validSpearman).toList());
    }

    @Test
    void adaptationStepsAreChosenByTheMetaValidScoreAndStoredInTheModel() {
        HelpData data = HelpData.load(SharedData.path("help/nasbench201"), HelpEncoder.forSpace("nasbench201", Nb201Graph.Wiring.HELP));
        HelpMetaTrainer trainer = new HelpMetaTrainer(data, tiny(), 1);
        HelpModel trained = trainer.train(trainer.start(HelpModel.initialise(data.network(), new Random(5))), 4, p -> {}, s -> {}).best();
        HelpMetaTrainer.StepsChoice choice = trainer.chooseInnerSteps(trained, new int[] {8, 0, 2, 2});
        assertThat(choice.scores()).extracting(HelpMetaTrainer.StepsScore::steps).containsExactly(0, 2, 8);
        for (HelpMetaTrainer.StepsScore sc : choice.scores())
            assertThat(sc.validSpearman()).isEqualTo(trainer.validate(trained.withInnerSteps(sc.steps())));
        double best = choice.scores().stream().mapToDouble(HelpMetaTrainer.StepsScore::validSpearman).max().orElseThrow();
        HelpMetaTrainer.StepsScore first = choice.scores().stream().filter(sc -> sc.validSpearman() == best).findFirst().orElseThrow();
        assertThat(choice.model().innerSteps()).isEqualTo(first.steps());
        assertThat(choice.scores().get(0).validSpearman()).as("0 steps: no adaptation, a different score").isNotEqualTo(choice.scores().get(1).validSpearman());
    }
}
