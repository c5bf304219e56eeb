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
    void float32GzipFilesRoundTripToFloat32PrecisionAndAreDetectedByContent() throws Exception {
        HelpModel m = HelpModel.initialise(HelpNetwork.gcn(8), new Random(2));
        Path gz = dir.resolve("m.json.gz");
        HelpModelFile.save(gz, m, provenance(), HelpModelFile.Precision.FLOAT32);
        byte[] head = Files.readAllBytes(gz);
        assertThat(head[0] & 0xff).isEqualTo(0x1f);
        assertThat(head[1] & 0xff).isEqualTo(0x8b);
        Path plain = dir.resolve("m64.json");
        HelpModelFile.save(plain, m, provenance());
        assertThat(Files.size(gz)).as("float32 + gzip is less than half the float64 text").isLessThan(Files.size(plain) / 2);

        assertThat(new HelpModelLoader().accepts(gz)).as("the model loader sees through gzip").isTrue();
        HelpModelFile.Stored back = HelpModelFile.load(gz);
        assertThat(back.provenance()).isEqualTo(provenance());
        dev.halo.nn.Params p = m.allParameters(), q = back.model().allParameters();
        assertThat(q.names()).isEqualTo(p.names());
        for (String n : p.names()) {
            double[] a = p.get(n).data(), b = q.get(n).data();
            for (int i = 0; i < a.length; i++) assertThat(b[i]).isEqualTo((double) (float) a[i]);
        }
        // gzip is recognised by its magic bytes, not by the name; float32 survives a second round trip exactly
        Path renamed = Files.move(gz, dir.resolve("renamed.json"));
        Path again = dir.resolve("again.json");
        HelpModelFile.save(again, HelpModelFile.load(renamed).model(), provenance(), HelpModelFile.Precision.FLOAT32);
        assertThat(HelpModelFile.load(again).model().allParameters()).isEqualTo(q);
    }

    @Test
    void unknownTensorTypeIsBadInput() throws Exception {
        Path f = dir.resolve("m.json");
        HelpModelFile.save(f, HelpModel.initialise(HelpNetwork.mlp(132), new Random(1)), provenance(), HelpModelFile.Precision.FLOAT32);
        Files.writeString(f, Files.readString(f).replace("\"float32\"", "\"int8\""));
        assertThatThrownBy(() -> HelpModelFile.load(f)).isInstanceOf(BadInputException.class).hasMessageContaining("m.json").hasMessageContaining("int8");
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
