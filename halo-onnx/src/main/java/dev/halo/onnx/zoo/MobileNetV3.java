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
 * torchvision's MobileNetV3 (large or small): 3x3/2 h-swish stem, the paper's table of inverted residual blocks
 * (ReLU or h-swish, squeeze-and-excite with ReLU and hard-sigmoid where the table has it), a 1x1 conv to 6x the
 * last block width, global pooling, a hidden linear layer with h-swish and the classifier. The width multiplier
 * scales every channel count (rounded to multiples of 8); each block's depthwise kernel and the expansion channels
 * (a multiplier on the table's) vary.
 */
public final class MobileNetV3 implements ModelFamily {
    public static final String NAME = "mobilenetv3";
    private static final Set<String> KEYS = Set.of("size", "width", "expand", "kernel", "res");

    /** kernel, expanded channels, out channels, SE, h-swish, stride (torchvision's {@code _mobilenet_v3_conf}). */
    private record Row(int kernel, int expanded, int out, boolean se, boolean hswish, int stride) {}

    private static final List<Row> LARGE = List.of(
            new Row(3, 16, 16, false, false, 1), new Row(3, 64, 24, false, false, 2), new Row(3, 72, 24, false, false, 1),
            new Row(5, 72, 40, true, false, 2), new Row(5, 120, 40, true, false, 1), new Row(5, 120, 40, true, false, 1),
            new Row(3, 240, 80, false, true, 2), new Row(3, 200, 80, false, true, 1), new Row(3, 184, 80, false, true, 1),
            new Row(3, 184, 80, false, true, 1), new Row(3, 480, 112, true, true, 1), new Row(3, 672, 112, true, true, 1),
            new Row(5, 672, 160, true, true, 2), new Row(5, 960, 160, true, true, 1), new Row(5, 960, 160, true, true, 1));
    private static final List<Row> SMALL = List.of(
            new Row(3, 16, 16, true, false, 2), new Row(3, 72, 24, false, false, 2), new Row(3, 88, 24, false, false, 1),
            new Row(5, 96, 40, true, true, 2), new Row(5, 240, 40, true, true, 1), new Row(5, 240, 40, true, true, 1),
            new Row(5, 120, 48, true, true, 1), new Row(5, 144, 48, true, true, 1), new Row(5, 288, 96, true, true, 2),
            new Row(5, 576, 96, true, true, 1), new Row(5, 576, 96, true, true, 1));

    private static List<Row> table(String size) {
        return size.equals("small") ? SMALL : LARGE;
    }

    /**
     * @param size {@code large} or {@code small} (the block table)
     * @param expand multiplier on every block's expanded channels (1 = the paper's)
     * @param kernel depthwise kernel per block
     */
    public record Variant(String size, double width, double expand, List<Integer> kernel, int resolution) implements ZooModel {
        public Variant {
            kernel = List.copyOf(kernel);
        }

        @Override
        public String family() {
            return NAME;
        }

        @Override
        public String canonical() {
            return Spec.format(NAME, "size", size, "width", Spec.number(width), "expand", Spec.number(expand),
                    "kernel", Spec.ints(kernel), "res", resolution);
        }

        @Override
        public OnnxNetwork export(OnnxGraphBuilder b) {
            List<Row> rows = table(size);
            Tensor x = b.input(3, resolution, resolution);
            x = b.hardSwish(b.batchNorm(b.conv(x, ch(16), 3, 2, 1)));
            for (int i = 0; i < rows.size(); i++) x = block(b, x, rows.get(i), kernel.get(i));
            x = b.hardSwish(b.batchNorm(b.conv(x, 6 * x.channels(), 1, 1, 1)));
            x = b.hardSwish(b.linear(b.flatten(b.globalAvgPool(x)), ch(size.equals("small") ? 1024 : 1280)));
            x = b.linear(x, 1000);
            return b.build(x, "MobileNetV3 " + canonical());
        }

        private int ch(int c) {
            return Spec.divisible(c * width, 8);
        }

        private Tensor block(OnnxGraphBuilder b, Tensor x, Row row, int k) {
            int expanded = Spec.divisible(row.expanded() * expand * width, 8);
            int out = ch(row.out());
            Tensor y = x;
            if (expanded != x.channels()) y = act(b, b.batchNorm(b.conv(y, expanded, 1, 1, 1)), row.hswish());
            y = act(b, b.batchNorm(b.conv(y, expanded, k, row.stride(), expanded)), row.hswish());
            if (row.se()) {
                Tensor s = b.globalAvgPool(y);
                s = b.relu(b.conv(s, Spec.divisible(expanded / 4, 8), 1, 1, 0, 1, true));
                s = b.hardSigmoid(b.conv(s, expanded, 1, 1, 0, 1, true));
                y = b.mul(y, s);
            }
            y = b.batchNorm(b.conv(y, out, 1, 1, 1));
            return row.stride() == 1 && x.channels() == out ? b.add(y, x) : y;
        }

        private static Tensor act(OnnxGraphBuilder b, Tensor x, boolean hswish) {
            return hswish ? b.hardSwish(x) : b.relu(x);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "large (15 blocks) or small (11) table, SE + h-swish; width {0.5,0.75,1,1.25}, expansion x{0.75,1,1.25}, "
                + "kernel {3,5,7} per block; resolution 96-320";
    }

    @Override
    public Variant parse(String text) {
        Spec s = Spec.parse(text, NAME, KEYS);
        String size = s.string("size", "large");
        s.require(size.equals("large") || size.equals("small"), "size must be large or small");
        List<Integer> defaultKernels = table(size).stream().map(Row::kernel).toList();
        Variant v = new Variant(size, s.decimal("width", 1.0), s.decimal("expand", 1.0), s.integers("kernel", defaultKernels), s.integer("res", 224));
        s.require(v.width() > 0 && v.expand() > 0, "width and expand must be > 0");
        s.require(v.kernel().size() == defaultKernels.size(), "kernel needs " + defaultKernels.size() + " entries for size " + size);
        s.require(v.kernel().stream().allMatch(k -> k % 2 == 1), "kernels must be odd");
        s.require(v.resolution() >= 32, "res must be at least 32");
        return v;
    }

    @Override
    public Variant sample(SplittableRandom r) {
        String size = r.nextBoolean() ? "large" : "small";
        List<Integer> kernel = new ArrayList<>();
        for (int i = 0; i < table(size).size(); i++) kernel.add(Spec.pick(r, 3, 5, 7));
        return new Variant(size, Spec.pick(r, 0.5, 0.75, 1.0, 1.25), Spec.pick(r, 0.75, 1.0, 1.25), kernel, Spec.resolution(r));
    }

    @Override
    public Map<String, String> presets() {
        Map<String, String> p = new LinkedHashMap<>();
        for (String size : List.of("large", "small"))
            p.put("mobilenet_v3_" + size, new Variant(size, 1.0, 1.0, table(size).stream().map(Row::kernel).toList(), 224).canonical());
        return p;
    }
}
