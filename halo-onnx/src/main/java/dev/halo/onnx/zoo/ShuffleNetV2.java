package dev.halo.onnx.zoo;

import dev.halo.onnx.OnnxGraphBuilder;
import dev.halo.onnx.OnnxNetwork;
import dev.halo.onnx.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * torchvision's ShuffleNetV2: 3x3/2 stem of 24 channels, 3x3/2 max pool, three stages whose first block is a
 * two-branch downsampling unit and whose other blocks split the channels in half (Split), transform one half
 * (1x1, depthwise kxk, 1x1), concatenate and shuffle the channels (Reshape/Transpose/Reshape); 1x1 conv to the last
 * width, pooling, classifier.
 */
public final class ShuffleNetV2 implements ModelFamily {
    public static final String NAME = "shufflenetv2";
    private static final Set<String> KEYS = Set.of("width", "last", "depth", "kernel", "res");
    private static final List<Integer> DEPTH = List.of(4, 8, 4);

    /** @param width output channels of the three stages (even); @param last channels of the final 1x1 conv */
    public record Variant(List<Integer> width, int last, List<Integer> depth, int kernel, int resolution) implements ZooModel {
        public Variant {
            width = List.copyOf(width);
            depth = List.copyOf(depth);
        }

        @Override
        public String family() {
            return NAME;
        }

        @Override
        public String canonical() {
            return Spec.format(NAME, "width", Spec.ints(width), "last", last, "depth", Spec.ints(depth), "kernel", kernel, "res", resolution);
        }

        @Override
        public OnnxNetwork export(OnnxGraphBuilder b) {
            Tensor x = b.input(3, resolution, resolution);
            x = b.relu(b.batchNorm(b.conv(x, 24, 3, 2, 1)));
            x = b.maxPool(x, 3, 2, 1);
            for (int s = 0; s < width.size(); s++)
                for (int i = 0; i < depth.get(s); i++) x = unit(b, x, width.get(s), i == 0);
            x = b.relu(b.batchNorm(b.conv(x, last, 1, 1, 1)));
            x = b.linear(b.flatten(b.globalAvgPool(x)), 1000);
            return b.build(x, "ShuffleNetV2 " + canonical());
        }

        private Tensor unit(OnnxGraphBuilder b, Tensor x, int out, boolean downsample) {
            int half = out / 2;
            Tensor left;
            Tensor right;
            if (downsample) {
                left = b.batchNorm(b.conv(x, x.channels(), kernel, 2, x.channels()));
                left = b.relu(b.batchNorm(b.conv(left, half, 1, 1, 1)));
                right = x;
            } else {
                Tensor[] parts = b.split(x, half, half);
                left = parts[0];
                right = parts[1];
            }
            right = b.relu(b.batchNorm(b.conv(right, half, 1, 1, 1)));
            right = b.batchNorm(b.conv(right, half, kernel, downsample ? 2 : 1, half));
            right = b.relu(b.batchNorm(b.conv(right, half, 1, 1, 1)));
            return b.channelShuffle(b.concat(left, right), 2);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "channel split + shuffle; stage widths c,2c,4c with c in {48,64,88,116,144,176,212,244} (last 1024, 2048 "
                + "from c=244), depth 2-6/4-10/2-6, depthwise kernel {3,5,7}; resolution 96-320";
    }

    @Override
    public Variant parse(String text) {
        Spec s = Spec.parse(text, NAME, KEYS);
        Variant v = new Variant(s.integers("width", List.of(116, 232, 464)), s.integer("last", 1024), s.integers("depth", DEPTH),
                s.integer("kernel", 3), s.integer("res", 224));
        s.require(v.width().size() == v.depth().size() && !v.width().isEmpty(), "width and depth need one entry per stage");
        s.require(v.width().stream().allMatch(w -> w >= 2 && w % 2 == 0), "stage widths must be even");
        s.require(v.depth().stream().allMatch(d -> d >= 1) && v.last() >= 1, "depths and last must be >= 1");
        s.require(v.kernel() % 2 == 1, "kernel must be odd");
        s.require(v.resolution() >= 32, "res must be at least 32");
        return v;
    }

    @Override
    public Variant sample(SplittableRandom r) {
        int c = Spec.pick(r, 48, 64, 88, 116, 144, 176, 212, 244);
        List<Integer> depth = List.of(Spec.between(r, 2, 6), Spec.between(r, 4, 10), Spec.between(r, 2, 6));
        return new Variant(List.of(c, 2 * c, 4 * c), c >= 244 ? 2048 : 1024, depth, Spec.pick(r, 3, 5, 7), Spec.resolution(r));
    }

    @Override
    public Map<String, String> presets() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("shufflenet_v2_x0_5", new Variant(List.of(48, 96, 192), 1024, DEPTH, 3, 224).canonical());
        p.put("shufflenet_v2_x1_0", new Variant(List.of(116, 232, 464), 1024, DEPTH, 3, 224).canonical());
        p.put("shufflenet_v2_x1_5", new Variant(List.of(176, 352, 704), 1024, DEPTH, 3, 224).canonical());
        p.put("shufflenet_v2_x2_0", new Variant(List.of(244, 488, 976), 2048, DEPTH, 3, 224).canonical());
        return p;
    }
}
