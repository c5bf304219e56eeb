package dev.halo.space;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The five NAS-Bench-201 edge operations, declared in NAS-Bench-201's own order (the order its generator enumerates). */
public enum Nb201Op {
    NONE("none", "zero"),
    SKIP_CONNECT("skip_connect", "skip"),
    NOR_CONV_1X1("nor_conv_1x1", "conv1x1"),
    NOR_CONV_3X3("nor_conv_3x3", "conv3x3"),
    AVG_POOL_3X3("avg_pool_3x3", "avgpool");

    private static final List<Nb201Op> ALL = List.of(values());

    private final String label;
    private final String shortName;

    Nb201Op(String label, String shortName) {
        this.label = label;
        this.shortName = shortName;
    }

    /** The name used in NAS-Bench-201 architecture strings. */
    public String label() {
        return label;
    }

    /** A short alias accepted by the parser. */
    public String shortName() {
        return shortName;
    }

    /** Convolution kernel size, or 0 for parameter-free operations. */
    public int convKernel() {
        return switch (this) {
            case NOR_CONV_1X1 -> 1;
            case NOR_CONV_3X3 -> 3;
            default -> 0;
        };
    }

    public static List<Nb201Op> all() {
        return ALL;
    }

    /** Finds an op by label or short alias (case-sensitive labels, as in NAS-Bench-201 strings). */
    public static Optional<Nb201Op> byName(String name) {
        for (Nb201Op op : ALL) if (op.label.equals(name) || op.shortName.equals(name)) return Optional.of(op);
        return Optional.empty();
    }

    static String allowed() {
        return Arrays.stream(values()).map(Nb201Op::label).collect(Collectors.joining(", "));
    }
}
