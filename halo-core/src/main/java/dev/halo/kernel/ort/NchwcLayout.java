package dev.halo.kernel.ort;

import dev.halo.graph.Attribute;
import dev.halo.graph.ConstTensor;
import dev.halo.graph.TensorShape;
import dev.halo.kernel.ort.WorkingGraph.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ONNX Runtime's NCHWc transformer (level ALL on x86-64): convolutions and pools move to the blocked layout of MLAS
 * (channels in blocks of 8 or 16), element-wise operators, concatenations and batch norms whose inputs are all
 * blocked follow them, a blocked convolution read once absorbs an Add ("Sum" input) and then an activation, and a
 * blocked tensor still read in the plain layout gets one ReorderOutput (a plain tensor entering the blocked layout one
 * ReorderInput). Nodes are visited in topological order and each decision depends only on what came before, as in
 * ORT. The rules, their conditions and the padded shapes follow ORT's documented behaviour for this transformer and
 * were checked node for node against the optimised models ORT writes (see the halo-onnx tests).
 */
final class NchwcLayout {
    /** A blocked tensor standing for an original plain tensor. */
    private static final class Blocked {
        final Op producer;
        final String tensor;
        final int startingUses;
        int remainingUses;
        final long channels;

        Blocked(Op producer, String tensor, int uses, long channels) {
            this.producer = producer;
            this.tensor = tensor;
            this.startingUses = uses;
            this.remainingUses = uses;
            this.channels = channels;
        }
    }

    /** Channel counts a blocked convolution accepts unpadded need only be multiples of this (ORT pads them to the block). */
    private static final long CHANNEL_ALIGNMENT = 4;

    private final WorkingGraph g;
    private final long block;
    private final Map<String, Blocked> blocked = new LinkedHashMap<>();
    private final Map<String, String> reordered = new HashMap<>();
    private final Map<String, String> filters = new HashMap<>();
    private final Set<String> produced = new HashSet<>();
    /** Patterns met that the emulation does not reproduce (the caller reports them and leaves the model to ORT). */
    final List<String> unsupported = new ArrayList<>();

    NchwcLayout(WorkingGraph g, long block) {
        this.g = g;
        this.block = block;
        for (Op n : g.nodes) produced.addAll(n.outputs);
    }

    void run() {
        for (Op n : List.copyOf(g.nodes)) {
            if (n.is("", "Conv") || n.is("com.microsoft", "FusedConv")) conv(n);
            else if (n.is("", "MaxPool") || n.is("", "AveragePool")) pool(n);
            else if (!n.inputs.isEmpty() && allInputsBlocked(n)) {
                switch (n.domain.isEmpty() ? n.type : "") {
                    case "Add", "Sum" -> binary(n, true);
                    case "Mul" -> binary(n, false);
                    case "Concat" -> concat(n);
                    case "Relu", "Sigmoid", "Tanh" -> activation(n);
                    case "BatchNormalization" -> batchNorm(n);
                    case "Transpose" -> transpose(n);
                    case "GlobalAveragePool", "GlobalMaxPool" -> pool(n);
                    default -> {}
                }
            }
        }
        finish();
    }

    /** ORT only considers the other operators once every node feeding them has moved to the blocked layout. */
    private boolean allInputsBlocked(Op n) {
        for (String i : n.inputs) if (!i.isEmpty() && produced.contains(i) && !blocked.containsKey(i)) return false;
        return true;
    }

    private long padded(long channels) {
        return Math.ceilDiv(channels, block) * block;
    }

