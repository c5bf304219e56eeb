package dev.halo.space;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A NAS-Bench-201 cell: the operation on each of its six edges, in the order of the architecture string
 * {@code |e0~0|+|e1~0|e2~1|+|e3~0|e4~1|e5~2|}, i.e. edges 1←0, 2←0, 2←1, 3←0, 3←1, 3←2 (see
 * {@link Nb201Space#EDGE_FROM} / {@link Nb201Space#EDGE_TO}).
 */
public record Nb201Arch(List<Nb201Op> ops) implements Architecture {
    public static final int EDGES = 6;

    public Nb201Arch {
        ops = List.copyOf(Objects.requireNonNull(ops, "ops"));
        if (ops.size() != EDGES) throw new IllegalArgumentException("a NAS-Bench-201 cell has 6 edges, got " + ops.size());
    }

    public static Nb201Arch of(Nb201Op... ops) {
        return new Nb201Arch(List.of(ops));
    }

    /** The operation on edge {@code edge} (0..5, architecture-string order). */
    public Nb201Op op(int edge) {
        return ops.get(edge);
    }

    /** This cell with edge {@code edge} set to {@code op}. */
    public Nb201Arch with(int edge, Nb201Op op) {
        List<Nb201Op> copy = new ArrayList<>(ops);
        copy.set(edge, Objects.requireNonNull(op));
        return new Nb201Arch(copy);
    }

    @Override
    public String space() {
        return Nb201Space.NAME;
    }

    /** The standard NAS-Bench-201 string {@code |op~0|+|op~0|op~1|+|op~0|op~1|op~2|}. */
    @Override
    public String canonical() {
        StringBuilder sb = new StringBuilder(100);
        int edge = 0;
        for (int node = 1; node <= 3; node++) {
            if (node > 1) sb.append('+');
            sb.append('|');
            for (int from = 0; from < node; from++) sb.append(ops.get(edge++).label()).append('~').append(from).append('|');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return canonical();
    }
}
