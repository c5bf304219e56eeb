package dev.halo.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import dev.halo.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HelpImporterTest {
    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"nasbench201", "fbnet"})
    void reproducesTheSharedCsvExport(String space) throws IOException {
        List<String> steps = new ArrayList<>();
        Path out = dir.resolve("imported");
        HelpImporter.Result r = HelpImporter.importSpace(SharedData.path("help-raw"), space, out, false, steps::add);
        assertThat(steps).isNotEmpty().anyMatch(s -> s.contains("raspi4.pt"));

        LatencyDataset imported = LatencyDataset.load(out);
        LatencyDataset shared = LatencyDataset.load(SharedData.path("help/" + space));
        assertThat(imported.space()).isEqualTo(space);
        assertThat(r.archCount()).isEqualTo(shared.archCount());
        assertThat(imported.archStrings()).isEqualTo(shared.archStrings());
        assertThat(imported.referenceArchIndices()).containsExactly(shared.referenceArchIndices());
        assertThat(r.devices()).isEqualTo(List.copyOf(imported.deviceNames())).contains("raspi4");
        for (String device : imported.deviceNames()) {
            assertThat(imported.latencies(device)).as(device).containsExactly(shared.latencies(device));
            assertThat(imported.device(device).batch()).as(device).isEqualTo(shared.device(device).batch());
            assertThat(imported.device(device).stats()).isEqualTo(shared.device(device).stats());
        }
        // Stronger than equal numbers: the text of every latency cell is the shared export's text.
        Map<String, List<String>> importedText = columns(out.resolve("latency.csv"));
        Map<String, List<String>> sharedText = columns(SharedData.path("help/" + space + "/latency.csv"));
        for (String device : imported.deviceNames()) assertThat(importedText.get(device)).as(device).isEqualTo(sharedText.get(device));
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("imported");
        }
    }

    @Test
    void refusesToOverwriteUnlessAsked() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("keep.txt"), "x");
        assertThatThrownBy(() -> HelpImporter.importSpace(SharedData.path("help-raw"), "fbnet", out, false, s -> {}))
                .isInstanceOf(BadInputException.class).hasMessageContaining("not empty");
        assertThat(out.resolve("keep.txt")).exists();
        HelpImporter.importSpace(SharedData.path("help-raw"), "fbnet", out, true, s -> {});
        assertThat(out.resolve("keep.txt")).doesNotExist();
        assertThat(LatencyDataset.load(out).deviceNames()).containsExactly("raspi4");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("out");
        }
    }

    @Test
    void brokenInputLeavesNothingBehind() throws IOException {
        Path help = dir.resolve("help/nasbench201");
        Files.createDirectories(help.resolve("latency"));
        Path raw = SharedData.path("help-raw/nasbench201");
        Files.copy(raw.resolve("str_arch2idx.pt"), help.resolve("str_arch2idx.pt"));
        Files.copy(raw.resolve("hardware_embedding_index.pt"), help.resolve("hardware_embedding_index.pt"));
        Files.copy(raw.resolve("latency/raspi4.pt"), help.resolve("latency/raspi4.pt"));
        // A device file that is really FBNet's: 5000 values for 15625 archs.
        Files.copy(SharedData.path("help-raw/fbnet/latency/raspi4.pt"), help.resolve("latency/pixel9.pt"));
        Path out = dir.resolve("out");
        assertThatThrownBy(() -> HelpImporter.importSpace(dir.resolve("help"), "nasbench201", out, false, s -> {}))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("pixel9.pt").hasMessageContaining("5000 latencies").hasMessageContaining("15625");
        assertThat(out).doesNotExist();
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("help");
        }
    }

    @Test
    void namesWhatIsMissing() {
        assertThatThrownBy(() -> HelpImporter.importSpace(dir, "nasbench201", dir.resolve("o"), false, s -> {}))
                .isInstanceOf(BadInputException.class).hasMessageContaining("latency/");
        assertThatThrownBy(() -> HelpImporter.importSpace(dir, "ofa", dir.resolve("o"), false, s -> {}))
                .isInstanceOf(BadInputException.class).hasMessageContaining("OFA");
        assertThatThrownBy(() -> HelpImporter.importSpace(dir, "darts", dir.resolve("o"), false, s -> {}))
                .isInstanceOf(BadInputException.class).hasMessageContaining("darts");
    }

    @Test
    void latencyTextIsShortestForItsPrecision() {
        assertThat(HelpImporter.latencyText(29L)).isEqualTo("29");
        assertThat(HelpImporter.latencyText((double) 10.754371f)).isEqualTo("10.754371");
        assertThat(HelpImporter.latencyText(10.481976820010459)).isEqualTo("10.481976820010459");
        assertThat(HelpImporter.latencyText((double) 0.0003277f)).isEqualTo("0.0003277");
        assertThat(HelpImporter.latencyText(11.0)).isEqualTo("11.0");
    }

    @Test
    void batchComesFromPowerOfTwoSuffixes() {
        assertThat(DatasetWriter.batchFromName("titan_rtx_256")).isEqualTo("256");
        assertThat(DatasetWriter.batchFromName("essential_ph_1")).isEqualTo("1");
        assertThat(DatasetWriter.batchFromName("gold_6226")).isEmpty();
        assertThat(DatasetWriter.batchFromName("silver_4210r")).isEmpty();
        assertThat(DatasetWriter.batchFromName("raspi4")).isEmpty();
    }

    private static Map<String, List<String>> columns(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        String[] head = lines.get(0).split(",");
        Map<String, List<String>> out = new HashMap<>();
        for (String h : head) out.put(h, new ArrayList<>());
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            for (int i = 0; i < head.length; i++) out.get(head[i]).add(cells[i]);
        }
        return out;
    }
}
