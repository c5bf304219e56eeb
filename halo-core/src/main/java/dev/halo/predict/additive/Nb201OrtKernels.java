package dev.halo.predict.additive;

import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Macro;
import dev.halo.space.Nb201Op;
import dev.halo.space.Nb201Space;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The kernels ONNX Runtime (1.23, CPU execution provider, optimisation level ALL) runs for halo's exported
 * NAS-Bench-201 network, worked out from the cell string in about 0.1 ms instead of a 20-90 ms ORT session per
 * architecture. It builds the network node by node as halo's exporter does ({@code Nb201Network} in halo-onnx: a
 * zero node is {@code x · 0} of the cell input, operations reading it and operations nobody reads are kept) and then
 * applies, in ORT's order, the graph rewrites that change which kernels run on this network:
 * <ol>
 *   <li>constant sharing and common-subexpression elimination: nodes with the same operator, attributes and inputs
 *       are one node (ReLUs, pools and zero products of one tensor, within a cell and, where a cell's output is its
 *       input, across cells and into the reduction block);</li>
 *   <li>Conv+BatchNormalization folding wherever a convolution's only consumer is a batch norm (also the head's batch
 *       norm when the last cell ends in a convolution), likewise a zero product into the convolution it reads, then
 *       Conv+ReLU fusion;</li>
 *   <li>the NCHWc transformer (x86-64 CPUs, where ORT's MLAS has a blocked layout; elsewhere it does not run and this
 *       model does not apply, which onboarding checks before using it): convolutions and
 *       pools run blocked, an Add, ReLU or global pool whose inputs are all blocked stays blocked, a blocked
 *       convolution used once absorbs an Add ("Sum") and then a ReLU, and every tensor that crosses between the
 *       layouts gets one ReorderInput or ReorderOutput. The zero product is never blocked (its second input is a
 *       constant), which is why a zero node costs reorders.</li>
 * </ol>
 * Kernel kinds are named as {@code dev.halo.measure.ExecutedKernels#kind} names them (domain suffix, operator,
 * window), so the two can be compared one to one; a halo-onnx test does that against ORT's own optimised graph.
 */
public final class Nb201OrtKernels {
    private Nb201OrtKernels() {}

    private enum Op {
        INPUT, CONV, BATCH_NORM, RELU, ADD, MUL_ZERO, AVG_POOL, GLOBAL_AVG_POOL, FLATTEN, GEMM
    }

    /** One node of the network; its single output is identified with the node. */
    private static final class Node {
        final int id;
        final Op op;
        final int window;
        final String attributes;
        final List<Node> inputs;
        final int inputChannels;
        /** The live nodes reading this node's output, once per input slot (linked once the common subexpressions are gone). */
        final List<Node> consumers = new ArrayList<>();
        boolean removed;
        boolean blocked;
        boolean activation;
        boolean sum;

        Node(int id, Op op, int window, String attributes, List<Node> inputs, int inputChannels) {
            this.id = id;
            this.op = op;
            this.window = window;
            this.attributes = attributes;
            this.inputs = new ArrayList<>(inputs);
            this.inputChannels = inputChannels;
        }

        /** Convolutions, batch norms and the classifier carry their own weights, so no two of them are alike. */
        boolean hasWeights() {
            return op == Op.CONV || op == Op.BATCH_NORM || op == Op.GEMM;
        }
    }

    /** The network as halo's exporter builds it, node by node in creation (so topological) order. */
    private static final class Network {
        final List<Node> nodes = new ArrayList<>();

        Node add(Op op, int window, String attributes, int inputChannels, Node... inputs) {
            Node n = new Node(nodes.size(), op, window, attributes, List.of(inputs), inputChannels);
            nodes.add(n);
            return n;
        }

        Node conv(Node x, int inChannels, int kernel, int stride) {
            return add(Op.CONV, kernel, "s" + stride, inChannels, x);
        }

        Node reluConvBn(Node x, int inChannels, int kernel, int stride) {
            return add(Op.BATCH_NORM, 0, "", 0, conv(add(Op.RELU, 0, "", 0, x), inChannels, kernel, stride));
        }

        Node sum(List<Node> terms) {
            Node s = terms.getFirst();
            for (Node t : terms.subList(1, terms.size())) s = add(Op.ADD, 0, "", 0, s, t);
            return s;
        }
    }

