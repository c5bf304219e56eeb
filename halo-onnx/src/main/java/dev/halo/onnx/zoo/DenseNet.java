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
 * torchvision's DenseNet-BC: 7x7/2 stem, 3x3/2 max pool, dense blocks whose layers (BN, ReLU, 1x1 to
 * {@code bn * growth}, BN, ReLU, 3x3 to {@code growth}) concatenate their output to everything before them,
 * transitions (BN, ReLU, 1x1 halving the channels, 2x2 average pool), a final BN + ReLU, pooling, classifier.
 */
public final class DenseNet implements ModelFamily {
    public static final String NAME = "densenet";
    private static final Set<String> KEYS = Set.of("growth", "blocks", "init", "bn", "res");

    /** @param blocks layers per dense block; @param init stem channels; @param bn bottleneck width factor */
    public record Variant(int growth, List<Integer> blocks, int init, int bn, int resolution) implements ZooModel {
        public Variant {
            blocks = List.copyOf(blocks);
        }

        @Override
        public String family() {
            return NAME;
        }

        @Override
        public String canonical() {
            return Spec.format(NAME, "growth", growth, "blocks", Spec.ints(blocks), "init", init, "bn", bn, "res", resolution);
        }

        @Override
        public OnnxNetwork export(OnnxGraphBuilder b) {
            Tensor x = b.input(3, resolution, resolution);
            x = b.relu(b.batchNorm(b.conv(x, init, 7, 2, 1)));
            x = b.maxPool(x, 3, 2, 1);
            for (int i = 0; i < blocks.size(); i++) {
                for (int l = 0; l < blocks.get(i); l++) {
                    Tensor y = b.relu(b.batchNorm(x));
                    y = b.conv(y, bn * growth, 1, 1, 1);
                    y = b.conv(b.relu(b.batchNorm(y)), growth, 3, 1, 1);
                    x = b.concat(x, y);
                }
                if (i < blocks.size() - 1) {
                    x = b.conv(b.relu(b.batchNorm(x)), x.channels() / 2, 1, 1, 1);
                    x = b.avgPool(x, 2, 2, 0, true);
                }
            }
            x = b.relu(b.batchNorm(x));
            x = b.linear(b.flatten(b.globalAvgPool(x)), 1000);
            return b.build(x, "DenseNet " + canonical());
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "dense blocks with concatenation; growth {12,16,24,32,40,48}, 4 blocks of 3-8/6-16/8-36/6-32 layers, "
                + "stem 2x growth, bottleneck 4; resolution 96-320";
    }

    @Override
    public Variant parse(String text) {
        Spec s = Spec.parse(text, NAME, KEYS);
        Variant v = new Variant(s.integer("growth", 32), s.integers("blocks", List.of(6, 12, 24, 16)), s.integer("init", 64),
                s.integer("bn", 4), s.integer("res", 224));
        s.require(v.growth() >= 1 && v.init() >= 1 && v.bn() >= 1, "growth, init and bn must be >= 1");
        s.require(!v.blocks().isEmpty() && v.blocks().stream().allMatch(n -> n >= 1), "blocks must be >= 1");
        s.require(v.resolution() >= 32, "res must be at least 32");
        return v;
    }

    @Override
    public Variant sample(SplittableRandom r) {
        int growth = Spec.pick(r, 12, 16, 24, 32, 40, 48);
        List<Integer> blocks = new ArrayList<>(List.of(Spec.between(r, 3, 8), Spec.between(r, 6, 16), Spec.between(r, 8, 36), Spec.between(r, 6, 32)));
        return new Variant(growth, blocks, 2 * growth, 4, Spec.resolution(r));
    }

    @Override
    public Map<String, String> presets() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("densenet121", new Variant(32, List.of(6, 12, 24, 16), 64, 4, 224).canonical());
        p.put("densenet161", new Variant(48, List.of(6, 12, 36, 24), 96, 4, 224).canonical());
        p.put("densenet169", new Variant(32, List.of(6, 12, 32, 32), 64, 4, 224).canonical());
        p.put("densenet201", new Variant(32, List.of(6, 12, 48, 32), 64, 4, 224).canonical());
        return p;
    }
}
