package dev.halo.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.halo.BadInputException;
import dev.halo.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OfaSpaceTest {
    private final OfaSpace space = new OfaSpace();

    @Test
    void helpTableParsesAndEncodes() throws IOException {
        List<String> lines = Files.readAllLines(SharedData.path("help/ofa/archs.csv"));
        String[] h = lines.get(0).split(",");
        assertThat(h[1]).isEqualTo("arch_str");
        assertThat(h[2]).isEqualTo("resolution");
        assertThat(h[48]).isEqualTo("n_active_blocks");
        assertThat(h[49]).isEqualTo("ks_active");
        assertThat(h[50]).isEqualTo("e_active");
        var distinct = new HashSet<OfaArch>();
        for (int row = 1; row < lines.size(); row++) {
            String[] f = lines.get(row).split(",", -1);
            OfaArch a = space.parse(f[1]);
            assertThat(a.resolution()).isEqualTo(Integer.parseInt(f[2]));
            for (int s = 0; s < 5; s++) assertThat(a.depth(s)).isEqualTo(Integer.parseInt(f[3 + s]));
            assertThat(a.activeBlocks()).isEqualTo(Integer.parseInt(f[48]));
            // canonical form masks inactive slots exactly like the table's *_active columns
            String c = a.canonical();
            assertThat(c).isEqualTo("r" + f[2] + "_d" + f[1].split("_")[1].substring(1) + "_ks" + f[49] + "_e" + f[50]);
            assertThat(space.parse(c)).isEqualTo(a);
            assertThat(space.flatEncoding(a)).containsExactly(helpEncoding(f));
            assertThat(distinct.add(a)).isTrue();
        }
        assertThat(distinct).hasSize(5000);
    }

    /** HELP's arch_encoding_ofa written out from the raw table columns (ks_00.., e_00.., d_1..). */
    private static double[] helpEncoding(String[] f) {
        double[] x = new double[145];
        int r = Integer.parseInt(f[2]);
        for (int slot = 0; slot < 20; slot++) {
            int d = Integer.parseInt(f[3 + slot / 4]);
            if (slot % 4 >= d) continue;
            int ks = Integer.parseInt(f[8 + slot]);
            int e = Integer.parseInt(f[28 + slot]);
            x[slot * 3 + (ks == 3 ? 0 : ks == 5 ? 1 : 2)] = 1;
            x[60 + slot * 3 + (e == 3 ? 0 : e == 4 ? 1 : 2)] = 1;
        }
        x[120 + (r - 128) / 4] = 1;
        return x;
    }

    @Test
    void inactiveSlotsDoNotMatter() {
        OfaArch a = space.parse("r204_d22223_ks75557757573753735353_e64466343363336346436");
        OfaArch b = space.parse("r204_d22223_ks75337733573353735353_e64666333363336346436");
        assertThat(a).isEqualTo(b);
        assertThat(a.canonical()).isEqualTo("r204_d22223_ks75--77--57--53--535-_e64--63--36--36--643-");
        assertThat(a.kernel(2)).isZero();
    }

    @Test
    void parsesHelpJsonConfig() {
        String json = """
                {"wid": null, "ks": [5,3,7,3,3,3,3,3,7,7,5,3,5,5,3,3,3,3,3,5],
                 "e": [3,3,4,6,6,6,4,3,4,4,3,6,6,4,4,4,6,6,4,3], "d": [2,3,3,3,3], "r": 176}""";
        OfaArch a = space.parse(json);
        assertThat(a.canonical()).isEqualTo("r176_d23333_ks53--333-775-553-333-_e33--664-443-644-664-");
    }

    @Test
    void errorsNamePositionAndAllowedValues() {
        assertThatThrownBy(() -> space.parse("r205_d22223_ks75557757573753735353_e64466343363336346436"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("128..224");
        assertThatThrownBy(() -> space.parse("r204_d22523_ks75557757573753735353_e64466343363336346436"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("stage 3").hasMessageContaining("2, 3, 4");
        assertThatThrownBy(() -> space.parse("r204_d22223_ks95557757573753735353_e64466343363336346436"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("slot 0 (stage 1 block 1)").hasMessageContaining("3, 5, 7");
        assertThatThrownBy(() -> space.parse("r204_d22223_ks75557757573753735353_e64466343363336346435"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("slot 19");
        assertThatThrownBy(() -> space.parse("{\"ks\": [3], \"e\": [], \"d\": [2,2,2,2,2], \"r\": 128}"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("field ks");
        assertThatThrownBy(() -> space.parse("{\"ks\": ")).isInstanceOf(BadInputException.class).hasMessageContaining("JSON");
        // 2^32 + 128 must not wrap around to a valid resolution
        assertThatThrownBy(() -> space.parse("{\"ks\": [], \"e\": [], \"d\": [2,2,2,2,2], \"r\": 4294967424}"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("field r");
    }

    @Test
    void mutationChangesTheNetworkAndNeighboursAreSingleEdits() {
        var rng = new SplittableRandom(11);
        for (int i = 0; i < 1000; i++) {
            OfaArch a = space.sample(rng);
            assertThat(space.mutate(a, rng)).isNotEqualTo(a);
            if (i % 50 == 0) {
                List<OfaArch> n = space.neighbours(a);
                assertThat(n).hasSize(24 + 10 + 4 * a.activeBlocks()).doesNotHaveDuplicates().doesNotContain(a);
            }
        }
    }

    @Test
    void widthOnePointTwoChannels() {
        OfaMacro m = OfaMacro.helpDefault();
        assertThat(m.firstConvChannels()).isEqualTo(24);
        assertThat(m.firstBlockChannels()).isEqualTo(24);
        assertThat(m.stages().stream().map(OfaMacro.Stage::channels).toList()).containsExactly(32, 48, 96, 136, 192);
        assertThat(m.finalExpandChannels()).isEqualTo(1152);
        assertThat(m.lastChannels()).isEqualTo(1536);
        OfaMacro w1 = new OfaMacro(1.0, 1000);
        assertThat(w1.stages().stream().map(OfaMacro.Stage::channels).toList()).containsExactly(24, 40, 80, 112, 160);
        assertThat(w1.firstConvChannels()).isEqualTo(16);
    }

    @Test
    void costsOfSmallestSubnetWorkedByHand() {
        // r128, depth 2 everywhere, k3 e3: per-layer products written out in the commit's working notes:
        // first conv 27*24*64^2, first block dw+pw at 64^2, then each block expand/dw/SE/project, head.
        OfaArch small = space.parse("r128_d22222_ks33--33--33--33--33--_e33--33--33--33--33--");
        assertThat(space.mflops(small)).isCloseTo(65.536896, within(1e-9));
        assertThat(space.params(small)).isEqualTo(4_602_456);
        List<OfaMacro.Block> blocks = space.blocks(small);
        assertThat(blocks).hasSize(11);
        assertThat(blocks.get(3)).isEqualTo(new OfaMacro.Block(1, 4, 32, 96, 48, 3, 2, OfaMacro.Activation.RELU, true, 24, true, false, 32));
        assertThat(blocks.get(10).outResolution()).isEqualTo(4);
    }
}
