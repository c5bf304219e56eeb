package dev.halo.predict.help;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HelpModelFileTest {
    @TempDir Path dir;

    private static HelpProvenance provenance() {
        return new HelpProvenance("meta-trained", "fbnet", List.of("a", "b"), List.of("c"), 7, 100, 50, 0.9, true, "test", "/data", "", "2026-01-01T00:00:00Z");
    }

    @Test
    void modelRoundTripsExactlyWithProvenance() {
        HelpModel m = HelpModel.initialise(HelpNetwork.mlp(132), new Random(1));
        Path f = dir.resolve("m.json");
        HelpModelFile.save(f, m, provenance());
        HelpModelFile.Stored back = HelpModelFile.load(f);
        assertThat(back.model().allParameters()).isEqualTo(m.allParameters());
        assertThat(back.model().network()).isEqualTo(m.network());
        assertThat(back.provenance()).isEqualTo(provenance());
        assertThat(dir.toFile().list()).containsExactly("m.json"); // no temporary file left behind
    }

    @Test
    void checkpointRoundTripsTheOptimizerState() {
        HelpModel m = HelpModel.initialise(HelpNetwork.mlp(132), new Random(1));
        HelpMetaTrainer.State s = new HelpMetaTrainer.State(m, dev.halo.nn.Adam.start(1e-4, m.allParameters()), 12, m, 0.5, 10, 3.5);
        HelpTrainingConfig c = HelpTrainingConfig.helpDefaults("fbnet", 3);
        Path f = dir.resolve("c.json");
        HelpModelFile.saveCheckpoint(f, s, c, provenance());
        HelpModelFile.Checkpoint back = HelpModelFile.loadCheckpoint(f);
        assertThat(back.config()).isEqualTo(c);
        assertThat(back.state().episode()).isEqualTo(12);
        assertThat(back.state().adam().firstMoment()).isEqualTo(s.adam().firstMoment());
        assertThat(back.state().current().allParameters()).isEqualTo(m.allParameters());
        // a checkpoint is also a model file
        assertThat(HelpModelFile.load(f).model().allParameters()).isEqualTo(m.allParameters());
    }

    @Test
    void badFilesFailWithOneLineNamingTheField() throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\"format\": \"something-else\"}");
        assertThatThrownBy(() -> HelpModelFile.load(f)).isInstanceOf(BadInputException.class).hasMessageContaining("bad.json").hasMessageContaining("'format'");
        Files.writeString(f, "not json");
        assertThatThrownBy(() -> HelpModelFile.load(f)).isInstanceOf(BadInputException.class).hasMessageContaining("bad.json");
        HelpModel m = HelpModel.initialise(HelpNetwork.mlp(132), new Random(1));
        HelpModelFile.save(f, m, provenance());
        Files.writeString(f, Files.readString(f).replace("\"meta_learner.fc5.bias\"", "\"meta_learner.fc9.bias\""));
        assertThatThrownBy(() -> HelpModelFile.load(f)).isInstanceOf(BadInputException.class).hasMessageContaining("meta_learner.fc5.bias");
    }
}
