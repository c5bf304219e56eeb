package dev.halo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** halo meta-train / meta-test through the command line. */
class HelpCommandsTest {
    @TempDir Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
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
        assertThat(t.out()).containsPattern("adaptation steps on the meta-valid devices: 2 -> -?[0-9.]+, 4 -> -?[0-9.]+, 8 -> -?[0-9.]+, 16 -> -?[0-9.]+; kept \\d+");
        String kept = t.out().replaceAll("(?s).*kept (\\d+).*", "$1");
        assertThat(dev.halo.predict.help.HelpModelFile.load(model).model().innerSteps()).isEqualTo(Integer.parseInt(kept));
        var m = run("meta-test", "--space", "fbnet", "--dataset", data.toString(), "--model", model.toString(), "--devices", "titanx_32",
                "--seeds", "1", "--mc", "1", "--format", "csv");
        assertThat(m.exit()).as(m.err()).isZero();
        assertThat(m.out()).contains("titanx_32").contains("mean");
    }

    @Test
    void aTimeLimitStopsAtTheFirstValidationAndLeavesAResumableCheckpointAndAModel() {
        Path data = SharedData.path("help/fbnet");
        Path model = dir.resolve("m.json");
        String[] common = {"--space", "fbnet", "--dataset", data.toString(), "--out", model.toString(), "--episodes", "4",
                "--valid-every", "2", "--train-devices", "1080ti_1,pixel3", "--valid-devices", "titanx_1"};
        var t = run(concat(common, "meta-train", "--time-limit", "0"));
        assertThat(t.exit()).as(t.err()).isZero();
        assertThat(t.err()).contains("episode 2/4").doesNotContain("episode 4/4");
        assertThat(t.out()).contains("stopped at the time limit after 2 of 4 episodes");
        assertThat(model).exists();
        var r = run("meta-train", "--space", "fbnet", "--dataset", data.toString(), "--out", model.toString(), "--resume", dir.resolve("m.json.ckpt.json").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("from 2").contains("episode 4/4");
        assertThat(r.out()).doesNotContain("stopped");
        assertThat(run(concat(common, "meta-train", "--time-limit", "-1")).exit()).isEqualTo(2);
    }

    private static String[] concat(String[] rest, String... first) {
        String[] all = java.util.Arrays.copyOf(first, first.length + rest.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }

    @Test
    void aMamlBaselineTrainsAndEvaluatesThroughTheSamePaths() throws Exception {
        Path data = SharedData.path("help/fbnet");
        Path model = dir.resolve("maml.json.gz");
        var t = run("meta-train", "--space", "fbnet", "--dataset", data.toString(), "--out", model.toString(), "--episodes", "2",
                "--valid-every", "1", "--train-devices", "1080ti_1,pixel3", "--valid-devices", "titanx_1", "--algorithm", "maml", "--inner-lr", "0.01");
        assertThat(t.exit()).as(t.err()).isZero();
        assertThat(t.err()).contains("meta-train maml fbnet").contains("fixed inner rate 0.01").contains("episode 2/2");
        var stored = dev.halo.predict.help.HelpModelFile.load(model);
        assertThat(stored.model().variant()).isEqualTo(dev.halo.predict.help.HelpVariant.maml(0.01));
        assertThat(stored.provenance().algorithm()).isEqualTo("maml");

        var e = run("evaluate", "--space", "fbnet", "--dataset", data.toString(), "--model", model.toString(), "--test-devices", "fpga",
                "--seeds", "1", "--format", "json");
        assertThat(e.exit()).as(e.err()).isZero();
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(e.out());
        assertThat(json.get("method").asText()).isEqualTo("maml");
        assertThat(json.get("devices").get(0).get("spearman").isNumber()).isTrue();

        var m = run("meta-test", "--space", "fbnet", "--dataset", data.toString(), "--model", model.toString(), "--devices", "fpga",
                "--seeds", "1", "--format", "csv");
        assertThat(m.exit()).as(m.err()).isZero();
        assertThat(m.out()).contains("fpga");
    }

    @Test
    void benchMetaTrainTimesABaselineEpisode() {
        var b = run("bench", "meta-train", "--space", "fbnet", "--dataset", SharedData.path("help/fbnet").toString(), "--algorithm", "meta-sgd",
                "--episodes", "1", "--warmup", "0", "--threads", "1", "--format", "csv");
        assertThat(b.exit()).as(b.err()).isZero();
        assertThat(b.out()).startsWith("meta-sgd fbnet, second order").contains("cpu_s_per_episode");
    }

    @Test
    void anUnknownAlgorithmIsABadInput() {
        var t = run("meta-train", "--space", "fbnet", "--dataset", SharedData.path("help/fbnet").toString(), "--out", dir.resolve("x.json").toString(),
                "--episodes", "1", "--algorithm", "reptile");
        assertThat(t.exit()).isEqualTo(2);
        assertThat(t.err()).contains("unknown algorithm 'reptile'");
    }

    @Test
    void outerLoopSettingsAreCheckedAndKeptInTheCheckpoint() throws Exception {
        Path data = SharedData.path("help/fbnet");
        String[] common = {"meta-train", "--space", "fbnet", "--dataset", data.toString(), "--out", dir.resolve("m.json").toString(), "--episodes", "1",
                "--valid-every", "1", "--train-devices", "1080ti_1,pixel3", "--valid-devices", "titanx_1", "--adapt-steps", "2"};
        var zero = run(concat(new String[] {"--meta-lr", "0"}, common));
        assertThat(zero.exit()).isEqualTo(2);
        assertThat(zero.err()).contains("--meta-lr must be a positive number");
        assertThat(run(concat(new String[] {"--kl-weight", "-1"}, common)).exit()).isEqualTo(2);
        var ok = run(concat(new String[] {"--meta-lr", "3e-4", "--kl-weight", "0.05"}, common));
        assertThat(ok.exit()).as(ok.err()).isZero();
        var config = dev.halo.predict.help.HelpModelFile.loadCheckpoint(dir.resolve("m.json.ckpt.json")).config();
        assertThat(config.metaLr()).isEqualTo(3e-4);
        assertThat(config.klWeight()).isEqualTo(0.05);

        var tooFew = run(concat(new String[] {"--train-inner-steps", "0"}, common));
        assertThat(tooFew.exit()).isEqualTo(2);
        assertThat(tooFew.err()).contains("--train-inner-steps must be between 1 and 64, got 0");
        var three = run(concat(new String[] {"--train-inner-steps", "3"}, common));
        assertThat(three.exit()).as(three.err()).isZero();
        assertThat(dev.halo.predict.help.HelpModelFile.loadCheckpoint(dir.resolve("m.json.ckpt.json")).state().current().innerSteps()).isEqualTo(3);
    }
}
