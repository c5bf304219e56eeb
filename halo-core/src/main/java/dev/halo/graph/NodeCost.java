package dev.halo.graph;

/**
 * The work of one node for one inference.
 *
 * @param macs multiply-accumulates of Conv, ConvTranspose, Gemm, MatMul and attention (0 for other operators)
 * @param flops 2 per MAC, plus a per-element count for other computing operators (1 per output element for
 *     element-wise ops and biases, 2 for BatchNormalization, 3 for Softmax, 5 for the layer/instance/group norms,
 *     one per window element for pooling and reductions); data-movement ops (Reshape, Transpose, Concat, ...)
 *     count 0. A convention, as every FLOP counter has one; MACs are the exact number.
 * @param params elements of the floating-point constants of rank 1 or more the node reads (weights, biases, norm
 *     scales); scalar constants such as an epsilon are not parameters
 * @param buffers elements of constants that are statistics, not parameters (BatchNormalization's running mean and
 *     variance), so that {@code params} matches what PyTorch's {@code parameters()} counts
 * @param bytesIn bytes of the non-constant inputs
 * @param bytesWeights bytes of the constant inputs (weights, shapes, scales)
 * @param bytesOut bytes of the outputs
 */
public record NodeCost(long macs, long flops, long params, long buffers, long bytesIn, long bytesWeights, long bytesOut) {
    public static final NodeCost ZERO = new NodeCost(0, 0, 0, 0, 0, 0, 0);

    /** Bytes a kernel reads and writes at the least: inputs, weights and outputs. */
    public long bytesMoved() {
        return bytesIn + bytesWeights + bytesOut;
    }
}
