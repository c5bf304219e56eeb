package dev.halo.cli.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.cli.CliRun;
import dev.halo.onnx.Nb201Network;
import dev.halo.space.Nb201Space;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelPredictCommandTest {
    @TempDir Path dir;

    @Test
    void onboardThenPredictAModelFileWithItsSlowestKernels() throws Exception {
        CliRun onboard = CliRun.of("model", "onboard", "--name", "here", "--out", dir.resolve("here").toString(), "--family", "shufflenetv2",
                "--models", "10", "--validate", "5", "--warmup", "1", "--min-runs", "5", "--max-runs", "20");
        assertThat(onboard.exit()).as(onboard.err()).isZero();
        assertThat(onboard.out()).contains("validation on 5 fresh zoo models").containsPattern("Spearman -?[0-9.]+").contains("here.kernel-model.json")
                .doesNotContain("before adapting")
                .containsPattern("this machine, timed again at the end: [0-9]+ of the first 10 models profiled within ±10 % of their first timing \\(median difference [0-9.]+ %\\)");
        // adapting it to this machine again: the report also scores the --from model as it was, on the same fresh models
        CliRun again = CliRun.of("model", "onboard", "--name", "again", "--out", dir.resolve("again").toString(), "--family", "shufflenetv2",
                "--from", dir.resolve("here/here.kernel-model.json").toString(), "--models", "5", "--validate", "5", "--warmup", "1", "--min-runs", "5",
                "--max-runs", "20");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("validation on 5 fresh zoo models").containsPattern("before adapting, .*here.kernel-model.json as it was on the same"
                + " models: [0-9]+ % within ±10 %, median error [0-9.]+ %, Spearman -?[0-9.]+").contains("again.kernel-model.json");
        Nb201Space space = new Nb201Space();
        Path model = Files.write(dir.resolve("nb.onnx"), new Nb201Network(space.macro()).export(space.parse("conv3x3,skip,avgpool,conv1x1,none,skip"), 1, 0).bytes());
        CliRun p = CliRun.of("model", "predict", model.toString(), "--device", dir.resolve("here/here.kernel-model.json").toString(), "--top", "3");
        assertThat(p.exit()).as(p.err()).isZero();
        assertThat(p.out()).containsPattern("predicted_ms").contains("slowest predicted kernels").contains("conv");
        CliRun csv = CliRun.of("model", "predict", model.toString(), "--device", dir.resolve("here/here.kernel-model.json").toString(), "--format", "csv");
        assertThat(csv.out().lines().findFirst().orElse("")).isEqualTo("device,predicted_ms,low_ms,high_ms,kernels,device_model");
    }

    @Test
    void aDamagedDeviceFileIsOneLineNamingTheFieldAndExitTwo() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"format\":\"halo-kernel-model\",\"version\":1,\"profiled\":{\"featureVersion\":"
                + dev.halo.kernel.KernelFeatures.VERSION + "}}");
        CliRun r = CliRun.of("model", "predict", dir.resolve("x.onnx").toString(), "--device", bad.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("bad.json").contains("profiled.provenance");
    }
}
