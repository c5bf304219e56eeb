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

class Nb201SpaceTest {
    private final Nb201Space space = new Nb201Space();

    @Test
    void officialIndexOrderEqualsHelpTableForAllArchitectures() throws IOException {
        List<String> lines = Files.readAllLines(SharedData.path("help/nasbench201/archs.csv"));
        String[] header = lines.get(0).split(",");
        assertThat(header[0]).isEqualTo("arch_index");
        assertThat(header[1]).isEqualTo("arch_str");
        assertThat(header[8]).isEqualTo("output_connected");
        assertThat(lines).hasSize(Nb201Space.SIZE + 1);
        int disconnected = 0;
        for (int row = 1; row < lines.size(); row++) {
            String[] f = lines.get(row).split(",", -1);
            int index = Integer.parseInt(f[0]);
            Nb201Arch parsed = space.parse(f[1]);
            assertThat(parsed.canonical()).isEqualTo(f[1]);
            for (int e = 0; e < 6; e++) assertThat(parsed.op(e).label()).isEqualTo(f[2 + e]);
            assertThat(space.index(parsed)).as("index of %s", f[1]).isEqualTo(index);
            assertThat(space.fromIndex(index)).isEqualTo(parsed);
            boolean connected = f[8].equals("1");
            assertThat(Nb201Space.outputConnected(parsed)).as("output_connected of %s", f[1]).isEqualTo(connected);
            if (!connected) disconnected++;
        }
        assertThat(disconnected).isEqualTo(341);
    }

    @Test
    void indexIsABijection() {
        var seen = new HashSet<Nb201Arch>();
        for (int i = 0; i < Nb201Space.SIZE; i++) {
            Nb201Arch a = space.fromIndex(i);
            assertThat(seen.add(a)).isTrue();
            assertThat(space.index(a)).isEqualTo(i);
        }
    }

    @Test
    void officialIndexMatchesNasBench201GeneratorSelfChecks() {
        // The generator script asserts these three positions after its seeded shuffle.
        assertThat(space.fromIndex(0).canonical())
                .isEqualTo("|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|");
        assertThat(space.fromIndex(9).canonical()).isEqualTo("|avg_pool_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|nor_conv_3x3~2|");
        assertThat(space.fromIndex(123).canonical())
                .isEqualTo("|avg_pool_3x3~0|+|avg_pool_3x3~0|nor_conv_1x1~1|+|none~0|avg_pool_3x3~1|nor_conv_3x3~2|");
    }

    @Test
    void parsesIndexAndOpListForms() {
        Nb201Arch a = space.fromIndex(1);
        assertThat(space.parse("1")).isEqualTo(a);
        assertThat(space.parse(" 00001 ")).isEqualTo(a);
        assertThat(space.parse("nor_conv_3x3, nor_conv_3x3, avg_pool_3x3, skip_connect, nor_conv_3x3, skip_connect")).isEqualTo(a);
        assertThat(space.parse("conv3x3 conv3x3 avgpool skip conv3x3 skip")).isEqualTo(a);
        assertThat(space.parse(a.canonical())).isEqualTo(a);
    }

