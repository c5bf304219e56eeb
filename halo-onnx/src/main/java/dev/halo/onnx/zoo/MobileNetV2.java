package dev.halo.onnx.zoo;

import dev.halo.onnx.OnnxGraphBuilder;
import dev.halo.onnx.OnnxNetwork;
import dev.halo.onnx.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * torchvision's MobileNetV2: 3x3/2 stem, seven stages of inverted residual blocks (1x1 expansion, depthwise kxk,
 * linear 1x1 projection, ReLU6, residual where shapes match), a 1x1 conv to 1280 (scaled up for width &gt; 1),
 * global pooling and a 1000-way classifier. Channel counts are rounded to multiples of 8 as torchvision does.
 * Per stage the expansion ratio, kernel and depth vary (torchvision: expansion 1 then 6, kernel 3).
 */
public final class MobileNetV2 implements ModelFamily {
    public static final String NAME = "mobilenetv2";
    private static final Set<String> KEYS = Set.of("width", "expand", "kernel", "depth", "res");
    static final int[] CHANNELS = {16, 24, 32, 64, 96, 160, 320};
    static final int[] STRIDES = {1, 2, 2, 2, 1, 2, 1};
    private static final List<Integer> EXPAND = List.of(1, 6, 6, 6, 6, 6, 6);
    private static final List<Integer> KERNEL = List.of(3, 3, 3, 3, 3, 3, 3);
    private static final List<Integer> DEPTH = List.of(1, 2, 3, 4, 3, 3, 1);

    public record Variant(double width, List<Integer> expand, List<Integer> kernel, List<Integer> depth, int resolution) implements ZooModel {
        public Variant {
            expand = List.copyOf(expand);
            kernel = List.copyOf(kernel);
            depth = List.copyOf(depth);
        }

        @Override
        public String family() {
            return NAME;
        }

        @Override
        public String canonical() {
            return Spec.format(NAME, "width", Spec.number(width), "expand", Spec.ints(expand), "kernel", Spec.ints(kernel),
                    "depth", Spec.ints(depth), "res", resolution);
        }

        @Override
        public OnnxNetwork export(OnnxGraphBuilder b) {
            Tensor x = b.input(3, resolution, resolution);
            x = b.relu6(b.batchNorm(b.conv(x, Spec.divisible(32 * width, 8), 3, 2, 1)));
            for (int s = 0; s < CHANNELS.length; s++) {
                int out = Spec.divisible(CHANNELS[s] * width, 8);
                for (int i = 0; i < depth.get(s); i++) x = block(b, x, out, i == 0 ? STRIDES[s] : 1, expand.get(s), kernel.get(s));
            }
            x = b.relu6(b.batchNorm(b.conv(x, Spec.divisible(1280 * Math.max(1.0, width), 8), 1, 1, 1)));
            x = b.linear(b.flatten(b.globalAvgPool(x)), 1000);
            return b.build(x, "MobileNetV2 " + canonical());
        }

        private static Tensor block(OnnxGraphBuilder b, Tensor x, int out, int stride, int t, int k) {
            int hidden = (int) Math.round(x.channels() * (double) t);
            Tensor y = x;
            if (t != 1) y = b.relu6(b.batchNorm(b.conv(y, hidden, 1, 1, 1)));
            y = b.relu6(b.batchNorm(b.conv(y, hidden, k, stride, hidden)));
            y = b.batchNorm(b.conv(y, out, 1, 1, 1));
            return stride == 1 && x.channels() == out ? b.add(y, x) : y;
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "inverted residuals, ReLU6; width 0.35-1.4; per stage expansion {3,4,6} (stage 1: 1), kernel {3,5,7}, "
                + "depth torchvision's 1-2-3-4-3-3-1 +-1 (min 1); resolution 96-320";
    }

    @Override
    public Variant parse(String text) {
        Spec s = Spec.parse(text, NAME, KEYS);
        Variant v = new Variant(s.decimal("width", 1.0), s.integers("expand", EXPAND), s.integers("kernel", KERNEL),
                s.integers("depth", DEPTH), s.integer("res", 224));
        s.require(v.width() > 0, "width must be > 0");
        s.require(v.expand().size() == 7 && v.kernel().size() == 7 && v.depth().size() == 7, "expand, kernel and depth need 7 entries");
        s.require(v.expand().stream().allMatch(e -> e >= 1) && v.depth().stream().allMatch(d -> d >= 1), "expansions and depths must be >= 1");
        s.require(v.kernel().stream().allMatch(k -> k % 2 == 1), "kernels must be odd");
        s.require(v.resolution() >= 32, "res must be at least 32");
        return v;
    }

    @Override
    public Variant sample(SplittableRandom r) {
        double width = Spec.pick(r, 0.35, 0.5, 0.75, 1.0, 1.25, 1.4);
        List<Integer> expand = new ArrayList<>(List.of(1));
        List<Integer> kernel = new ArrayList<>();
        List<Integer> depth = new ArrayList<>();
        for (int s = 0; s < 7; s++) {
            if (s > 0) expand.add(Spec.pick(r, 3, 4, 6));
            kernel.add(Spec.pick(r, 3, 5, 7));
            depth.add(Math.max(1, DEPTH.get(s) + Spec.between(r, -1, 1)));
        }
        return new Variant(width, expand, kernel, depth, Spec.resolution(r));
    }

    @Override
    public Map<String, String> presets() {
        return Map.of("mobilenet_v2", new Variant(1.0, EXPAND, KERNEL, DEPTH, 224).canonical());
    }
}
