package dev.halo.onnx;

import dev.halo.space.Architecture;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Macro;
import dev.halo.space.Nb201Op;
import dev.halo.space.Nb201Space;
import java.util.ArrayList;
import java.util.List;

/**
 * The NAS-Bench-201 network of a cell, as NAS-Bench-201's inference network builds it (see {@link Nb201Macro}): a 3x3
 * stem with batch norm, stages of cells joined by residual reduction blocks, then batch norm, ReLU, global average
 * pooling and a linear classifier.
 *
 * <p>Node {@code j} of a cell is the sum of {@code op(i -> j)} over the earlier nodes {@code i}. A {@code none} edge
 * contributes nothing; a node whose edges are all {@code none} is the zero tensor (PyTorch multiplies by zero), and
 * operations reading it are still computed, as in the original network. So are operations whose result no later
 * node reads: ONNX Runtime keeps such nodes even at optimisation level ALL (checked by a test; on the 2-vCPU dev VM,
 * 1 thread, the network whose cells have two such 3x3 convs ran in 1.27 ms, the same network without them in 0.15 ms).
 */
public final class Nb201Network implements NetworkExporter {
    private final Nb201Macro macro;

    public Nb201Network(Nb201Macro macro) {
        this.macro = macro;
    }

    /** The CIFAR-10 network HELP's NAS-Bench-201 latencies were measured on. */
    public static Nb201Network cifar10() {
        return new Nb201Network(Nb201Macro.cifar10());
    }

    @Override
    public String space() {
        return Nb201Space.NAME;
    }

    @Override
    public OnnxNetwork export(Architecture arch, OnnxGraphBuilder b) {
        Nb201Arch cell = (Nb201Arch) arch;
        Tensor x = b.input(macro.inputChannels(), macro.inputSize(), macro.inputSize());
        x = b.batchNorm(b.conv(x, macro.stemChannels(), 3, 1, 1));
        for (Nb201Macro.Stage stage : macro.stages()) {
            if (stage.hasReductionBlock()) x = reductionBlock(b, x, stage.channels(), stage.stride());
            for (int i = 0; i < stage.cells(); i++) x = cell(b, x, cell);
        }
        x = b.relu(b.batchNorm(x));
        x = b.linear(b.flatten(b.globalAvgPool(x)), macro.numClasses());
        return b.build(x, "NAS-Bench-201 network, cell " + cell.canonical());
    }

    /** NAS-Bench-201's ResNet basic block: two ReLU-conv-BN and an avg-pool + 1x1 conv shortcut. */
    private static Tensor reductionBlock(OnnxGraphBuilder b, Tensor x, int outChannels, int stride) {
        Tensor a = reluConvBn(b, x, outChannels, 3, stride);
        Tensor c = reluConvBn(b, a, outChannels, 3, 1);
        Tensor shortcut = b.conv(b.avgPool(x, 2, 2, 0, true), outChannels, 1, 1, 1);
        return b.add(shortcut, c);
    }

    private static Tensor cell(OnnxGraphBuilder b, Tensor input, Nb201Arch arch) {
        List<Tensor> nodes = new ArrayList<>(List.of(input));
        for (int node = 1; node <= 3; node++) {
            List<Tensor> terms = new ArrayList<>();
            for (int e = 0; e < Nb201Arch.EDGES; e++) {
                if (Nb201Space.edgeTo(e) != node) continue;
                Tensor from = nodes.get(Nb201Space.edgeFrom(e));
                Nb201Op op = arch.op(e);
                switch (op) {
                    case NONE -> {}
                    case SKIP_CONNECT -> terms.add(from);
                    case NOR_CONV_1X1, NOR_CONV_3X3 -> terms.add(reluConvBn(b, from, from.channels(), op.convKernel(), 1));
                    case AVG_POOL_3X3 -> terms.add(b.avgPool(from, 3, 1, 1, false));
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
