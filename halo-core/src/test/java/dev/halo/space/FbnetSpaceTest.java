package dev.halo.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.halo.BadInputException;
import dev.halo.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FbnetSpaceTest {
    private final FbnetSpace space = new FbnetSpace();

    @Test
    void digitsAndNamesAgreeWithHelpTable() throws IOException {
        List<String> lines = Files.readAllLines(SharedData.path("help/fbnet/archs.csv"));
        String[] header = lines.get(0).split(",");
        assertThat(header[1]).isEqualTo("op_idx_str");
        assertThat(header[2]).isEqualTo("layer_00");
        assertThat(header[24]).isEqualTo("n_skip");
        assertThat(lines).hasSize(5001);
        for (int row = 1; row < lines.size(); row++) {
            String[] f = lines.get(row).split(",", -1);
            FbnetArch a = space.parse(f[1]);
            assertThat(a.canonical()).isEqualTo(f[1]);
            String names = String.join(",", Arrays.copyOfRange(f, 2, 24));
            assertThat(a.labels()).isEqualTo(names);
            assertThat(space.parse(names)).isEqualTo(a);
            assertThat(a.blocks().stream().filter(FbnetBlock::isSkip).count()).isEqualTo(Long.parseLong(f[24]));
            assertThat(space.flatEncoding(a)).containsExactly(helpArchEnc(f[1]));
        }
    }

    /** HELP's arch_enc, written out independently: index&lt;4 → k3, &lt;8 → k5, index%4 picks e1/e1_g2/e3/e6; 8 = skip. */
    private static double[] helpArchEnc(String digits) {
        double[] x = new double[132];
        for (int layer = 0; layer < 22; layer++) {
            int i = digits.charAt(layer) - '0';
            if (i == 8) continue;
            x[layer * 6 + (i < 4 ? 0 : 1)] = 1;
            x[layer * 6 + 2 + i % 4] = 1;
        }
        return x;
    }

    @Test
    void acceptsPythonListForm() {
        String list = "['k5_e6', 'skip', 'k3_e1_g2', 'skip', 'k5_e1', 'skip', 'skip', 'skip', 'k5_e6', 'k5_e1', 'k3_e1_g2', "
                + "'k5_e1', 'k5_e6', 'k3_e6', 'k3_e3', 'k5_e6', 'k3_e6', 'k3_e3', 'k5_e1', 'k3_e3', 'k5_e1', 'k5_e1_g2']";
        assertThat(space.parse(list).canonical()).isEqualTo("7818488874147327324245");
    }

    @Test
    void errorsNameTheLayer() {
        assertThatThrownBy(() -> space.parse("7818488874147327324249"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("layer 21")
                .hasMessageContaining("8=skip");
        assertThatThrownBy(() -> space.parse("781848887414732732424"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("22 digits");
        String bad = String.join(",", java.util.Collections.nCopies(21, "k3_e1")) + ",k7_e1";
        assertThatThrownBy(() -> space.parse(bad)).isInstanceOf(BadInputException.class).hasMessageContaining("layer 21");
    }

    @Test
    void mutationAndNeighbours() {
        var rng = new SplittableRandom(3);
        for (int i = 0; i < 500; i++) {
            FbnetArch a = space.sample(rng);
            FbnetArch b = space.mutate(a, rng);
            assertThat(b).isNotEqualTo(a);
            int diff = 0;
            for (int l = 0; l < 22; l++) if (a.block(l) != b.block(l)) diff++;
            assertThat(diff).isEqualTo(1);
        }
        FbnetArch a = space.parse("0123456780123456780123");
        assertThat(space.neighbours(a)).hasSize(176).doesNotHaveDuplicates().doesNotContain(a);
    }

    @Test
    void macroMatchesHwNasBenchCifar100Layout() {
        List<FbnetMacro.Layer> layers = space.macro().layers();
        assertThat(layers).hasSize(22);
        assertThat(layers.get(0)).isEqualTo(new FbnetMacro.Layer(0, 0, 16, 16, 1, 32));
        assertThat(layers.get(1)).isEqualTo(new FbnetMacro.Layer(1, 1, 16, 24, 1, 32));
        assertThat(layers.get(5)).isEqualTo(new FbnetMacro.Layer(5, 2, 24, 32, 2, 32));
        assertThat(layers.get(9)).isEqualTo(new FbnetMacro.Layer(9, 3, 32, 64, 2, 16));
        assertThat(layers.get(13)).isEqualTo(new FbnetMacro.Layer(13, 4, 64, 112, 1, 8));
        assertThat(layers.get(17)).isEqualTo(new FbnetMacro.Layer(17, 5, 112, 184, 2, 8));
        assertThat(layers.get(21)).isEqualTo(new FbnetMacro.Layer(21, 6, 184, 352, 1, 4));
        assertThat(layers.get(21).outResolution()).isEqualTo(4);
        assertThat(FbnetMacro.padding(3, 1)).isEqualTo(1);
        assertThat(FbnetMacro.padding(3, 2)).isEqualTo(1);
        assertThat(FbnetMacro.padding(5, 1)).isEqualTo(2);
        assertThat(FbnetMacro.padding(5, 2)).isEqualTo(2);
        assertThat(FbnetMacro.padding(1, 1)).isZero();
    }

    @Test
    void costsOfAllSkipArchWorkedByHand() {
        // Stem 27*16*32^2; skip convs where channels or stride change (layers 1, 5, 9, 13, 17, 21);
        // head 352*1504*4^2; classifier 1504*100 + 100.
        FbnetArch skip = space.parse("8888888888888888888888");
        assertThat(space.mflops(skip)).isCloseTo(11.609060, within(1e-9));
        assertThat(space.params(skip)).isEqualTo(780_660);
    }

    @Test
    void costsOfOneBlockWorkedByHand() {
        // Layer 0 = k3_e6 on 16->16 at 32x32, the rest skip: adds 1x1 16->96, dw 3x3 on 96, 1x1 96->16.
        FbnetArch a = space.parse("3888888888888888888888");
        long blockMacs = (16L * 96 + 9L * 96 + 96L * 16) * 1024;
        long blockParams = 16L * 96 + 2 * 96 + 9L * 96 + 2 * 96 + 96L * 16 + 2 * 16;
        assertThat(space.mflops(a)).isCloseTo(11.609060 + blockMacs / 1e6, within(1e-9));
        assertThat(space.params(a)).isEqualTo(780_660 + blockParams);
        // Grouped version: both 1x1 convs have half the weights.
        FbnetArch g = space.parse("1888888888888888888888");
        long gMacs = (16L * 16 / 2 + 9L * 16 + 16L * 16 / 2) * 1024;
        assertThat(space.mflops(g)).isCloseTo(11.609060 + gMacs / 1e6, within(1e-9));
    }
}
