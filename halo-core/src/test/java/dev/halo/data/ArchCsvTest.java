package dev.halo.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import dev.halo.space.Nb201Space;
import dev.halo.space.OfaSpace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchCsvTest {
    @TempDir Path dir;
    final Nb201Space nb201 = new Nb201Space();

    Path file(String text) throws IOException {
        return Files.writeString(dir.resolve("f.csv"), text);
    }

    @Test
    void samplesKeepTheirLineAndAcceptAnyArchFormAndExtraColumns() throws IOException {
        var s = ArchCsv.samples(file("note,arch,latency_ms\nx,0,1.5\ny,\"nor_conv_3x3,none,none,skip_connect,none,none\",2e1\n"), nb201);
        assertThat(s).hasSize(2);
        assertThat(s.get(0).line()).isEqualTo(2);
        assertThat(s.get(0).arch()).isEqualTo(nb201.fromIndex(0));
        assertThat(s.get(1).ms()).isEqualTo(20.0);
        assertThat(s.get(1).arch().canonical()).isEqualTo("|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|");
    }

    @Test
    void refusalsNameFileLineAndColumn() throws IOException {
        assertThatThrownBy(() -> ArchCsv.samples(file("arch,ms\n0,1\n"), nb201))
                .isInstanceOf(BadInputException.class).hasMessageContaining("line 1: missing column 'latency_ms'");
        assertThatThrownBy(() -> ArchCsv.samples(file("arch,latency_ms\n"), nb201)).hasMessageContaining("no samples");
        assertThatThrownBy(() -> ArchCsv.samples(file("arch,latency_ms\n0,1\n1,inf\n"), nb201))
                .hasMessageContaining("f.csv line 3, column 'latency_ms': not a finite number");
        assertThatThrownBy(() -> ArchCsv.samples(file("arch,latency_ms\n0,1\n,2\n"), nb201))
                .hasMessageContaining("f.csv line 3, column 'arch': empty value");
        assertThatThrownBy(() -> ArchCsv.archs(file("name\n0\n"), nb201)).hasMessageContaining("missing column 'arch'").hasMessageContaining("halo arch sample");
        String ofa = new OfaSpace().sample(new java.util.Random(1)).canonical();
        assertThatThrownBy(() -> ArchCsv.archs(file("arch\n0\n" + ofa + "\n"), nb201))
                .hasMessage(dir.resolve("f.csv") + " line 3, column 'arch': a ofa architecture, but the model is for nasbench201");
    }

    @Test
    void spaceOfFirstArchRecognisesEachSpaceOrNone() throws IOException {
        assertThat(ArchCsv.spaceOfFirstArch(file("arch\n" + nb201.fromIndex(5).canonical() + "\n")).orElseThrow().name()).isEqualTo("nasbench201");
        String ofa = new OfaSpace().sample(new java.util.Random(1)).canonical();
        assertThat(ArchCsv.spaceOfFirstArch(file("arch\n" + ofa + "\n")).orElseThrow().name()).isEqualTo("ofa");
        assertThat(ArchCsv.spaceOfFirstArch(file("arch\nresnet50\n"))).isEmpty();
        assertThat(ArchCsv.spaceOfFirstArch(file("name\nx\n"))).isEmpty();
    }
}
