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
 * torchvision's Swin Transformer (V1, as {@code swin_t/s/b}): patch embedding by a 4x4/4 conv with bias and LayerNorm;
 * four stages of pre-norm blocks with window multi-head self-attention (relative position bias; every second block
 * on windows shifted by half a window, a cyclic roll with the region mask), MLP ratio 4 with exact GELU; patch merging
 * (2x2 neighbours concatenated, LayerNorm, Linear 4C -> 2C without bias) between stages; final LayerNorm, mean over
 * tokens, head. As in torchvision, a map that the window does not divide is zero-padded to whole windows (and
 * cropped after attention), and a window that covers the whole padded map is not shifted.
 */
public final class SwinTransformer implements ModelFamily {
    public static final String NAME = "swin";
    private static final Set<String> KEYS = Set.of("dim", "depth", "heads", "window", "res");
    private static final int STAGES = 4;
    private static final int PATCH = 4;
    private static final int MLP_RATIO = 4;

    /** @param dim embedding width of the first stage (doubled by each patch merging); @param heads per stage */
    public record Variant(int dim, List<Integer> depth, List<Integer> heads, int window, int resolution) implements ZooModel {
        public Variant {
            depth = List.copyOf(depth);
            heads = List.copyOf(heads);
        }

        @Override
        public String family() {
            return NAME;
        }

        @Override
        public String canonical() {
            return Spec.format(NAME, "dim", dim, "depth", Spec.ints(depth), "heads", Spec.ints(heads), "window", window, "res", resolution);
        }

        /** Embedding width of stage {@code s} (0-based). */
        public int width(int s) {
            return dim << s;
        }

        /** Grid side of stage {@code s}: the resolution over 4, halved by each patch merging. */
        public int grid(int s) {
            return resolution / PATCH >> s;
        }

        /** The grid side padded up to whole windows. */
        public int paddedGrid(int s) {
            return (grid(s) + window - 1) / window * window;
        }

        @Override
        public OnnxNetwork export(OnnxGraphBuilder b) {
            Tensor x = b.input(3, resolution, resolution);
            x = b.layerNorm(b.tokens(b.conv(x, dim, PATCH, PATCH, 0, 1, true)));
            for (int s = 0; s < STAGES; s++) {
                if (s > 0) x = b.linearNoBias(b.layerNorm(b.mergePatches(x, grid(s - 1), grid(s - 1))), width(s));
                for (int i = 0; i < depth.get(s); i++) x = block(b, x, s, i % 2 == 1);
            }
            x = b.layerNorm(x);
            return b.build(b.linear(b.meanOverTokens(x, grid(STAGES - 1), grid(STAGES - 1)), 1000), "Swin " + canonical());
        }

        private Tensor block(OnnxGraphBuilder b, Tensor x, int s, boolean odd) {
            int g = grid(s);
            int p = paddedGrid(s);
            int shift = odd && window < p ? window / 2 : 0;
            Tensor y = b.layerNorm(x);
            if (p != g) y = b.padGrid(y, g, g, p, p);
            if (shift > 0) y = b.roll(y, p, p, -shift);
            y = b.windowAttention(b.windows(y, p, p, window), heads.get(s), window, p, p, shift > 0);
            y = b.unwindows(y, p, p, window);
            if (shift > 0) y = b.roll(y, p, p, shift);
            if (p != g) y = b.cropGrid(y, p, p, g, g);
            x = b.add(x, y);
            return b.add(x, b.linear(b.gelu(b.linear(b.layerNorm(x), MLP_RATIO * width(s))), width(s)));
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Swin V1, window attention with shifted windows; dim {48,64,96,128}, head width 32 (16 at dim 48), "
                + "depths {1-2, 1-2, 2-8, 1-2}, window {4,7,8} (maps it does not divide are padded), "
                + "resolution a multiple of 32 in 96-320";
    }

    @Override
    public Variant parse(String text) {
        Spec s = Spec.parse(text, NAME, KEYS);
        Variant v = new Variant(s.integer("dim", 96), s.integers("depth", List.of(2, 2, 6, 2)), s.integers("heads", List.of(3, 6, 12, 24)),
                s.integer("window", 7), s.integer("res", 224));
        s.require(v.depth().size() == STAGES && v.heads().size() == STAGES, "depth and heads need " + STAGES + " entries");
        s.require(v.dim() >= 1 && v.depth().stream().allMatch(d -> d >= 1) && v.heads().stream().allMatch(h -> h >= 1),
                "dim, depth and heads must be >= 1");
        for (int i = 0; i < STAGES; i++) s.require(v.width(i) % v.heads().get(i) == 0, "heads of stage " + (i + 1) + " must divide its width " + v.width(i));
        s.require(v.window() >= 2, "window must be >= 2");
        s.require(v.resolution() >= 32 && v.resolution() % 32 == 0, "res must be a multiple of 32");
        return v;
    }

    @Override
    public Variant sample(SplittableRandom r) {
        int dim = Spec.pick(r, 48, 64, 96, 128);
        int headWidth = dim % 32 == 0 ? 32 : 16;
        List<Integer> heads = List.of(dim / headWidth, 2 * dim / headWidth, 4 * dim / headWidth, 8 * dim / headWidth);
        List<Integer> depth = List.of(Spec.between(r, 1, 2), Spec.between(r, 1, 2), Spec.between(r, 2, 8), Spec.between(r, 1, 2));
        return new Variant(dim, depth, heads, Spec.pick(r, 4, 7, 8), 32 * Spec.between(r, 3, 10));
    }

    @Override
    public Map<String, String> presets() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("swin_t", new Variant(96, List.of(2, 2, 6, 2), List.of(3, 6, 12, 24), 7, 224).canonical());
        p.put("swin_s", new Variant(96, List.of(2, 2, 18, 2), List.of(3, 6, 12, 24), 7, 224).canonical());
        p.put("swin_b", new Variant(128, List.of(2, 2, 18, 2), List.of(4, 8, 16, 32), 7, 224).canonical());
        return p;
    }
}