    private static Network export(Nb201Macro macro, Nb201Arch cell) {
        Network g = new Network();
        Node x = g.add(Op.INPUT, 0, "", 0);
        x = g.add(Op.BATCH_NORM, 0, "", 0, g.conv(x, macro.inputChannels(), 3, 1));
        for (Nb201Macro.Stage stage : macro.stages()) {
            if (stage.hasReductionBlock()) {
                Node a = g.reluConvBn(x, stage.inChannels(), 3, stage.stride());
                Node c = g.reluConvBn(a, stage.channels(), 3, 1);
                Node shortcut = g.conv(g.add(Op.AVG_POOL, 2, "s2p0inclusive", 0, x), stage.inChannels(), 1, 1);
                x = g.sum(List.of(shortcut, c));
            }
            for (int i = 0; i < stage.cells(); i++) x = cell(g, x, cell, stage.channels());
        }
        x = g.add(Op.RELU, 0, "", 0, g.add(Op.BATCH_NORM, 0, "", 0, x));
        g.add(Op.GEMM, 0, "", 0, g.add(Op.FLATTEN, 0, "", 0, g.add(Op.GLOBAL_AVG_POOL, 0, "", 0, x)));
        return g;
    }

    private static Node cell(Network g, Node input, Nb201Arch arch, int channels) {
        List<Node> nodes = new ArrayList<>(List.of(input));
        for (int to = 1; to <= 3; to++) {
            List<Node> terms = new ArrayList<>();
            for (int e = 0; e < Nb201Arch.EDGES; e++) {
                if (Nb201Space.edgeTo(e) != to) continue;
                Node from = nodes.get(Nb201Space.edgeFrom(e));
                Nb201Op op = arch.op(e);
                switch (op) {
                    case NONE -> {}
                    case SKIP_CONNECT -> terms.add(from);
                    case NOR_CONV_1X1, NOR_CONV_3X3 -> terms.add(g.reluConvBn(from, channels, op.convKernel(), 1));
                    case AVG_POOL_3X3 -> terms.add(g.add(Op.AVG_POOL, 3, "s1p1exclusive", 0, from));
                }
            }
            // all zero scalars become one initializer (constant sharing), so the product depends on the input alone
            nodes.add(terms.isEmpty() ? g.add(Op.MUL_ZERO, 0, "", 0, input) : g.sum(terms));
        }
        return nodes.get(3);
    }

    /** Kernel kind → how many such kernels ONNX Runtime runs for {@code cell}'s network. */
    public static Map<String, Integer> count(Nb201Macro macro, Nb201Arch cell) {
        Network g = export(macro, cell);
        eliminateCommonSubexpressions(g);
        linkConsumers(g);
        foldIntoConvolutions(g);
        fuseConvRelu(g);
        int[] reorders = blockLayout(g);
        Map<String, Integer> counts = new TreeMap<>();
        for (Node n : g.nodes) if (!n.removed && n.op != Op.INPUT) counts.merge(kind(n), 1, Integer::sum);
        if (reorders[0] > 0) counts.put("nchwc.ReorderInput", reorders[0]);
        if (reorders[1] > 0) counts.put("nchwc.ReorderOutput", reorders[1]);
        return counts;
    }

    private static String kind(Node n) {
        String blocked = n.blocked ? "nchwc." : "";
        return switch (n.op) {
            case CONV -> blocked + "Conv_k" + n.window;
            case AVG_POOL -> blocked + "AveragePool_k" + n.window;
            case GLOBAL_AVG_POOL -> blocked + "GlobalAveragePool";
            case BATCH_NORM -> "BatchNormalization";
            case RELU -> "Relu";
            case ADD -> "Add";
            case MUL_ZERO -> "Mul";
            case FLATTEN -> "Flatten";
            case GEMM -> "Gemm";
            case INPUT -> throw new IllegalStateException("the graph input is no kernel");
        };
    }

    /** Removes {@code old}, one of whose inputs is {@code by}; what read {@code old} reads {@code by}. */
    private static void replace(Node old, Node by) {
        old.removed = true;
        for (Node i : old.inputs) i.consumers.remove(old);
        for (Node c : old.consumers) c.inputs.replaceAll(i -> i == old ? by : i);
        by.consumers.addAll(old.consumers);
        old.consumers.clear();
    }

    /** Equal operator, attributes and inputs (in order) make one node, as ORT's common-subexpression elimination does. */
    private static void eliminateCommonSubexpressions(Network g) {
        Map<String, Node> seen = new HashMap<>();
        Map<Node, Node> duplicateOf = new HashMap<>();
        for (Node n : g.nodes) {
            if (n.op == Op.INPUT) continue;
            n.inputs.replaceAll(i -> duplicateOf.getOrDefault(i, i)); // inputs come earlier in topological order
            StringBuilder key = new StringBuilder(n.op.name()).append('/').append(n.window).append('/').append(n.attributes);
            if (n.hasWeights()) key.append("/own").append(n.id);
            for (Node i : n.inputs) key.append('/').append(i.id);
            Node first = seen.putIfAbsent(key.toString(), n);
            if (first != null) {
                n.removed = true;
                duplicateOf.put(n, first);
            }
        }
    }

