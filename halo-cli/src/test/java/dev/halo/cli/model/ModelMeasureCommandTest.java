package dev.halo.cli.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.cli.CliRun;
import dev.halo.onnx.Nb201Network;
import dev.halo.space.Nb201Space;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelMeasureCommandTest {
    @TempDir Path dir;

    @Test
    void measuresAModelFileAndPrintsItsKernelProfile() throws Exception {
        Nb201Space space = new Nb201Space();
        Path model = Files.write(dir.resolve("nb.onnx"), new Nb201Network(space.macro()).export(space.parse("conv3x3,skip,avgpool,conv1x1,none,skip"), 1, 0).bytes());
        String store = dir.resolve("m.db").toString();
        CliRun r = CliRun.of("measure", "--model", model.toString(), "--store", store, "--rounds", "2", "--warmup", "1",
                "--min-runs", "5", "--max-runs", "10", "--profile-runs", "2", "--top", "3");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("identity +sha256:[0-9a-f]{64};input=1x3x32x32")
                .containsPattern("round 1 +median [0-9.]+ ms").containsPattern("round 2 +median [0-9.]+ ms")
                .containsPattern("latency +[0-9.]+ ms \\(median over 2 rounds\\)")
                .contains("kernel profile").contains("more kernels (--top)");
    }

    @Test
    void modelAndSpaceAreExclusiveAndOneIsNeeded() {
        String store = dir.resolve("m.db").toString();
        CliRun both = CliRun.of("measure", "--model", "x.onnx", "--space", "fbnet", "--store", store);
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("either --model FILE.onnx or --space");
        CliRun none = CliRun.of("measure", "--store", store);
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("--model FILE.onnx");
        CliRun missing = CliRun.of("measure", "--model", dir.resolve("nope.onnx").toString(), "--store", store);
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err().strip()).endsWith("no such file");
    }
}
