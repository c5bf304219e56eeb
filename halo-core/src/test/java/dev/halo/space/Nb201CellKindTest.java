package dev.halo.space;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.space.Nb201Space.CellKind;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Nb201CellKindTest {
    private static final Nb201Space SPACE = new Nb201Space();

    @Test
    void namedCells() {
        assertThat(Nb201Space.cellKind(SPACE.parse("conv3x3,conv3x3,conv3x3,conv3x3,conv3x3,conv3x3"))).isEqualTo(CellKind.ORDINARY);
        assertThat(Nb201Space.cellKind(SPACE.parse("none,conv3x3,conv3x3,conv1x1,avgpool,skip"))).isEqualTo(CellKind.ZERO_NODE);
        assertThat(Nb201Space.cellKind(SPACE.parse("conv3x3,conv1x1,none,skip,none,none"))).isEqualTo(CellKind.DEAD_NODE);
        assertThat(Nb201Space.cellKind(SPACE.parse("none,conv3x3,none,skip,none,none"))).isEqualTo(CellKind.ZERO_AND_DEAD_NODES);
        assertThat(Nb201Space.cellKind(SPACE.parse("none,none,none,none,none,none"))).isEqualTo(CellKind.DISCONNECTED);
    }

    @Test
    void agreesWithPathEnumerationOverTheWholeSpace() {
        // independent definition: node k is live if some non-none path 0 -> k exists, useful if some path k -> 3 exists
        Map<CellKind, Integer> counts = new EnumMap<>(CellKind.class);
        for (Nb201Arch arch : SPACE.all()) {
            boolean l1 = on(arch, 0, 1), l2 = on(arch, 0, 2) || (l1 && on(arch, 1, 2));
            boolean u2 = on(arch, 2, 3), u1 = on(arch, 1, 3) || (on(arch, 1, 2) && u2);
            boolean connected = on(arch, 0, 3) || (l1 && u1) || (l2 && u2);
            boolean zero = !l1 || !l2, dead = (l1 && !u1) || (l2 && !u2);
            CellKind expected = !connected ? CellKind.DISCONNECTED : zero && dead ? CellKind.ZERO_AND_DEAD_NODES
                    : zero ? CellKind.ZERO_NODE : dead ? CellKind.DEAD_NODE : CellKind.ORDINARY;
            assertThat(Nb201Space.cellKind(arch)).as(arch.canonical()).isEqualTo(expected);
            counts.merge(expected, 1, Integer::sum);
        }
        assertThat(counts.keySet()).containsExactly(CellKind.values()); // every kind occurs
    }

    private static boolean on(Nb201Arch arch, int from, int to) {
        for (int e = 0; e < Nb201Arch.EDGES; e++)
            if (Nb201Space.edgeFrom(e) == from && Nb201Space.edgeTo(e) == to) return arch.op(e) != Nb201Op.NONE;
        throw new AssertionError("no edge " + from + "->" + to);
    }
}
