package dev.halo.search;

import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;

/**
 * NAS-Bench-201 as six genes, one per cell edge in the standard string's order (node1←0, node2←0, node2←1,
 * node3←0, node3←1, node3←2), each one of the five operations in the benchmark's order. It builds the
 * standard arch string and lets the space parse it, so it needs nothing of the space but its parser.
 */
final class Nb201Encoding<A extends Architecture> implements IntegerEncoding<A> {
    static final String SPACE = "nasbench201";
    private static final String[] OPS = {"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"};
    private static final int[] INPUT_NODE = {0, 0, 1, 0, 1, 2};

    private final SearchSpace<A> space;

    Nb201Encoding(SearchSpace<A> space) {
        this.space = space;
    }

    @Override
    public int[] cardinalities() {
        return new int[] {5, 5, 5, 5, 5, 5};
    }

    @Override
    public A decode(int[] genes) {
        StringBuilder sb = new StringBuilder("|");
        for (int e = 0; e < 6; e++) {
            sb.append(OPS[genes[e]]).append('~').append(INPUT_NODE[e]).append('|');
            if (e == 0 || e == 2) sb.append("+|");
        }
        return space.parse(sb.toString());
    }
}
