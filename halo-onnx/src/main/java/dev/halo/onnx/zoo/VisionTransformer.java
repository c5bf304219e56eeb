package dev.halo.onnx.zoo;

import dev.halo.onnx.OnnxGraphBuilder;
import dev.halo.onnx.OnnxNetwork;
import dev.halo.onnx.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * torchvision's VisionTransformer (and DeiT without the distillation token): patch embedding by a pxp/p conv with
 * bias, class token, learned position embedding, pre-norm encoder blocks (LayerNormalization, multi-head
 * self-attention with MatMul and Softmax, LayerNormalization, MLP with exact GELU via Erf), final LayerNormalization,
 * class-token head.
 */
public final class VisionTransformer implements ModelFamily {
    public static final String NAME = "vit";
    private static final Set<String> KEYS = Set.of("patch", "dim", "depth", "heads", "mlp", "res");

    /** @param dim embedding width; @param mlp hidden width of the MLP as a multiple of {@code dim} */
    public record Variant(int patch, int dim, int depth, int heads, double mlp, int resolution) implements ZooModel {
        @Override
        public String family() {
            return NAME;
        }

        @Override
        public String canonical() {
            return Spec.format(NAME, "patch", patch, "dim", dim, "depth", depth, "heads", heads, "mlp", Spec.number(mlp), "res", resolution);
        }

        public int mlpDim() {
            return (int) Math.round(dim * mlp);
        }

        @Override
        public OnnxNetwork export(OnnxGraphBuilder b) {
            Tensor x = b.input(3, resolution, resolution);
            x = b.tokens(b.conv(x, dim, patch, patch, 0, 1, true));
            x = b.addPositionEmbedding(b.prependClassToken(x));
            for (int i = 0; i < depth; i++) {
                x = b.add(x, b.selfAttention(b.layerNorm(x), heads));
                Tensor h = b.linear(b.gelu(b.linear(b.layerNorm(x), mlpDim())), dim);
                x = b.add(x, h);
            }
            x = b.linear(b.firstToken(b.layerNorm(x)), 1000);
            return b.build(x, "ViT " + canonical());
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "pre-norm transformer; patch {14,16,32}, heads {2,3,4,6,8,12} x head width {32,48,64} (up to ViT-B's 768), depth 4-12, "
                + "MLP ratio {2,3,4}; resolution a multiple of the patch in 96-320";
    }

    @Override
    public Variant parse(String text) {
        Spec s = Spec.parse(text, NAME, KEYS);
        Variant v = new Variant(s.integer("patch", 16), s.integer("dim", 384), s.integer("depth", 12), s.integer("heads", 6),
                s.decimal("mlp", 4.0), s.integer("res", 224));
        s.require(v.patch() >= 1 && v.depth() >= 1 && v.heads() >= 1 && v.mlp() > 0, "patch, depth, heads must be >= 1 and mlp > 0");
        s.require(v.dim() % v.heads() == 0, "heads must divide dim");
        s.require(v.resolution() % v.patch() == 0, "res must be a multiple of patch");
        return v;
    }

    @Override
    public Variant sample(SplittableRandom r) {
        int patch = Spec.pick(r, 14, 16, 16, 32);
        int heads = Spec.pick(r, 2, 3, 4, 6, 8, 12);
        int dim = heads * Spec.pick(r, 32, 48, 64);
        int res = patch * Spec.between(r, (96 + patch - 1) / patch, 320 / patch);
        return new Variant(patch, dim, Spec.between(r, 4, 12), heads, Spec.pick(r, 2.0, 3.0, 4.0), res);
    }

    @Override
    public Map<String, String> presets() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("vit_ti_16", new Variant(16, 192, 12, 3, 4.0, 224).canonical());
        p.put("vit_s_16", new Variant(16, 384, 12, 6, 4.0, 224).canonical());
        p.put("vit_b_16", new Variant(16, 768, 12, 12, 4.0, 224).canonical());
        p.put("vit_b_32", new Variant(32, 768, 12, 12, 4.0, 224).canonical());
        return p;
    }
}
