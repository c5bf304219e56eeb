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
 * torchvision's ResNet (v1.5: the stride sits on the 3x3 convolution of a bottleneck): 7x7/2 stem of the first
 * stage's width, 3x3/2 max pool, four stages of basic (two 3x3) or bottleneck (1x1, 3x3, 1x1 with expansion 4)
 * residual blocks, a 1x1 projection shortcut where shape changes, global pooling, a 1000-way classifier.
 */
public final class ResNet implements ModelFamily {
    public static final String NAME = "resnet";
    private static final Set<String> KEYS = Set.of("block", "depth", "width", "res");
    private static final List<Integer> WIDTHS = List.of(64, 128, 256, 512);

    /** @param block {@code basic} or {@code bottleneck}; @param depth blocks per stage; @param width base channels per stage */
    public record Variant(String block, List<Integer> depth, List<Integer> width, int resolution) implements ZooModel {
        public Variant {
            depth = List.copyOf(depth);
            width = List.copyOf(width);
        }

        @Override
        public String family() {
            return NAME;
        }

        @Override
        public String canonical() {
            return Spec.format(NAME, "block", block, "depth", Spec.ints(depth), "width", Spec.ints(width), "res", resolution);
        }

        boolean bottleneck() {
            return block.equals("bottleneck");
        }

        @Override
        public OnnxNetwork export(OnnxGraphBuilder b) {
            Tensor x = b.input(3, resolution, resolution);
            x = b.relu(b.batchNorm(b.conv(x, width.get(0), 7, 2, 1)));
            x = b.maxPool(x, 3, 2, 1);
            for (int s = 0; s < depth.size(); s++)
                for (int i = 0; i < depth.get(s); i++) x = block(b, x, width.get(s), s > 0 && i == 0 ? 2 : 1);
            x = b.linear(b.flatten(b.globalAvgPool(x)), 1000);
            return b.build(x, "ResNet " + canonical());
        }

        private Tensor block(OnnxGraphBuilder b, Tensor x, int planes, int stride) {
            int out = bottleneck() ? 4 * planes : planes;
            Tensor y;
            if (bottleneck()) {
                y = b.relu(b.batchNorm(b.conv(x, planes, 1, 1, 1)));
                y = b.relu(b.batchNorm(b.conv(y, planes, 3, stride, 1)));
                y = b.batchNorm(b.conv(y, out, 1, 1, 1));
            } else {
                y = b.relu(b.batchNorm(b.conv(x, planes, 3, stride, 1)));
                y = b.batchNorm(b.conv(y, out, 3, 1, 1));
            }
            Tensor shortcut = stride != 1 || x.channels() != out ? b.batchNorm(b.conv(x, out, 1, stride, 1)) : x;
            return b.relu(b.add(y, shortcut));
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "basic or bottleneck blocks; 4 stages of depth 1-3/1-4/1-6/1-3 (basic) or 1-3/1-4/1-8/1-3 (bottleneck); "
                + "stage widths b,2b,4b,8b with b in {32,48,64,80,96}; resolution 96-320";
    }

    @Override
    public Variant parse(String text) {
        Spec s = Spec.parse(text, NAME, KEYS);
        Variant v = new Variant(s.string("block", "basic"), s.integers("depth", List.of(2, 2, 2, 2)),
                s.integers("width", WIDTHS), s.integer("res", 224));
        s.require(v.block().equals("basic") || v.bottleneck(), "block must be basic or bottleneck");
        s.require(v.depth().size() == v.width().size() && !v.depth().isEmpty(), "depth and width need one entry per stage");
        s.require(v.depth().stream().allMatch(d -> d >= 1) && v.width().stream().allMatch(w -> w >= 1), "depths and widths must be >= 1");
        s.require(v.resolution() >= 32, "res must be at least 32");
        return v;
    }

    @Override
    public Variant sample(SplittableRandom r) {
        boolean bottleneck = r.nextBoolean();
        int[] maxDepth = bottleneck ? new int[] {3, 4, 8, 3} : new int[] {3, 4, 6, 3};
        List<Integer> depth = new ArrayList<>();
        for (int m : maxDepth) depth.add(Spec.between(r, 1, m));
        int base = Spec.pick(r, 32, 48, 64, 80, 96);
        return new Variant(bottleneck ? "bottleneck" : "basic", depth, List.of(base, 2 * base, 4 * base, 8 * base), Spec.resolution(r));
    }

    @Override
    public Map<String, String> presets() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("resnet18", new Variant("basic", List.of(2, 2, 2, 2), WIDTHS, 224).canonical());
        p.put("resnet34", new Variant("basic", List.of(3, 4, 6, 3), WIDTHS, 224).canonical());
        p.put("resnet50", new Variant("bottleneck", List.of(3, 4, 6, 3), WIDTHS, 224).canonical());
        p.put("resnet101", new Variant("bottleneck", List.of(3, 4, 23, 3), WIDTHS, 224).canonical());
        return p;
    }
}
