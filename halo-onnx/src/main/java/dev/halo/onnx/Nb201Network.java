package dev.halo.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The NAS-Bench-201 CIFAR network of one cell genotype, as NAS-Bench-201's inference network builds it: a 3x3 stem
 * (16 channels) with batch norm, three stages of five cells (16, 32, 64 channels) joined by two residual reduction
 * blocks, then batch norm, ReLU, global average pooling and a 10-way linear classifier, on a 32x32 input.
 *
 * <p>A cell has four nodes; node {@code j} is the sum of {@code op(i -> j)} over the earlier nodes {@code i}. Edges
 * are given in NAS-Bench-201's string order: {@code 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2}. A {@code none} edge
 * contributes nothing; a node whose edges are all {@code none} is the zero tensor (PyTorch multiplies by zero), and
 * operations reading it are still computed, as in the original network.
 */
public final class Nb201Network {
    public static final List<String> OPS = List.of("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3");
    /** Source node of each of the six edges, in string order. */
    private static final int[] EDGE_FROM = {0, 0, 1, 0, 1, 2};
    /** Target node of each of the six edges, in string order. */
    private static final int[] EDGE_TO = {1, 2, 2, 3, 3, 3};

    private static final int STEM_CHANNELS = 16;
    private static final int CELLS_PER_STAGE = 5;
    private static final int CLASSES = 10;
    private static final int RESOLUTION = 32;

    private Nb201Network() {}

    /**
     * Exports the network of the cell whose six edge operations are {@code edgeOps} (names from {@link #OPS}).
     *
     * @param batch fixed batch size
     * @param seed seed of the random weights
     */
    public static OnnxNetwork export(List<String> edgeOps, int batch, long seed) {
        return export(edgeOps, new OnnxGraphBuilder(batch, seed));
    }

    /** Exports into {@code b} (e.g. a {@link OnnxGraphBuilder#structureOnly structure-only} builder). */
    public static OnnxNetwork export(List<String> edgeOps, OnnxGraphBuilder b) {
        if (edgeOps.size() != EDGE_FROM.length)
            throw new IllegalArgumentException("a NAS-Bench-201 cell has 6 edges, got " + edgeOps.size());
        for (String op : edgeOps)
            if (!Set.copyOf(OPS).contains(op)) throw new IllegalArgumentException("unknown NAS-Bench-201 op " + op);
        Tensor x = b.input(3, RESOLUTION, RESOLUTION);
        x = b.batchNorm(b.conv(x, STEM_CHANNELS, 3, 1, 1));
        int channels = STEM_CHANNELS;
        for (int stage = 0; stage < 3; stage++) {
            if (stage > 0) {
                channels *= 2;
                x = reductionBlock(b, x, channels);
            }
            for (int cell = 0; cell < CELLS_PER_STAGE; cell++) x = cell(b, x, edgeOps);
        }
        x = b.relu(b.batchNorm(x));
        x = b.linear(b.flatten(b.globalAvgPool(x)), CLASSES);
        return b.build(x, "NAS-Bench-201 CIFAR network, cell " + String.join(",", edgeOps));
    }

    /** NAS-Bench-201's ResNet basic block with stride 2: two ReLU-conv-BN and an avg-pool + 1x1 conv shortcut. */
    private static Tensor reductionBlock(OnnxGraphBuilder b, Tensor x, int outChannels) {
        Tensor a = reluConvBn(b, x, outChannels, 3, 2);
        Tensor c = reluConvBn(b, a, outChannels, 3, 1);
        Tensor shortcut = b.conv(b.avgPool(x, 2, 2, 0, true), outChannels, 1, 1, 1);
        return b.add(shortcut, c);
    }

    private static Tensor cell(OnnxGraphBuilder b, Tensor input, List<String> edgeOps) {
        List<Tensor> nodes = new ArrayList<>(List.of(input));
        for (int node = 1; node <= 3; node++) {
            List<Tensor> terms = new ArrayList<>();
            for (int e = 0; e < edgeOps.size(); e++) {
                if (EDGE_TO[e] != node) continue;
                Tensor from = nodes.get(EDGE_FROM[e]);
                switch (edgeOps.get(e)) {
                    case "none" -> {}
                    case "skip_connect" -> terms.add(from);
                    case "nor_conv_1x1" -> terms.add(reluConvBn(b, from, from.channels(), 1, 1));
                    case "nor_conv_3x3" -> terms.add(reluConvBn(b, from, from.channels(), 3, 1));
                    case "avg_pool_3x3" -> terms.add(b.avgPool(from, 3, 1, 1, false));
                    default -> throw new IllegalStateException("unreachable: op checked above");
                }
            }
            nodes.add(terms.isEmpty()
                    ? b.zerosLike(input)
                    : b.add(terms.getFirst(), terms.subList(1, terms.size()).toArray(Tensor[]::new)));
        }
        return nodes.get(3);
    }

    private static Tensor reluConvBn(OnnxGraphBuilder b, Tensor x, int outChannels, int kernel, int stride) {
        return b.batchNorm(b.conv(b.relu(x), outChannels, kernel, stride, 1));
    }
}
