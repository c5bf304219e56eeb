package dev.halo.measure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.onnx.zoo.ModelZoo;
import dev.halo.onnx.zoo.ZooFiles;
import dev.halo.onnx.zoo.ZooModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZooCampaignTest {
    private static final List<ZooModel> MODELS = List.of(
            ModelZoo.parse("resnet:block=basic:depth=1-1:width=8-16:res=32"),
            ModelZoo.parse("vit:patch=16:dim=32:depth=1:heads=2:mlp=2:res=64"));
    private static final MeasureSettings QUICK = MeasureSettings.defaults().withRuns(1, 3, 5);

    @TempDir Path dir;

    @Test
    void measuresZooModelsInOrtResumesAndWritesTheTableWithHashes() throws Exception {
        try (MeasurementStore store = MeasurementStore.open(dir.resolve("zoo.db"))) {
            long dev = store.device(MeasurementStoreTest.FINGERPRINT);
            MeasurementCampaign.Summary first = ZooCampaign.campaign(store, dev, MODELS, 2, 3, QUICK).run(new MeasurementCampaign.Listener() {});
            assertThat(first.measured()).isEqualTo(4);
            assertThat(first.failed()).isZero();
            MeasurementCampaign.Summary again = ZooCampaign.campaign(store, dev, MODELS, 2, 3, QUICK).run(new MeasurementCampaign.Listener() {});
            assertThat(again.alreadyDone()).isEqualTo(4);
            assertThat(again.measured()).isZero();

            String sha = ZooFiles.sha256(MODELS.get(0).export(1, 3).bytes());
            Path csv = ZooCampaign.writeTable(dir, store, dev, MeasurementStoreTest.FINGERPRINT, QUICK, 3, 2,
                    MODELS.stream().map(ZooModel::canonical).toList());
            assertThat(csv.getFileName().toString()).isEqualTo("zoo-" + MeasurementStoreTest.FINGERPRINT.id() + ".csv");
            List<String> lines = Files.readAllLines(csv);
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0)).isEqualTo(ZooCampaign.CSV_HEADER);
            String[] row = lines.get(1).split(",");
            assertThat(row[0]).isEqualTo(MODELS.get(0).canonical());
            assertThat(row[1]).isEqualTo("resnet");
            assertThat(Long.parseLong(row[3])).isEqualTo(MODELS.get(0).structure().trainableParams());
            assertThat(row[5]).isEqualTo(sha);
            assertThat(Double.parseDouble(row[6])).isPositive();
            assertThat(row[12]).isEqualTo("2");
            assertThat(row[14]).isEqualTo("0");
            assertThat(Files.readString(dir.resolve("zoo-" + MeasurementStoreTest.FINGERPRINT.id() + ".json")))
                    .contains("\"weights_seed\":3").contains("\"cpu_model\":\"Test CPU\"");
        }
    }

    @Test
    void anotherWeightSeedOnTheSameStoreFailsInsteadOfMixingFiles() {
        try (MeasurementStore store = MeasurementStore.open(dir.resolve("zoo.db"))) {
            long dev = store.device(MeasurementStoreTest.FINGERPRINT);
            ZooCampaign.campaign(store, dev, MODELS.subList(0, 1), 1, 3, QUICK).run(new MeasurementCampaign.Listener() {});
            MeasurementCampaign more = ZooCampaign.campaign(store, dev, MODELS.subList(0, 1), 2, 2, 4, QUICK,
                    new OrtLatencyMeter(QUICK, ZooCampaign.exporter(store, 1, 4)));
            MeasurementCampaign.Summary s = more.run(new MeasurementCampaign.Listener() {});
            assertThat(s.failed()).isEqualTo(1);
            assertThat(store.rows(dev, ZooCampaign.SPACE).get(1).outcome()).isInstanceOfSatisfying(Outcome.Failed.class,
                    f -> assertThat(f.reason()).contains("model file changed"));
        }
    }

    @Test
    void specsFilesAcceptPlainLinesPresetsAndSampleCsv() throws Exception {
        Path plain = Files.writeString(dir.resolve("a.txt"), "# models\nresnet18\n" + MODELS.get(1).canonical() + "\n\nresnet18\n");
        assertThat(ZooCampaign.readSpecs(plain)).containsExactly(ModelZoo.parse("resnet18").canonical(), MODELS.get(1).canonical());
        Path csv = Files.writeString(dir.resolve("b.csv"), "spec,family\n" + MODELS.get(0).canonical() + ",resnet\n");
        assertThat(ZooCampaign.readSpecs(csv)).containsExactly(MODELS.get(0).canonical());
    }
}
