package dev.halo.onnx.zoo;

import dev.halo.onnx.OnnxGraphBuilder;
import dev.halo.onnx.OnnxNetwork;
import dev.halo.onnx.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * torchvision's EfficientNet (B0 table, compound scaling): 3x3/2 SiLU stem, seven stages of MBConv blocks (1x1
 * expansion, depthwise kxk, squeeze-and-excite to a quarter of the block's input channels with SiLU and sigmoid,
 * linear projection, residual where shapes match), 1x1 conv to 4x the last width, pooling, classifier. Width scales
 * channels (multiples of 8), depth scales blocks per stage (rounded up); kernel and expansion per stage vary.
 */
public final class EfficientNet implements ModelFamily {
    public static final String NAME = "efficientnet";
    private static final Set<String> KEYS = Set.of("width", "depth", "kernel", "expand", "res");
    private static final int[] STRIDES = {1, 2, 2, 2, 1, 2, 1};
    private static final int[] CHANNELS = {16, 24, 40, 80, 112, 192, 320};
    private static final int[] LAYERS = {1, 2, 2, 3, 3, 4, 1};
    private static final List<Integer> KERNEL = List.of(3, 3, 5, 3, 5, 5, 3);
    private static final List<Integer> EXPAND = List.of(1, 6, 6, 6, 6, 6, 6);

    public record Variant(double width, double depth, List<Integer> kernel, List<Integer> expand, int resolution) implements ZooModel {
        public Variant {
            kernel = List.copyOf(kernel);
            expand = List.copyOf(expand);
        }

        @Override
        public String family() {
            return NAME;
        }

        @Override
        public String canonical() {
            return Spec.format(NAME, "width", Spec.number(width), "depth", Spec.number(depth), "kernel", Spec.ints(kernel),
                    "expand", Spec.ints(expand), "res", resolution);
        }

        @Override
        public OnnxNetwork export(OnnxGraphBuilder b) {
            Tensor x = b.input(3, resolution, resolution);
            x = b.silu(b.batchNorm(b.conv(x, Spec.divisible(32 * width, 8), 3, 2, 1)));
            for (int s = 0; s < CHANNELS.length; s++) {
                int out = Spec.divisible(CHANNELS[s] * width, 8);
                int blocks = (int) Math.ceil(LAYERS[s] * depth);
                for (int i = 0; i < blocks; i++) x = mbconv(b, x, out, i == 0 ? STRIDES[s] : 1, expand.get(s), kernel.get(s));
            }
            x = b.silu(b.batchNorm(b.conv(x, 4 * x.channels(), 1, 1, 1)));
            x = b.linear(b.flatten(b.globalAvgPool(x)), 1000);
            return b.build(x, "EfficientNet " + canonical());
        }

        private static Tensor mbconv(OnnxGraphBuilder b, Tensor x, int out, int stride, int t, int k) {
            int in = x.channels();
            int expanded = Spec.divisible(in * (double) t, 8);
            Tensor y = x;
            if (expanded != in) y = b.silu(b.batchNorm(b.conv(y, expanded, 1, 1, 1)));
            y = b.silu(b.batchNorm(b.conv(y, expanded, k, stride, expanded)));
            Tensor s = b.globalAvgPool(y);
            s = b.silu(b.conv(s, Math.max(1, in / 4), 1, 1, 0, 1, true));
            s = b.sigmoid(b.conv(s, expanded, 1, 1, 0, 1, true));
            y = b.mul(y, s);
            y = b.batchNorm(b.conv(y, out, 1, 1, 1));
            return stride == 1 && in == out ? b.add(y, x) : y;
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "MBConv + SE + SiLU; width x{0.75..1.4}, depth x{0.8..1.8}, kernel {3,5,7} and expansion {3,4,6} "
                + "(stage 1: 1) per stage; resolution 96-320";
    }

    @Override
    public Variant parse(String text) {
        Spec s = Spec.parse(text, NAME, KEYS);
        Variant v = new Variant(s.decimal("width", 1.0), s.decimal("depth", 1.0), s.integers("kernel", KERNEL),
                s.integers("expand", EXPAND), s.integer("res", 224));
        s.require(v.width() > 0 && v.depth() > 0, "width and depth must be > 0");
        s.require(v.kernel().size() == 7 && v.expand().size() == 7, "kernel and expand need 7 entries");
        s.require(v.kernel().stream().allMatch(k -> k % 2 == 1), "kernels must be odd");
        s.require(v.expand().stream().allMatch(e -> e >= 1), "expansions must be >= 1");
        s.require(v.resolution() >= 32, "res must be at least 32");
        return v;
    }

    @Override
    public Variant sample(SplittableRandom r) {
        List<Integer> kernel = new ArrayList<>();
        List<Integer> expand = new ArrayList<>(List.of(1));
        for (int s = 0; s < 7; s++) {
            kernel.add(Spec.pick(r, 3, 5, 7));
            if (s > 0) expand.add(Spec.pick(r, 3, 4, 6));
        }
        return new Variant(Spec.pick(r, 0.75, 0.9, 1.0, 1.1, 1.2, 1.4), Spec.pick(r, 0.8, 1.0, 1.1, 1.2, 1.4, 1.6, 1.8),
                kernel, expand, Spec.resolution(r));
    }

    @Override
    public Map<String, String> presets() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("efficientnet_b0", new Variant(1.0, 1.0, KERNEL, EXPAND, 224).canonical());
        p.put("efficientnet_b1", new Variant(1.0, 1.1, KERNEL, EXPAND, 240).canonical());
        p.put("efficientnet_b2", new Variant(1.1, 1.2, KERNEL, EXPAND, 260).canonical());
        p.put("efficientnet_b3", new Variant(1.2, 1.4, KERNEL, EXPAND, 300).canonical());
        return p;
    }
}