    private void conv(Op n) {
        ConstTensor w = g.constant(n.input(1));
        long out = w.dims()[0], in = w.dims()[1], group = n.intAttr("group", 1);
        boolean reorderInput = true, perOutputBlock = false;
        boolean depthwise = false;
        if (group > 1) {
            if (out % CHANNEL_ALIGNMENT != 0) return;
            if (in == 1 && out == group) perOutputBlock = depthwise = true;
            else if (in % block != 0 || out % group != 0 || (out / group) % block != 0) return;
        } else if (in < block) {
            perOutputBlock = true;
            reorderInput = false;
        } else if (in % CHANNEL_ALIGNMENT != 0) {
            return;
        }
        if (!n.input(2).isEmpty()) {
            ConstTensor b = g.constant(n.input(2));
            if (b == null || b.dims().length != 1 || b.dims()[0] != out) return;
        }
        long blockedOut = padded(out);
        String key = n.input(1) + (perOutputBlock ? "/OIHWBo" : "/OIHWBiBo");
        // a dense convolution reading blocked input has its input channels padded to the block as well
        long blockedIn = group == 1 && !perOutputBlock ? padded(in) : in;
        String filter = filters.computeIfAbsent(key, k -> g.addConstant("reorder", blockedOut, blockedIn, w.dims()[2], w.dims()[3]));
        n.inputs.set(1, filter);
        if (!n.input(2).isEmpty() && out != blockedOut) n.inputs.set(2, g.addConstant("reorder", blockedOut));
        // a depthwise convolution over padded channels runs one group per padded channel
        if (depthwise && out != blockedOut) n.attributes.put("group", Attribute.ofInt("group", blockedOut));
        String original = n.outputs.get(0);
        n.name = original + "_nchwc";
        n.type = "Conv";
        n.domain = "com.microsoft.nchwc";
        if (reorderInput) useBlockedInput(n);
        register(n, original, out);
    }

    private void pool(Op n) {
        if (n.outputs.size() > 1) return;
        TensorShape x = g.shapes.get(n.input(0));
        if (x == null || x.rank() != 4 || x.dim(1) < 0 || x.dim(1) % block != 0) return;
        String original = n.outputs.get(0);
        n.name = original + "_nchwc";
        n.domain = "com.microsoft.nchwc";
        useBlockedInput(n);
        register(n, original, x.dim(1));
    }

    /** The first input read in the blocked layout: the blocked tensor that stands for it, or one shared ReorderInput. */
    private void useBlockedInput(Op n) {
        String x = n.input(0);
        Blocked b = blocked.get(x);
        if (b != null) {
            n.inputs.set(0, b.tensor);
            b.remainingUses--;
            return;
        }
        String r = reordered.get(x);
        if (r == null) {
            r = g.freshName("reorder");
            reordered.put(x, r);
            g.insertBefore(n, new Op(g.freshName("ReorderInput"), "ReorderInput", "com.microsoft.nchwc", List.of(x), List.of(r),
                    Map.of("channels_last", Attribute.ofInt("channels_last", 0))));
        }
        n.inputs.set(0, r);
    }

    /** {@code producer} now writes a blocked tensor standing for {@code original}; its readers are counted now. */
    private void register(Op producer, String original, long channels) {
        int uses = g.uses(original);
        String tensor = g.freshName("reorder");
        producer.outputs.set(0, tensor);
        blocked.put(original, new Blocked(producer, tensor, uses, channels));
    }

    /** {@code node}'s output is {@code into}'s blocked tensor (the node was fused into {@code into}'s producer). */
    private void fuse(Op node, Blocked into) {
        String original = node.outputs.get(0);
        int uses = g.uses(original);
        blocked.put(original, new Blocked(into.producer, into.tensor, uses, into.channels));
        g.remove(node);
    }

    private List<Blocked> blockedInputs(Op n) {
        List<Blocked> out = new ArrayList<>();
        for (String i : n.inputs) {
            Blocked b = blocked.get(i);
            if (b == null) return null;
            out.add(b);
        }
        return out;
    }

    private static boolean fusableConv(Blocked b) {
        return b.producer.is("com.microsoft.nchwc", "Conv") && b.startingUses == 1 && !b.producer.attributes.containsKey("activation");
    }

