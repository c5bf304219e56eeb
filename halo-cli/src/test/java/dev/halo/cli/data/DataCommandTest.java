package dev.halo.cli.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halo.cli.HaloCommand;
import dev.halo.data.LatencyDataset;
import dev.halo.testing.SharedData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DataCommandTest {
    @TempDir Path dir;

    record Run(int code, String out, String err) {}

    static Run halo(String... args) {
        CommandLine cl = HaloCommand.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void devicesAsTableAndJson() throws IOException {
        Path ofa = SharedData.path("help/ofa");
        Run table = halo("data", "devices", "--dataset", ofa.toString());
        assertThat(table.code()).isZero();
        assertThat(table.out().lines().findFirst().orElseThrow()).contains("device", "kind", "batch", "role", "median_ms");
        assertThat(table.out()).contains("titan_rtx_64").contains("meta_test");
        assertThat(table.out().lines().count()).isEqualTo(2 + 12);
        assertThat(table.err()).contains("5000 archs x 12 devices");

        Run json = halo("data", "devices", "--dataset", ofa.toString(), "--format", "json");
        JsonNode rows = new ObjectMapper().readTree(json.out());
        assertThat(rows.size()).isEqualTo(12);
        JsonNode v100 = rows.get(9);
        assertThat(v100.get("device").asText()).isEqualTo("v100_1");
        assertThat(v100.get("batch").asInt()).isEqualTo(1);
        assertThat(v100.get("median_ms").asDouble()).isEqualTo(LatencyDataset.load(ofa).device("v100_1").stats().median());
    }

    @Test
    void devicesOfASharedSpaceAsCsv() {
        SharedData.path("help/fbnet");
        Run csv = halo("data", "devices", "--space", "fbnet", "--format", "csv");
        assertThat(csv.code()).isZero();
        assertThat(csv.out().lines().count()).isEqualTo(1 + 25);
        assertThat(csv.out()).contains("\nsamsung_a50,mobile phone,,meta_train,5000,");
    }

    @Test
    void devicesOfOneRole() {
        SharedData.path("help/nasbench201");
        Run run = halo("data", "devices", "--role", "meta_test", "--format", "csv");
        assertThat(run.code()).isZero();
        assertThat(run.out().lines().skip(1).map(l -> l.split(",")[0]))
                .containsExactly("eyeriss", "fpga", "gold_6226", "pixel2", "raspi4", "titan_rtx_256");
        Run none = halo("data", "devices", "--role", "meta_tset");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("meta_tset").contains("meta_test, meta_train, meta_valid");
    }

    @Test
    void badInputExitsWithTwoAndOneLine() throws IOException {
        Run missing = halo("data", "devices", "--dataset", dir.resolve("absent").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err().strip()).startsWith("halo: ").contains("absent").doesNotContain("\n").doesNotContain("Exception");

        Files.writeString(dir.resolve("latency.csv"), "arch_index,arch_str,dev\n0,|a~0|,fast\n");
        Run broken = halo("data", "devices", "--dataset", dir.toString());
        assertThat(broken.code()).isEqualTo(2);
        assertThat(broken.err()).contains("latency.csv line 2, column 'dev'").contains("'fast'");

        Run space = halo("data", "devices", "--space", "darts");
        assertThat(space.code()).isEqualTo(2);
        assertThat(space.err()).contains("darts").contains("nasbench201, fbnet, ofa");
    }

    @Test
    void importHelpWritesALoadableDataset() {
        Path raw = SharedData.path("help-raw");
        Path out = dir.resolve("nb201");
        Run run = halo("data", "import-help", raw.toString(), "--space", "nasbench201", "--out", out.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.err()).contains("reading latency/raspi4.pt");
        assertThat(run.out()).startsWith("imported nasbench201: 15625 archs x 3 devices (gold_6226, raspi4, titan_rtx_256), 10 reference archs");
        assertThat(LatencyDataset.load(out).deviceNames()).containsExactly("gold_6226", "raspi4", "titan_rtx_256");

        Run again = halo("data", "import-help", raw.toString(), "--space", "nasbench201", "--out", out.toString());
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("not empty");
    }

    @Test
    void importHelpNeedsSpaceAndOut() {
        Run run = halo("data", "import-help", dir.toString());
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--out").contains("--space");
    }

    @Test
    void helpShowsExamples() {
        assertThat(halo("data", "devices", "--help").out()).contains("Examples:").contains("--dataset");
        assertThat(halo("data", "import-help", "--help").out()).contains("Examples:").contains("HELP_DATA_DIR");
        assertThat(halo("data").out()).contains("devices").contains("import-help");
    }
}