    private static void linkConsumers(Network g) {
        for (Node n : g.nodes) if (!n.removed) for (Node i : n.inputs) i.consumers.add(n);
    }

    /**
     * A batch norm or a product with a constant whose input is a convolution used by nothing else becomes part of that
     * convolution's weights and bias (ORT's ConvBNFusion and ConvMulFusion). The zero product folds only where the cell
     * reads its input through nothing else, i.e. in cells whose output does not depend on their input.
     */
    private static void foldIntoConvolutions(Network g) {
        for (Node n : g.nodes)
            if (!n.removed && (n.op == Op.BATCH_NORM || n.op == Op.MUL_ZERO) && n.inputs.getFirst().op == Op.CONV && n.inputs.getFirst().consumers.size() == 1)
                replace(n, n.inputs.getFirst());
    }

    /** A ReLU whose input is a convolution used by nothing else runs inside that convolution. */
    private static void fuseConvRelu(Network g) {
        for (Node n : g.nodes) {
            Node producer = n.inputs.isEmpty() ? null : n.inputs.getFirst();
            if (!n.removed && n.op == Op.RELU && producer.op == Op.CONV && !producer.activation && producer.consumers.size() == 1) {
                producer.activation = true;
                replace(n, producer);
            }
        }
    }

    /** A blocked tensor: the node whose kernel writes it, how many input slots read the original, how many still do. */
    private static final class Blocked {
        final Node writer;
        final int startingUses;
        int remainingUses;

        Blocked(Node writer, int uses) {
            this.writer = writer;
            this.startingUses = uses;
            this.remainingUses = uses;
        }
    }

    /**
     * ORT's NCHWc transformer over the live nodes in topological order; returns {ReorderInput, ReorderOutput} counts.
     * A tensor read in the plain layout by blocked kernels is reordered once however many read it; a blocked tensor
     * still read in the plain layout is reordered back once.
     */
    private static int[] blockLayout(Network g) {
        Map<Node, Blocked> blocked = new HashMap<>();
        Set<Node> reorderedInputs = new LinkedHashSet<>();
        for (Node n : g.nodes) {
            if (n.removed) continue;
            switch (n.op) {
                case CONV, AVG_POOL -> {
                    Node in = n.inputs.getFirst();
                    // a convolution with fewer input channels than a block (the stem) reads the plain input directly
                    boolean readsPlain = n.op == Op.CONV && n.inputChannels < 8;
                    if (!readsPlain) {
                        Blocked b = blocked.get(in);
                        if (b != null) b.remainingUses--;
                        else reorderedInputs.add(in);
                    }
                    n.blocked = true;
                    blocked.put(n, new Blocked(n, n.consumers.size()));
                }
                case ADD -> {
                    if (!n.inputs.stream().allMatch(blocked::containsKey)) continue;
                    List<Blocked> ins = n.inputs.stream().map(blocked::get).toList();
                    ins.forEach(b -> b.remainingUses--);
                    Blocked into = null;
                    for (Blocked b : ins)
                        if (into == null && b.writer.op == Op.CONV && !b.writer.sum && !b.writer.activation && b.startingUses == 1) into = b;
                    if (into != null) {
                        into.writer.sum = true;
                        n.removed = true;
                        blocked.put(n, new Blocked(into.writer, n.consumers.size()));
                    } else {
                        blocked.put(n, new Blocked(n, n.consumers.size()));
                    }
                }
                case RELU -> {
                    Blocked b = blocked.get(n.inputs.getFirst());
                    if (b == null) continue;
                    b.remainingUses--;
                    if (b.writer.op == Op.CONV && !b.writer.activation && b.startingUses == 1) {
                        b.writer.activation = true;
                        n.removed = true;
                        blocked.put(n, new Blocked(b.writer, n.consumers.size()));
                    } else {
                        blocked.put(n, new Blocked(n, n.consumers.size()));
                    }
                }
                case GLOBAL_AVG_POOL -> {
                    Blocked b = blocked.get(n.inputs.getFirst());
                    if (b == null) continue;
                    b.remainingUses--;
                    n.blocked = true;
                    blocked.put(n, new Blocked(n, n.consumers.size()));
                }
                default -> {} // the zero product (a constant input), batch norm (opset 15), Flatten and Gemm stay plain
            }
        }
        int reorderOutputs = (int) blocked.values().stream().filter(b -> b.remainingUses > 0).count();
        return new int[] {reorderedInputs.size(), reorderOutputs};
    }
}
