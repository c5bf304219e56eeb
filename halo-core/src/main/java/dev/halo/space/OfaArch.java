package dev.halo.space;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An OFA-MobileNetV3 subnet: input resolution, active depth per stage, and kernel size / expand ratio per block
 * slot (5 stages × 4 slots). Slot {@code j} (0-based) belongs to stage {@code j / 4} and is active iff
 * {@code j % 4 < depths[j / 4]}.
 *
 * <p>Inactive slots do not exist in the network, so they are stored as 0: two configurations that differ only in
 * inactive slots (as OFA's full 20-value lists can) are the same architecture and compare equal.
 */
public record OfaArch(int resolution, List<Integer> depths, List<Integer> kernels, List<Integer> expands) implements Architecture {
    public static final int STAGES = 5;
    public static final int SLOTS_PER_STAGE = 4;
    public static final int SLOTS = STAGES * SLOTS_PER_STAGE;

    /** Validates and masks: values of inactive slots are replaced by 0. */
    public OfaArch {
        Objects.requireNonNull(depths, "depths");
        Objects.requireNonNull(kernels, "kernels");
        Objects.requireNonNull(expands, "expands");
        if (!OfaSpace.RESOLUTIONS.contains(resolution)) throw new IllegalArgumentException("resolution " + resolution + " not in 128..224 step 4");
        if (depths.size() != STAGES || kernels.size() != SLOTS || expands.size() != SLOTS)
            throw new IllegalArgumentException("need 5 depths and 20 kernels/expands");
        List<Integer> k = new ArrayList<>(SLOTS);
        List<Integer> e = new ArrayList<>(SLOTS);
        for (int d : depths) if (!OfaSpace.DEPTHS.contains(d)) throw new IllegalArgumentException("depth " + d + " not in {2,3,4}");
        for (int slot = 0; slot < SLOTS; slot++) {
            boolean active = slot % SLOTS_PER_STAGE < depths.get(slot / SLOTS_PER_STAGE);
            int ks = kernels.get(slot);
            int ex = expands.get(slot);
            if (active && !OfaSpace.KERNELS.contains(ks)) throw new IllegalArgumentException("slot " + slot + ": kernel " + ks + " not in {3,5,7}");
            if (active && !OfaSpace.EXPANDS.contains(ex)) throw new IllegalArgumentException("slot " + slot + ": expand " + ex + " not in {3,4,6}");
            k.add(active ? ks : 0);
            e.add(active ? ex : 0);
        }
        depths = List.copyOf(depths);
        kernels = List.copyOf(k);
        expands = List.copyOf(e);
    }

    public boolean active(int slot) {
        return slot % SLOTS_PER_STAGE < depths.get(slot / SLOTS_PER_STAGE);
    }

    public int depth(int stage) {
        return depths.get(stage);
    }

    /** Kernel size of {@code slot}, 0 if the slot is inactive. */
    public int kernel(int slot) {
        return kernels.get(slot);
    }

    /** Expand ratio of {@code slot}, 0 if the slot is inactive. */
    public int expand(int slot) {
        return expands.get(slot);
    }

    /** Number of active blocks (sum of depths). */
    public int activeBlocks() {
        return depths.stream().mapToInt(Integer::intValue).sum();
    }

    @Override
    public String space() {
        return OfaSpace.NAME;
    }

    /**
     * {@code r<res>_d<5 depths>_ks<20 kernels>_e<20 expands>} with {@code -} in inactive slots, e.g.
     * {@code r204_d22223_ks75--77--57--53--535-_e64--63--36--36--643-} (HELP's table writes arbitrary digits there,
     * which parse to the same architecture).
     */
    @Override
    public String canonical() {
        StringBuilder sb = new StringBuilder(60).append('r').append(resolution).append("_d");
        for (int d : depths) sb.append(d);
        sb.append("_ks");
        for (int k : kernels) sb.append(k == 0 ? '-' : (char) ('0' + k));
        sb.append("_e");
        for (int e : expands) sb.append(e == 0 ? '-' : (char) ('0' + e));
        return sb.toString();
    }

    @Override
    public String toString() {
        return canonical();
    }
}
