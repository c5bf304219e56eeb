package dev.halo.space;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The nine FBNet candidate blocks, in HW-NAS-Bench's order (the index is the digit in {@code op_idx_str}).
 * {@code kK_eE[_g2]}: inverted residual 1×1 (groups g) → depthwise K×K → 1×1 (groups g), expansion E.
 */
public enum FbnetBlock {
    K3_E1("k3_e1", 3, 1, 1),
    K3_E1_G2("k3_e1_g2", 3, 1, 2),
    K3_E3("k3_e3", 3, 3, 1),
    K3_E6("k3_e6", 3, 6, 1),
    K5_E1("k5_e1", 5, 1, 1),
    K5_E1_G2("k5_e1_g2", 5, 1, 2),
    K5_E3("k5_e3", 5, 3, 1),
    K5_E6("k5_e6", 5, 6, 1),
    /** Identity, or 1×1 conv + BN + ReLU where the layer changes channels or stride. */
    SKIP("skip", 0, 0, 0);

    private static final List<FbnetBlock> ALL = List.of(values());

    private final String label;
    private final int kernel;
    private final int expansion;
    private final int groups;

    FbnetBlock(String label, int kernel, int expansion, int groups) {
        this.label = label;
        this.kernel = kernel;
        this.expansion = expansion;
        this.groups = groups;
    }

    public String label() {
        return label;
    }

    /** Depthwise kernel size (0 for skip). */
    public int kernel() {
        return kernel;
    }

    /** Expansion ratio (0 for skip). */
    public int expansion() {
        return expansion;
    }

    /** Groups of the two 1×1 convolutions (0 for skip). */
    public int groups() {
        return groups;
    }

    public boolean isSkip() {
        return this == SKIP;
    }

    /** The digit used in HW-NAS-Bench / HELP op-index strings. */
    public int index() {
        return ordinal();
    }

    public static List<FbnetBlock> all() {
        return ALL;
    }

    public static Optional<FbnetBlock> byLabel(String label) {
        for (FbnetBlock b : ALL) if (b.label.equals(label)) return Optional.of(b);
        return Optional.empty();
    }

    static String allowed() {
        return ALL.stream().map(b -> b.index() + "=" + b.label).collect(Collectors.joining(", "));
    }
}
