package dev.halo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.predict.help.AdaptedHelpPredictor;
import dev.halo.predict.help.HelpAdaptation;
import dev.halo.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** halo adapt / meta-test / meta-train through the command line. */
class HelpCommandsTest {
    @TempDir Path dir;

    private static EvaluateCommandTest.Run run(String... args) {
        return EvaluateCommandTest.run(args);
    }

    @Test
    void adaptWritesAReloadablePredictorAndRejectsABadSampleFile() throws Exception {
        Path data = SharedData.path("help/nasbench201");
        List<String> lat = Files.readAllLines(data.resolve("latency.csv"));
        int col = List.of(lat.get(0).split(",")).indexOf("titanx_1");
        StringBuilder samples = new StringBuilder("arch,ms\n");
        for (int i = 1; i <= 10; i++) {
            String[] f = lat.get(i * 37).split(",");
            samples.append(f[1]).append(',').append(f[col]).append('\n');
        }
        Path csv = Files.writeString(dir.resolve("s.csv"), samples);
        List<String> ref = Files.readAllLines(data.resolve("hw_embedding_index.csv"));
        int rcol = List.of(ref.get(0).split(",")).indexOf("titanx_1");
        String referenceMs = String.join(",", ref.subList(1, 11).stream().map(l -> l.split(",")[rcol]).toList());
        Path out = dir.resolve("p.json");

        var r = run("adapt", "--model", data.resolve("checkpoint/help_max_corr.pt").toString(), "--space", "nasbench201",
                "--device", "titanx_1", "--reference-ms", referenceMs, "--samples", csv.toString(), "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("adapted to titanx_1 from 10 samples");
        AdaptedHelpPredictor p = HelpAdaptation.load(out);
        assertThat(p.record().device()).isEqualTo("titanx_1");

        Files.writeString(csv, "arch;ms\n");
        var bad = run("adapt", "--model", data.resolve("checkpoint/help_max_corr.pt").toString(), "--space", "nasbench201",
                "--device", "x", "--reference-ms", referenceMs, "--samples", csv.toString(), "--out", out.toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("s.csv line 1");
    }

    @Test
    void metaTrainWritesAModelThatMetaTestReads() {
        Path data = SharedData.path("help/fbnet");
        Path model = dir.resolve("m.json");
        var t = run("meta-train", "--space", "fbnet", "--dataset", data.toString(), "--out", model.toString(), "--episodes", "2",
                "--valid-every", "1", "--train-devices", "1080ti_1,pixel3", "--valid-devices", "titanx_1");
        assertThat(t.exit()).as(t.err()).isZero();
        assertThat(t.err()).contains("episode 1/2").contains("episode 2/2").contains("valid-spearman");
        assertThat(Files.exists(dir.resolve("m.json.ckpt.json"))).isTrue();
        var m = run("meta-test", "--space", "fbnet", "--dataset", data.toString(), "--model", model.toString(), "--devices", "titanx_32",
                "--seeds", "1", "--mc", "1", "--format", "csv");
        assertThat(m.exit()).as(m.err()).isZero();
        assertThat(m.out()).contains("titanx_32").contains("mean");
    }
}