    private void binary(Op n, boolean add) {
        List<Blocked> in = blockedInputs(n);
        if (in == null) return;
        long channels = in.get(0).channels;
        TensorShape first = g.shapes.get(n.input(0));
        for (int k = 1; k < in.size(); k++) {
            if (in.get(k).channels != channels) return;
            TensorShape s = g.shapes.get(n.input(k));
            if (first == null || s == null || !first.isStatic() || !Arrays.equals(first.toArray(), s.toArray())) {
                // ORT would reshape an Add's operands into explicit blocks here; halo's static shapes never need it
                // for the models it emulates, so such a model is left to ORT (a Mul is simply left in the plain layout)
                if (add) unsupported.add("node '" + n.name + "' (" + n.type + "): operands of different shapes in the blocked layout");
                return;
            }
        }
        for (int k = 0; k < in.size(); k++) {
            n.inputs.set(k, in.get(k).tensor);
            in.get(k).remainingUses--;
        }
        if (add && in.size() == 2) {
            for (int k = 0; k < 2; k++) {
                Blocked b = in.get(k);
                Op conv = b.producer;
                if (!fusableConv(b) || conv.inputs.size() >= 4) continue;
                while (conv.inputs.size() < 3) conv.inputs.add("");
                conv.inputs.add(in.get(1 - k).tensor);
                fuse(n, b);
                return;
            }
        }
        register(n, n.outputs.get(0), channels);
    }

    private void concat(Op n) {
        if (!n.attributes.containsKey("axis") || n.attributes.get("axis").i() != 1) return;
        List<Blocked> in = blockedInputs(n);
        if (in == null) return;
        long total = 0;
        for (Blocked b : in) {
            if (b.channels % block != 0) return;
            total += b.channels;
        }
        for (int k = 0; k < in.size(); k++) {
            n.inputs.set(k, in.get(k).tensor);
            in.get(k).remainingUses--;
        }
        register(n, n.outputs.get(0), total);
    }

    private void activation(Op n) {
        Blocked b = blocked.get(n.input(0));
        if (b == null) return;
        n.inputs.set(0, b.tensor);
        b.remainingUses--;
        if (fusableConv(b)) {
            b.producer.attributes.put("activation", Attribute.ofString("activation", n.type));
            fuse(n, b);
        } else {
            register(n, n.outputs.get(0), b.channels);
        }
    }

    /** A batch norm reading a blocked tensor. */
    private void batchNorm(Op n) {
        Blocked b = blocked.get(n.input(0));
        if (b == null) return;
        // ORT 1.23 rewrites only BatchNormalization-7 and -9 this way; from opset 15 on (checked at 17) the node stays
        // in the plain layout. Opsets 13 and 14 were not checked, so a model there is left to ORT.
        if (g.opset >= 15) return;
        unsupported.add("node '" + n.name + "' (BatchNormalization) on a blocked tensor at opset " + g.opset + " (only opsets 15+ are checked)");
    }

    /** A transpose from NCHW to NHWC of a blocked tensor is a ReorderOutput to channels-last. */
    private void transpose(Op n) {
        Blocked b = blocked.get(n.input(0));
        if (b == null) return;
        long[] perm = n.attributes.containsKey("perm") ? n.attributes.get("perm").ints() : null;
        if (perm == null || !Arrays.equals(perm, new long[] {0, 2, 3, 1})) return;
        Op reorder = new Op(g.freshName("ReorderOutput"), "ReorderOutput", "com.microsoft.nchwc", List.of(b.tensor), n.outputs,
                Map.of("channels", Attribute.ofInt("channels", b.channels), "channels_last", Attribute.ofInt("channels_last", 1)));
        g.nodes.set(g.nodes.indexOf(n), reorder);
        b.remainingUses--;
    }

    /** Every blocked tensor still read in the plain layout gets one ReorderOutput right after its producer. */
    private void finish() {
        blocked.forEach((original, b) -> {
            if (b.remainingUses <= 0) return;
            g.insertAfter(b.producer, new Op(g.freshName("ReorderOutput"), "ReorderOutput", "com.microsoft.nchwc", List.of(b.tensor),
                    List.of(original), Map.of("channels", Attribute.ofInt("channels", b.channels), "channels_last", Attribute.ofInt("channels_last", 0))));
        });
    }
}
