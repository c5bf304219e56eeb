package dev.halo.space;

import java.util.List;

/**
 * The graph form of a NAS-Bench-201 cell that HELP's GCN consumes, after HELP's {@code add_global_node}.
 *
 * <p>{@code adjacency[i][j] == 1} when node {@code j} feeds node {@code i} or {@code i == j} (rows are the
 * receiving node, so a GCN layer computes {@code adjacency · features · W}); the last row is the global node,
 * fed by every node. {@code features[i]} is node {@code i}'s one-hot type. Both are {@value #NODES}×… arrays:
 * adjacency {@value #NODES}×{@value #NODES}, features {@value #NODES}×{@value #FEATURES}.
 *
 * <h2>Why this layout (a reconstruction; HELP's {@code architecture.pt} is not in our data)</h2>
 * <ul>
 *   <li>HELP's GCN has {@code nfeat = 8} and reads the <em>last</em> node's output; {@code add_global_node}
 *       appends one node and one feature column at the end. So the stored matrices have 7 op types, and the
 *       global node is the last row with the last feature column.</li>
 *   <li>HELP issue #2 ("How is the file 'architecture.pt' generated", 2022-12) prints the matrices of arch 0
 *       ({@code |avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|}):
 *       the operation matrix is 9×8 with hot columns 0,1,2,5,2,5,5,6,7 for rows 0..8. So there are 8 cell nodes
 *       (input, the six edge operations, output) plus the global node, the edge-op nodes follow the
 *       architecture-string edge order (1←0, 2←0, 2←1, 3←0, 3←1, 3←2), and the columns are
 *       input, avg_pool_3x3, nor_conv_1x1, [nor_conv_3x3, none], skip_connect, output, global.</li>
 *   <li>That column order is exactly NASLib's NB201 GCN/BONAS encoding ({@code naslib/search_spaces/nasbench201/
 *       encodings.py}: {@code OPS = [avg_pool_3x3, nor_conv_1x1, nor_conv_3x3, none, skip_connect]}, shifted by one
 *       for the input type, output = 6), whose {@code add_global_node} is character-for-character HELP's. That fixes
 *       nor_conv_3x3 = 3 and none = 4, which arch 0 cannot show.</li>
 *   <li>The same printout's adjacency rows 1..3 start with a 1 in column 0: nodes 1, 2 <em>and 3</em> are fed
 *       by the input. In the true cell DAG with string-ordered nodes only nodes 1, 2, 4 are; NASLib's fixed
 *       8×8 matrix (input→1,2,3; 1→4,5; 2→6; 3→7; 4→6; 5→7; 6→7) does feed node 3 from the input. So HELP most
 *       likely combined string-ordered op rows with NASLib's fixed wiring: {@link Wiring#HELP}. The true DAG
 *       is available as {@link Wiring#CELL_DAG} in case HELP's checkpoint disagrees.</li>
 * </ul>
 * Checked against HELP's released checkpoint ({@code Nb201HelpCheckpointTest}): the meta-learned GCN, without
 * any adaptation, ranks the query pool of HELP's unseen devices with Spearman 0.87–0.98 on this encoding and about 0
 * with the op columns in NAS-Bench-201's order. That check cannot tell the two wirings apart (both give the same
 * correlation), so {@link Wiring#HELP} rests on the printed matrix. Node and column positions are the constants
 * below, so a correction is a one-line change.
 */
public record Nb201Graph(double[][] adjacency, double[][] features) {
    /** Nodes after adding the global node: input, six edge ops, output, global. */
    public static final int NODES = 9;
    /** Feature columns after adding the global column. */
    public static final int FEATURES = 8;

    public static final int INPUT_NODE = 0;
    /** Node of edge {@code e} (architecture-string order) is {@code FIRST_EDGE_NODE + e}. */
    public static final int FIRST_EDGE_NODE = 1;
    public static final int OUTPUT_NODE = 7;
    public static final int GLOBAL_NODE = 8;

    public static final int INPUT_COLUMN = 0;
    public static final int OUTPUT_COLUMN = 6;
    public static final int GLOBAL_COLUMN = 7;
    /** Feature column of each op, indexed by {@link Nb201Op#ordinal()}: none 4, skip 5, 1x1 2, 3x3 3, avg 1. */
    static final int[] OP_COLUMN = {4, 5, 2, 3, 1};

    /** Which node feeds which (before the global node), as {from, to} pairs over nodes 0..7. */
    public enum Wiring {
        /** NASLib's fixed NB201 matrix, which HELP's printed arch 0 matches (see the class comment). */
        HELP(new int[][] {{0, 1}, {0, 2}, {0, 3}, {1, 4}, {1, 5}, {2, 6}, {3, 7}, {4, 6}, {5, 7}, {6, 7}}),
        /** The real data flow for string-ordered edge nodes: edge i→j feeds every edge leaving node j. */
        CELL_DAG(cellDag());

        private final int[][] links;

        Wiring(int[][] links) {
            this.links = links;
        }

        public List<int[]> links() {
            return List.of(links);
        }

        private static int[][] cellDag() {
            int[][] out = new int[16][];
            int n = 0;
            for (int e = 0; e < Nb201Arch.EDGES; e++) {
                int node = FIRST_EDGE_NODE + e;
                if (Nb201Space.EDGE_FROM[e] == 0) out[n++] = new int[] {INPUT_NODE, node};
                if (Nb201Space.EDGE_TO[e] == 3) out[n++] = new int[] {node, OUTPUT_NODE};
                for (int f = 0; f < Nb201Arch.EDGES; f++)
                    if (Nb201Space.EDGE_FROM[f] == Nb201Space.EDGE_TO[e]) out[n++] = new int[] {node, FIRST_EDGE_NODE + f};
            }
            return java.util.Arrays.copyOf(out, n);
        }
    }

    /** Value equality over the matrix contents (records compare arrays by identity). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Nb201Graph g && java.util.Arrays.deepEquals(adjacency, g.adjacency) && java.util.Arrays.deepEquals(features, g.features);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.deepHashCode(adjacency) + java.util.Arrays.deepHashCode(features);
    }

    @Override
    public String toString() {
        return "Nb201Graph[adjacency=" + java.util.Arrays.deepToString(adjacency) + ", features=" + java.util.Arrays.deepToString(features) + "]";
    }

    static Nb201Graph of(Nb201Arch arch, Wiring wiring) {
        double[][] adj = new double[NODES][NODES];
        for (int[] link : wiring.links) adj[link[1]][link[0]] = 1;
        for (int i = 0; i < NODES; i++) {
            adj[i][i] = 1;
            adj[GLOBAL_NODE][i] = 1;
        }
        double[][] feat = new double[NODES][FEATURES];
        feat[INPUT_NODE][INPUT_COLUMN] = 1;
        for (int e = 0; e < Nb201Arch.EDGES; e++) feat[FIRST_EDGE_NODE + e][OP_COLUMN[arch.op(e).ordinal()]] = 1;
        feat[OUTPUT_NODE][OUTPUT_COLUMN] = 1;
        feat[GLOBAL_NODE][GLOBAL_COLUMN] = 1;
        return new Nb201Graph(adj, feat);
    }
}
