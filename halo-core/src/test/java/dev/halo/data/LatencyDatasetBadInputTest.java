package dev.halo.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every malformed dataset is refused with one line naming the file, the line and the column. */
class LatencyDatasetBadInputTest {
    @TempDir Path dir;

    static final String LATENCY = """
            arch_index,arch_str,dev_a,dev_b
            0,|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|,1.5,10
            1,|skip_connect~0|+|none~0|none~1|+|none~0|none~1|none~2|,2.25,11
            2,|avg_pool_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|,3,12
            """;
    static final String HW = """
            position,arch_index,arch_str,dev_a
            0,2,|avg_pool_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|,3
            1,0,|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|,1.5
            """;
    static final String DEVICES = """
            device,device_type,batch_size_from_name,help_default_role
            dev_a,desktop/server GPU,32,meta_train
            dev_b,mobile phone,,meta_test
            """;

    private void write(String latency, String hw, String devices) throws IOException {
        Files.writeString(dir.resolve("latency.csv"), latency);
        Files.writeString(dir.resolve("hw_embedding_index.csv"), hw);
        if (devices != null) Files.writeString(dir.resolve("devices.csv"), devices);
    }

    private void assertRefused(String... fragments) {
        assertThatThrownBy(() -> LatencyDataset.load(dir))
                .isInstanceOf(BadInputException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").contains(fragments));
    }

    @Test
    void minimalDatasetLoads() throws IOException {
        write(LATENCY, HW, DEVICES);
        LatencyDataset ds = LatencyDataset.load(dir);
        assertThat(ds.space()).isEqualTo("nasbench201");
        assertThat(ds.archCount()).isEqualTo(3);
        assertThat(ds.latencies("dev_b")).containsExactly(10, 11, 12);
        assertThat(ds.referenceArchIndices()).containsExactly(2, 0);
        assertThat(ds.device("dev_a").batch()).hasValue(32);
        assertThat(ds.device("dev_b").stats().integerValued()).isTrue();
        assertThat(ds.device("dev_a").stats().median()).isEqualTo(2.25);
    }

    @Test
    void devicesAndArchsFilesAreOptional() throws IOException {
        write(LATENCY, HW, null);
        LatencyDataset ds = LatencyDataset.load(dir);
        assertThat(ds.device("dev_a").kind()).isEmpty();
        assertThat(ds.device("dev_a").batch()).isEmpty();
    }

    @Test
    void missingLatencyFile() throws IOException {
        Files.writeString(dir.resolve("hw_embedding_index.csv"), HW);
        assertRefused("latency.csv", "not found");
    }

    @Test
    void missingFolder() {
        assertThatThrownBy(() -> LatencyDataset.load(dir.resolve("absent"))).isInstanceOf(BadInputException.class).hasMessageContaining("absent");
    }

    @Test
    void missingReferenceFile() throws IOException {
        Files.writeString(dir.resolve("latency.csv"), LATENCY);
        assertRefused("hw_embedding_index.csv", "not found");
    }

    @Test
    void missingColumn() throws IOException {
        write(LATENCY.replace("arch_index,", "index,"), HW, DEVICES);
        assertRefused("latency.csv", "line 1", "missing column 'arch_index'");
    }

    @Test
    void missingKeyColumn() throws IOException {
        write(LATENCY.replace("arch_str", "arch"), HW, DEVICES);
        assertRefused("latency.csv", "line 1", "arch_str");
    }

    @Test
    void nan() throws IOException {
        write(LATENCY.replace(",2.25,", ",NaN,"), HW, DEVICES);
        assertRefused("latency.csv", "line 3", "column 'dev_a'", "not a finite number: 'NaN'");
    }

    @Test
    void infinity() throws IOException {
        write(LATENCY.replace(",2.25,", ",inf,"), HW, DEVICES);
        assertRefused("latency.csv", "line 3", "column 'dev_a'", "'inf'");
    }

    @Test
    void overflowingNumber() throws IOException {
        write(LATENCY.replace(",2.25,", ",1e999,"), HW, DEVICES);
        assertRefused("latency.csv", "line 3", "column 'dev_a'", "out of range");
    }

    @Test
    void negative() throws IOException {
        write(LATENCY.replace(",11\n", ",-11\n"), HW, DEVICES);
        assertRefused("latency.csv", "line 3", "column 'dev_b'", "positive", "-11");
    }

    @Test
    void zero() throws IOException {
        write(LATENCY.replace(",11\n", ",0\n"), HW, DEVICES);
        assertRefused("latency.csv", "line 3", "column 'dev_b'", "positive");
    }

    @Test
    void nonNumeric() throws IOException {
        write(LATENCY.replace(",3,", ",3ms,"), HW, DEVICES);
        assertRefused("latency.csv", "line 4", "column 'dev_a'", "'3ms'");
    }

    @Test
    void javaNumberSuffixIsNotANumber() throws IOException {
        write(LATENCY.replace(",3,", ",3d,"), HW, DEVICES);
        assertRefused("latency.csv", "line 4", "column 'dev_a'", "'3d'");
    }

    @Test
    void emptyCell() throws IOException {
        write(LATENCY.replace(",3,", ",,"), HW, DEVICES);
        assertRefused("latency.csv", "line 4", "column 'dev_a'", "empty");
    }

    @Test
    void duplicateArch() throws IOException {
        write(LATENCY.replace("|avg_pool_3x3~0|", "|skip_connect~0|"), HW.replace("|avg_pool_3x3~0|", "|skip_connect~0|"), DEVICES);
        assertRefused("latency.csv", "line 4", "column 'arch_str'", "duplicate", "line 3");
    }

    @Test
    void archIndexOutOfSequence() throws IOException {
        write(LATENCY.replace("\n2,", "\n7,"), HW, DEVICES);
        assertRefused("latency.csv", "line 4", "column 'arch_index'", "expected 2");
    }

    @Test
    void raggedRow() throws IOException {
        write(LATENCY.replace(",11\n", ",11,12\n"), HW, DEVICES);
        assertRefused("latency.csv", "line 3", "5 cells", "header has 4");
    }

    @Test
    void truncatedMidRow() throws IOException {
        String cut = LATENCY.substring(0, LATENCY.lastIndexOf(",3,") + 2) + "\n";
        write(cut, HW, DEVICES);
        assertRefused("latency.csv", "line 4", "3 cells");
    }

    @Test
    void truncatedMidNumber() throws IOException {
        write(LATENCY.substring(0, LATENCY.length() - 2), HW, DEVICES);
        assertRefused("latency.csv", "truncated");
    }

    @Test
    void emptyFile() throws IOException {
        write("", HW, DEVICES);
        assertRefused("latency.csv", "empty");
    }

    @Test
    void headerOnly() throws IOException {
        write("arch_index,arch_str,dev_a\n", HW, DEVICES);
        assertRefused("latency.csv", "no architecture rows");
    }

    @Test
    void binaryGarbage() throws IOException {
        Files.write(dir.resolve("latency.csv"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, '\n'});
        Files.writeString(dir.resolve("hw_embedding_index.csv"), HW);
        assertRefused("latency.csv", "UTF-8");
    }

    @Test
    void crlfLineEndsAreAccepted() throws IOException {
        write(LATENCY.replace("\n", "\r\n"), HW.replace("\n", "\r\n"), DEVICES);
        assertThat(LatencyDataset.load(dir).latency("dev_b", 2)).isEqualTo(12);
    }

    @Test
    void quotedCellsAreAccepted() throws IOException {
        write(LATENCY, HW, DEVICES.replace("mobile phone", "\"phone, \"\"mid-range\"\"\""));
        assertThat(LatencyDataset.load(dir).device("dev_b").kind()).isEqualTo("phone, \"mid-range\"");
    }

    @Test
    void referencePositionOutOfRange() throws IOException {
        write(LATENCY, HW.replace("\n1,0,", "\n5,0,"), DEVICES);
        assertRefused("hw_embedding_index.csv", "line 3", "column 'position'", "out of range");
    }

    @Test
    void referenceArchOutOfRange() throws IOException {
        write(LATENCY, HW.replace("\n1,0,", "\n1,99,"), DEVICES);
        assertRefused("hw_embedding_index.csv", "line 3", "column 'arch_index'", "99");
    }

    @Test
    void referenceLatencyDisagreesWithTable() throws IOException {
        write(LATENCY, HW.replace(",1.5\n", ",1.6\n"), DEVICES);
        assertRefused("hw_embedding_index.csv", "line 3", "column 'dev_a'", "differs");
    }

    @Test
    void devicesFileMissesADevice() throws IOException {
        write(LATENCY, HW, DEVICES.replace("dev_b,mobile phone,,meta_test\n", ""));
        assertRefused("devices.csv", "dev_b");
    }

    @Test
    void devicesFileNamesUnknownDevice() throws IOException {
        write(LATENCY, HW, DEVICES + "dev_c,mobile phone,,meta_test\n");
        assertRefused("devices.csv", "line 4", "dev_c");
    }

    @Test
    void badBatch() throws IOException {
        write(LATENCY, HW, DEVICES.replace(",32,", ",3x2,"));
        assertRefused("devices.csv", "line 2", "column 'batch_size_from_name'", "3x2");
    }

    @Test
    void archsFileDisagrees() throws IOException {
        write(LATENCY, HW, DEVICES);
        Files.writeString(dir.resolve("archs.csv"), "arch_index,arch_str\n0,a\n1,b\n2,c\n", StandardCharsets.UTF_8);
        assertRefused("archs.csv", "line 2", "column 'arch_str'", "differs");
    }

    @Test
    void spaceCanBeStatedAndIsChecked() throws IOException {
        write(LATENCY.replace("|nor_conv_3x3~0|", "X"), HW.replace("|nor_conv_3x3~0|", "X"), DEVICES);
        assertRefused("cannot tell the search space");
        assertThat(LatencyDataset.load(dir, "nasbench201").space()).isEqualTo("nasbench201");
        assertThatThrownBy(() -> LatencyDataset.load(dir, "darts"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("darts").hasMessageContaining("fbnet");
    }
}
