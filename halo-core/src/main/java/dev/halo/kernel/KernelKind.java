package dev.halo.kernel;

import dev.halo.graph.TensorShape;
import java.util.Locale;
import java.util.Set;

/**
 * What a kernel does, coarse enough that every kind has many examples in a profiled corpus and fine enough that
 * kernels of one kind share a cost shape: a depthwise convolution is bound by memory, a dense one by arithmetic.
 */
public enum KernelKind {
    CONV_DENSE(Group.DENSE_CONV),
    CONV_POINTWISE(Group.POINTWISE_CONV),
    CONV_DEPTHWISE(Group.SPARSE_CONV),
    CONV_GROUPED(Group.SPARSE_CONV),
    MATMUL(Group.MATMUL),
    ATTENTION(Group.MATMUL),
    POOL(Group.MEMORY),
    NORM(Group.MEMORY),
    SOFTMAX(Group.MEMORY),
    ELEMENTWISE(Group.MEMORY),
    LAYOUT(Group.MEMORY),
    DATA_MOVEMENT(Group.MEMORY);

    /**
     * Kinds pooled for a device's few-shot scales: twelve kinds cannot be fitted from 20 whole-model latencies, five
     * groups that share a bottleneck (dense arithmetic, small-K arithmetic, memory-bound work) can.
     */
    public enum Group {
        DENSE_CONV, POINTWISE_CONV, SPARSE_CONV, MATMUL, MEMORY;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Group group;

    KernelKind(Group group) {
        this.group = group;
    }

    public Group group() {
        return group;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static final Set<String> MATMULS = Set.of("MatMul", "Gemm", "FusedMatMul", "FusedGemm", "MatMulInteger", "QLinearMatMul",
            "MatMulNBits", "Einsum");
    private static final Set<String> ATTENTIONS = Set.of("Attention", "MultiHeadAttention", "GroupQueryAttention");
    private static final Set<String> POOLS = Set.of("MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "LpPool",
            "ReduceMean", "ReduceSum", "ReduceMax");
    private static final Set<String> NORMS = Set.of("BatchNormalization", "LayerNormalization", "SkipLayerNormalization",
            "SimplifiedLayerNormalization", "SkipSimplifiedLayerNormalization", "InstanceNormalization", "GroupNormalization",
            "LpNormalization");
    private static final Set<String> SOFTMAXES = Set.of("Softmax", "LogSoftmax");
    private static final Set<String> LAYOUTS = Set.of("ReorderInput", "ReorderOutput");
    private static final Set<String> MOVES = Set.of("Concat", "Split", "Transpose", "Reshape", "Flatten", "Slice", "Gather",
            "Expand", "Squeeze", "Unsqueeze", "Identity", "Pad", "Shape", "Resize", "Upsample", "Tile", "GatherElements",
            "ScatterND", "DepthToSpace", "SpaceToDepth", "Cast");

    /** The kind of a kernel; operators not listed are element-wise (their cost follows the elements they touch). */
    public static KernelKind of(KernelShape k) {
        String op = k.op().substring(k.op().lastIndexOf(':') + 1);
        if (op.equals("Conv") || op.equals("FusedConv") || op.equals("ConvTranspose") || op.equals("QLinearConv")) return convKind(k);
        if (MATMULS.contains(op)) return MATMUL;
        if (ATTENTIONS.contains(op)) return ATTENTION;
        if (POOLS.contains(op)) return POOL;
        if (NORMS.contains(op)) return NORM;
        if (SOFTMAXES.contains(op)) return SOFTMAX;
        if (LAYOUTS.contains(op)) return LAYOUT;
        if (MOVES.contains(op)) return DATA_MOVEMENT;
        return ELEMENTWISE;
    }

    private static KernelKind convKind(KernelShape k) {
        long group = k.group();
        if (group > 1) {
            TensorShape in = k.firstInput();
            long channels = in != null && in.rank() >= 2 && in.dim(1) > 0 ? in.dim(1) : -1;
            // NCHWc inputs carry channels padded to the block; a depthwise conv has one input channel per group
            TensorShape w = k.weights().isEmpty() ? null : k.weights().get(0);
            boolean oneChannelPerGroup = w != null && w.rank() >= 2 && w.dim(1) == 1;
            return oneChannelPerGroup || group == channels ? CONV_DEPTHWISE : CONV_GROUPED;
        }
        long[] win = k.window();
        return win[0] <= 1 && win[1] <= 1 ? CONV_POINTWISE : CONV_DENSE;
    }
}
