package dev.halo.cli.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.halo.cli.CliRun;
import dev.halo.onnx.zoo.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZooCommandTest {
    @TempDir Path dir;

    @Test
    void familiesListsAllTenWithTheirPresets() {
        CliRun r = CliRun.of("zoo", "families", "--format", "csv");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().skip(1).toList()).hasSize(10);
        assertThat(r.out()).contains("resnet50").contains("vit_s_16").contains("regnet_y_400mf").contains("swin_t");
        assertThat(r.out().lines()).anyMatch(line -> line.startsWith("micro,") && line.contains("depthwise"));
    }

    @Test
    void sampleIsCsvOfCanonicalStringsAndReproducible() {
        CliRun r = CliRun.of("zoo", "sample", "--family", "mobilenetv2", "-n", "3", "--seed", "5");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo("spec,family,resolution,params,macs");
        String spec = lines.get(1).split(",")[0];
        assertThat(ModelZoo.parse(spec).canonical()).isEqualTo(spec);
        assertThat(CliRun.of("zoo", "sample", "--family", "mobilenetv2", "-n", "3", "--seed", "5").out()).isEqualTo(r.out());
        assertThat(CliRun.of("zoo", "sample", "--family", "vgg", "-n", "3").exit()).isEqualTo(2);
    }

    @Test
    void exportWritesLoadableOnnxFilesAndAnIndex() throws Exception {
        String tiny = "densenet:growth=8:blocks=2-2:init=16:bn=4:res=64";
        CliRun r = CliRun.of("zoo", "export", tiny, "--out", dir.toString(), "--format", "csv");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> index = Files.readAllLines(dir.resolve("index.csv"));
        assertThat(index).hasSize(2);
        Path file = dir.resolve(index.get(1).split(",")[0]);
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(file));
        assertThat(model.getGraph().getNodeList()).anyMatch(n -> n.getOpType().equals("Concat"));
        assertThat(index.get(1)).contains(tiny).endsWith(dev.halo.onnx.zoo.ZooFiles.sha256(Files.readAllBytes(file)));
        assertThat(CliRun.of("zoo", "export", "resnet:block=x", "--out", dir.toString()).exit()).isEqualTo(2);
        assertThat(CliRun.of("zoo", "export", tiny, "--out", dir.resolve("missing").toString()).exit()).isEqualTo(2);
    }

    @Test
    void measureTimesModelsResumesAndWritesTheFingerprintedTable() throws Exception {
        Path specs = Files.writeString(dir.resolve("specs.txt"),
                "resnet:block=basic:depth=1-1:width=8-16:res=32\nshufflenetv2:width=16-32-64:last=64:depth=1-1-1:kernel=3:res=64\n");
        String[] args = {"zoo", "measure", "--specs", specs.toString(), "--store", dir.resolve("z.db").toString(), "--rounds", "2",
            "--warmup", "1", "--min-runs", "3", "--max-runs", "5", "--max-seconds", "0.3", "--out", dir.toString()};
        CliRun first = CliRun.of(args);
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("measured now 4 (0 failed)").contains("table ");
        CliRun again = CliRun.of(args);
        assertThat(again.out()).contains("measured now 0 (0 failed)").contains("already stored 4 of 4");
        try (var files = Files.list(dir)) {
            Path csv = files.filter(p -> p.getFileName().toString().matches("zoo-[0-9a-f]{16}\\.csv")).findFirst().orElseThrow();
            List<String> lines = Files.readAllLines(csv);
            assertThat(lines).hasSize(3);
            assertThat(lines.get(1)).matches("resnet:[^,]+,resnet,32,\\d+,\\d+,[0-9a-f]{64},[0-9.e+-]+,.*,2,[0-9.e;+-]+,0");
            assertThat(Files.readString(Path.of(csv.toString().replace(".csv", ".json")))).contains("\"intra_op_threads\":1");
        }
        assertThat(CliRun.of("zoo", "measure", "--store", dir.resolve("z.db").toString()).exit()).isEqualTo(2);
    }
}
