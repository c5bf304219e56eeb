package dev.halo.cli.measure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MeasureCommandTest {
    @TempDir Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private String[] quick(String... extra) {
        return quickIn("nasbench201", extra);
    }

    private String[] quickIn(String space, String... extra) {
        List<String> a = new ArrayList<>(List.of("measure", "--space", space, "--store", dir.resolve("m.db").toString(),
                "--warmup", "1", "--min-runs", "5", "--max-runs", "10", "--max-seconds", "0.5"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void measuresWritesCsvAndResumes() throws Exception {
        Path csv = dir.resolve("out.csv");
        CliRun first = run(quick("--sample", "2", "--rounds", "2", "--out", csv.toString()));
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).containsPattern("measured now +4 \\(0 failed\\)").contains("rounds 1 vs 2");
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.getFirst()).startsWith("arch,median_ms,p90_ms,min_ms,cv,robust_cv,runs,rounds");
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1).split(",")).hasSize(10);

        CliRun again = run(quick("--sample", "2", "--rounds", "2"));
        assertThat(again.exit()).isZero();
        assertThat(again.out()).containsPattern("measured now +0").containsPattern("already stored +4 of 4");

        CliRun repeat = run(quick("--sample", "2", "--rounds", "1", "--repeat", "--out", csv.toString()));
        assertThat(repeat.exit()).isZero();
        assertThat(repeat.out()).containsPattern("measured now +2");
        assertThat(Files.readAllLines(csv).get(1)).contains(",3,"); // three rounds per arch now
    }

    @Test
    void profileWritesAnOpTableAndScoresTheLayerwisePredictor() throws Exception {
        Path csv = dir.resolve("m.csv");
        assertThat(run(quick("--sample", "4", "--rounds", "1", "--out", csv.toString())).exit()).isZero();
        Path table = dir.resolve("ops.tsv");
        CliRun p = run("profile", "--space", "nasbench201", "--sample", "4", "--runs", "2", "--warmup", "1",
                "--out", table.toString(), "--measured", csv.toString(), "--format", "csv");
        assertThat(p.exit()).as(p.err()).isZero();
        assertThat(p.out()).startsWith("op_type,table_ms,signatures").contains("Conv,");
        assertThat(p.err()).containsPattern("layer-wise predictor vs .*: Spearman -?[0-9.]+ over 4 architectures");
        assertThat(Files.readAllLines(table).getFirst()).startsWith("op_type\tms");
    }

    @Test
    void archsFileIsParsedAndItsErrorsNameTheLine() throws Exception {
        Path archs = dir.resolve("archs.txt");
        Files.writeString(archs, "# two cells\nconv3x3,skip,none,avgpool,conv1x1,none\n\nnot-an-arch\n");
        CliRun bad = run(quick("--archs", archs.toString()));
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains(archs + ":4:").hasLineCount(1);
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        for (String[] args : List.of(
                quickIn("nope", "--sample", "1"),
                quick("--sample", "1", "--threads", "0"),
                quick("--sample", "1", "--batch", "0"),
                quick("--sample", "1", "--opt", "some"),
                quick("--sample", "0"),
                quickIn("fbnet", "--all"),
                new String[] {"measure", "--space", "nasbench201", "--sample", "1", "--store", dir.resolve("no/such/dir/m.db").toString()})) {
            CliRun r = run(args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", args)).startsWith("halo: ").hasLineCount(1);
        }
    }

    @Test
    void selectionIsRequiredAndExclusive() {
        CliRun none = run("measure", "--space", "nasbench201", "--store", dir.resolve("m.db").toString());
        assertThat(none.exit()).isEqualTo(2);
        CliRun both = run(quick("--sample", "1", "--all"));
        assertThat(both.exit()).isEqualTo(2);
    }
}