    @Test
    void errorsNamePositionAndAllowedValues() {
        assertThatThrownBy(() -> space.parse("|avg_pool_3x3~0|+|conv~0|skip_connect~1|+|none~0|none~1|none~2|"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("node 2 input 0")
                .hasMessageContaining("'conv'")
                .hasMessageContaining("none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3");
        assertThatThrownBy(() -> space.parse("|none~0|+|none~0|none~2|+|none~0|none~1|none~2|"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("node 2 input 1");
        assertThatThrownBy(() -> space.parse("|none~0|+|none~0|none~1|"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("3 node groups");
        assertThatThrownBy(() -> space.parse("15625")).isInstanceOf(BadInputException.class).hasMessageContaining("0..15624");
        assertThatThrownBy(() -> space.parse("none none skip")).isInstanceOf(BadInputException.class).hasMessageContaining("6 op names");
        assertThatThrownBy(() -> space.parse("none none skip none none max_pool"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("edge 5 (node 3 input 2)");
    }

    @Test
    void mutationAlwaysChangesExactlyOneEdge() {
        var rng = new SplittableRandom(7);
        for (int i = 0; i < 2000; i++) {
            Nb201Arch a = space.sample(rng);
            Nb201Arch b = space.mutate(a, rng);
            assertThat(b).isNotEqualTo(a);
            int diff = 0;
            for (int e = 0; e < 6; e++) if (a.op(e) != b.op(e)) diff++;
            assertThat(diff).isEqualTo(1);
        }
    }

    @Test
    void neighboursAreTheTwentyFourSingleEdits() {
        Nb201Arch a = space.fromIndex(42);
        List<Nb201Arch> n = space.neighbours(a);
        assertThat(n).hasSize(24).doesNotHaveDuplicates().doesNotContain(a);
        for (Nb201Arch b : n) assertThat(space.neighbours(b)).contains(a);
    }

    @Test
    void flatEncodingIsOneHotPerEdge() {
        Nb201Arch a = space.fromIndex(0); // avg, 1x1, skip, 1x1, skip, skip
        double[] x = space.flatEncoding(a);
        assertThat(x).hasSize(30);
        assertThat(x).containsExactly(
                0, 0, 0, 0, 1,
                0, 0, 1, 0, 0,
                0, 1, 0, 0, 0,
                0, 0, 1, 0, 0,
                0, 1, 0, 0, 0,
                0, 1, 0, 0, 0);
    }

    @Test
    void graphOfArchZeroMatchesTheRowsHelpPublished() {
        Nb201Graph g = space.graph(space.fromIndex(0));
        assertThat(g.features()).hasDimensions(9, 8);
        assertThat(g.adjacency()).hasDimensions(9, 9);
        int[] hot = new int[9];
        for (int r = 0; r < 9; r++) {
            double sum = 0;
            for (int c = 0; c < 8; c++) {
                sum += g.features()[r][c];
                if (g.features()[r][c] == 1) hot[r] = c;
            }
            assertThat(sum).isEqualTo(1);
        }
        assertThat(hot).containsExactly(0, 1, 2, 5, 2, 5, 5, 6, 7);
        assertThat(g.adjacency()[0]).containsExactly(1, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(g.adjacency()[1]).containsExactly(1, 1, 0, 0, 0, 0, 0, 0, 0);
        assertThat(g.adjacency()[2]).containsExactly(1, 0, 1, 0, 0, 0, 0, 0, 0);
        assertThat(g.adjacency()[3][0]).isEqualTo(1);
        assertThat(g.adjacency()[8]).containsOnly(1);
    }

    @Test
    void cellDagWiringFollowsTheDataFlow() {
        Nb201Graph g = space.graph(space.fromIndex(0), Nb201Graph.Wiring.CELL_DAG);
        double[][] a = g.adjacency();
        // edge 2 (1->2) is fed by edge 0 (0->1); edge 5 (2->3) by edges 1 and 2; output by edges 3, 4, 5
        assertThat(a[3]).containsExactly(0, 1, 0, 1, 0, 0, 0, 0, 0);
        assertThat(a[6]).containsExactly(0, 0, 1, 1, 0, 0, 1, 0, 0);
        assertThat(a[7]).containsExactly(0, 0, 0, 0, 1, 1, 1, 1, 0);
        assertThat(a[1][0]).isEqualTo(1);
        assertThat(a[4][0]).isEqualTo(1);
    }

    @Test
    void costsMatchPublishedNasBench201Values() {
        // NATS-Bench issue #24: arch 0 FLOPs cifar10-valid 15.64737, cifar100 15.65322, ImageNet16-120 3.91948.
        Nb201Arch arch0 = space.fromIndex(0);
        assertThat(space.mflops(arch0)).isCloseTo(15.64737, within(1e-9));
        assertThat(new Nb201Space(Nb201Macro.cifar100()).mflops(arch0)).isCloseTo(15.65322, within(1e-9));
        assertThat(new Nb201Space(Nb201Macro.imagenet16120()).mflops(arch0)).isCloseTo(3.91948, within(1e-9));
        // NATS-Bench issue #36: this arch on CIFAR-10 has 0.802426 MB params and 113.95137 MFLOPs.
        Nb201Arch three = space.parse("|skip_connect~0|+|none~0|nor_conv_3x3~1|+|avg_pool_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|");
        assertThat(space.params(three)).isEqualTo(802_426);
        assertThat(space.mflops(three)).isCloseTo(113.95137, within(1e-9));
        // All-3x3 / all-none, from the same formula (NAS-Bench-201 rounds these to 1.5315 MB / 220.12 M and 0.0733 MB / 7.78 M).
        Nb201Arch conv = space.parse("conv3x3 conv3x3 conv3x3 conv3x3 conv3x3 conv3x3");
        assertThat(space.params(conv)).isEqualTo(1_531_546);
        assertThat(space.mflops(conv)).isCloseTo(220.11969, within(1e-9));
        assertThat(space.params(space.parse("none none none none none none"))).isEqualTo(73_306);
    }

    @Test
    void macroExposesStages() {
        var stages = Nb201Macro.cifar10().stages();
        assertThat(stages).containsExactly(
                new Nb201Macro.Stage(16, 16, 1, 5, 32),
                new Nb201Macro.Stage(16, 32, 2, 5, 16),
                new Nb201Macro.Stage(32, 64, 2, 5, 8));
    }
}
