package dev.halo.space;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** An FBNet architecture: one {@link FbnetBlock} per searchable layer (22 layers). */
public record FbnetArch(List<FbnetBlock> blocks) implements Architecture {
    public static final int LAYERS = 22;

    public FbnetArch {
        blocks = List.copyOf(Objects.requireNonNull(blocks, "blocks"));
        if (blocks.size() != LAYERS) throw new IllegalArgumentException("an FBNet arch has 22 layers, got " + blocks.size());
    }

    public FbnetBlock block(int layer) {
        return blocks.get(layer);
    }

    public FbnetArch with(int layer, FbnetBlock block) {
        List<FbnetBlock> copy = new ArrayList<>(blocks);
        copy.set(layer, Objects.requireNonNull(block));
        return new FbnetArch(copy);
    }

    @Override
    public String space() {
        return FbnetSpace.NAME;
    }

    /** The 22-digit op-index string ({@code op_idx_str} in HELP's table), one digit per layer. */
    @Override
    public String canonical() {
        StringBuilder sb = new StringBuilder(LAYERS);
        for (FbnetBlock b : blocks) sb.append((char) ('0' + b.index()));
        return sb.toString();
    }

    /** The op-name form, e.g. {@code k5_e6,skip,k3_e1_g2,...}. */
    public String labels() {
        StringBuilder sb = new StringBuilder();
        for (FbnetBlock b : blocks) {
            if (!sb.isEmpty()) sb.append(',');
            sb.append(b.label());
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return canonical();
    }
}
