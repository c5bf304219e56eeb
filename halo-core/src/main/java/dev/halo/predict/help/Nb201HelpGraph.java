package dev.halo.predict.help;

import java.util.List;

/**
 * HELP's graph encoding of a NAS-Bench-201 cell (the layout of MetaD2A, by the same authors): every edge
 * operation becomes a node, so the cell is an 8-node DAG {@code input, e(1←0), e(2←0), e(2←1), e(3←0),
 * e(3←1), e(3←2), output}, plus a global node (index 8) that every node feeds; node features are a one-hot
 * over 7 node types plus a "global" flag (8 features). The adjacency is transposed and has self-loops, so row
 * j of the matrix lists the nodes node j sums over, the layout {@link dev.halo.nn.GraphConvolution} expects.
 *
 * <p>The node-type order is not recoverable from the released data (HELP's {@code architecture.pt} is not
 * shipped). {@link #HELP_CHECKPOINT_ORDER} is the order under which HELP's released NB201 checkpoint ranks
 * best, found by searching all 120 orders of the five ops (input first, output last) and scoring each on
 * meta-train and meta-valid devices only (1080ti_1, silver_4114, titanx_256, gold_6240), never on the
 * meta-test devices; see docs/results/help.md. A model trained by halo records its order in its file.
 */
public record Nb201HelpGraph(List<String> typeOrder) {
    /** The order that fits HELP's released checkpoint (selected on meta-train/valid devices). */
    public static final List<String> HELP_CHECKPOINT_ORDER =
            List.of("input", "avg_pool_3x3", "nor_conv_1x1", "nor_conv_3x3", "none", "skip_connect", "output");
    /** MetaD2A's node-type order (tested; fits the checkpoint worse). */
    public static final List<String> METAD2A_ORDER =
            List.of("input", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3", "skip_connect", "none", "output");
    /** NAS-Bench-201's own op order with input/output around it (the alternative we tested). */
    public static final List<String> NB201_ORDER =
            List.of("input", "none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3", "output");

    public static final int NODES = 9, FEATURES = 8;
    /** Cell DAG edges between the 8 op nodes: (from, to). */
    private static final int[][] EDGES = {{0, 1}, {0, 2}, {0, 4}, {1, 3}, {1, 5}, {2, 6}, {3, 6}, {4, 7}, {5, 7}, {6, 7}};

    public static Nb201HelpGraph helpDefault() {
        return new Nb201HelpGraph(HELP_CHECKPOINT_ORDER);
    }

    /**
     * Writes one architecture's features ({@code 9 × 8}) and adjacency ({@code 9 × 9}) at {@code offset}
     * graphs into the two arrays.
     *
     * @param edgeOps the six edge ops in NAS-Bench-201 string order: 1←0, 2←0, 2←1, 3←0, 3←1, 3←2
     */
    void encode(List<String> edgeOps, double[] features, double[] adjacency, int offset) {
        if (edgeOps.size() != 6) throw new IllegalArgumentException("NB201 cell needs 6 edge ops, got " + edgeOps);
        int fo = offset * NODES * FEATURES, ao = offset * NODES * NODES;
        String[] types = new String[8];
        types[0] = "input";
        types[7] = "output";
        for (int i = 0; i < 6; i++) types[i + 1] = edgeOps.get(i);
        for (int node = 0; node < 8; node++) {
            int t = typeOrder.indexOf(types[node]);
            if (t < 0) throw new IllegalArgumentException("unknown NB201 op " + types[node]);
            features[fo + node * FEATURES + t] = 1;
        }
        features[fo + 8 * FEATURES + 7] = 1;
        for (int[] e : EDGES) adjacency[ao + e[1] * NODES + e[0]] = 1;
        for (int node = 0; node < NODES; node++) {
            adjacency[ao + node * NODES + node] = 1;
            adjacency[ao + 8 * NODES + node] = 1;
        }
    }

    public HelpInputs.Graphs encodeAll(List<List<String>> archs) {
        double[] f = new double[archs.size() * NODES * FEATURES], a = new double[archs.size() * NODES * NODES];
        for (int i = 0; i < archs.size(); i++) encode(archs.get(i), f, a, i);
        return new HelpInputs.Graphs(dev.halo.nn.Tensor.of(f, archs.size(), NODES, FEATURES), dev.halo.nn.Tensor.of(a, archs.size(), NODES, NODES));
    }
}
