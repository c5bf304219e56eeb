package dev.halo.space;

import java.util.ArrayList;
import java.util.List;

/**
 * The NAS-Bench-201 macro skeleton around the searched cell (NAS-Bench-201 "TinyNetwork"):
 * <ol>
 *   <li>stem: conv 3×3 ({@code inputChannels}→{@code stemChannels}, stride 1, no bias) + BN;</li>
 *   <li>per stage: a residual reduction block before every stage but the first, then {@code cellsPerStage} cells;
 *       a reduction block (NAS-Bench-201 {@code ResNetBasicblock}, stride 2) is
 *       ReLU-conv3×3(stride 2)-BN → ReLU-conv3×3-BN, plus a shortcut avg-pool 2×2 (stride 2) → conv 1×1 (no bias),
 *       summed;</li>
 *   <li>a cell op {@code nor_conv_k×k} is ReLU → conv k×k (C→C, stride 1, no bias) → BN; {@code avg_pool_3x3} is
 *       AvgPool 3×3 stride 1 pad 1 ({@code count_include_pad=False}); {@code skip_connect} is identity; {@code none}
 *       is zero; each cell node sums its incoming edges and the cell output is node 3;</li>
 *   <li>head: BN + ReLU, global average pool, linear ({@code lastChannels}→{@code numClasses}, with bias).</li>
 * </ol>
 *
 * @param inputSize     input height = width (32 for CIFAR, 16 for ImageNet16-120)
 * @param inputChannels 3
 * @param stageChannels channels of each stage (16, 32, 64); the stem has {@code stageChannels[0]} channels
 * @param cellsPerStage 5
 * @param numClasses    classifier outputs (10 CIFAR-10, 100 CIFAR-100, 120 ImageNet16-120)
 */
public record Nb201Macro(int inputSize, int inputChannels, List<Integer> stageChannels, int cellsPerStage, int numClasses) {
    public Nb201Macro {
        stageChannels = List.copyOf(stageChannels);
        if (inputSize < 1 || inputChannels < 1 || cellsPerStage < 1 || numClasses < 1 || stageChannels.isEmpty())
            throw new IllegalArgumentException("invalid NAS-Bench-201 macro settings");
        int minSize = 1 << (stageChannels.size() - 1);
        if (inputSize % minSize != 0) throw new IllegalArgumentException("input size " + inputSize + " not divisible by " + minSize);
    }

    /** CIFAR-size network (32×32×3 input) with the standard 16/32/64 channels and 5 cells per stage. */
    public static Nb201Macro cifar(int numClasses) {
        return new Nb201Macro(32, 3, List.of(16, 32, 64), 5, numClasses);
    }

    public static Nb201Macro cifar10() {
        return cifar(10);
    }

    public static Nb201Macro cifar100() {
        return cifar(100);
    }

    /** ImageNet16-120: 16×16 input, 120 classes. */
    public static Nb201Macro imagenet16120() {
        return new Nb201Macro(16, 3, List.of(16, 32, 64), 5, 120);
    }

    /**
     * One stage of the network.
     *
     * @param inChannels channels entering the stage (from the stem or the previous stage)
     * @param channels   channels inside the stage's cells
     * @param stride     stride of the reduction block that opens the stage (1 = no reduction block)
     * @param cells      number of cells
     * @param resolution spatial size inside the stage
     */
    public record Stage(int inChannels, int channels, int stride, int cells, int resolution) {
        public boolean hasReductionBlock() {
            return stride != 1;
        }
    }

    public int stemChannels() {
        return stageChannels.get(0);
    }

    public int lastChannels() {
        return stageChannels.get(stageChannels.size() - 1);
    }

    public List<Stage> stages() {
        List<Stage> out = new ArrayList<>();
        int in = stemChannels();
        int size = inputSize;
        for (int s = 0; s < stageChannels.size(); s++) {
            int stride = s == 0 ? 1 : 2;
            size /= stride;
            out.add(new Stage(in, stageChannels.get(s), stride, cellsPerStage, size));
            in = stageChannels.get(s);
        }
        return List.copyOf(out);
    }
}
