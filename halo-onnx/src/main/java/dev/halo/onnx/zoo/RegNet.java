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
 * torchvision's RegNetX / RegNetY: a 3x3/2 stem of 32 channels, stages of residual bottleneck blocks (1x1, grouped
 * 3x3 of group width g, squeeze-and-excite to a quarter of the block input for Y, 1x1; projection shortcut where
 * shape changes), pooling, classifier. The stage widths and depths follow from the quantised linear rule of the
 * RegNet paper ({@code w_j = w0 + wa * j} quantised in powers of {@code wm}), computed as torchvision's
 * {@code BlockParams.from_init_params} does (float32).
 */
public final class RegNet implements ModelFamily {
    public static final String NAME = "regnet";
    private static final Set<String> KEYS = Set.of("type", "depth", "w0", "wa", "wm", "group", "res");

    /** One stage: output width, number of blocks, group width. */
    public record Stage(int width, int depth, int groupWidth) {}

    /** @param type {@code x} (no SE) or {@code y} (SE ratio 0.25) */
    public record Variant(String type, int depth, int w0, double wa, double wm, int group, int resolution) implements ZooModel {
        @Override
        public String family() {
            return NAME;
        }

        @Override
        public String canonical() {
            return Spec.format(NAME, "type", type, "depth", depth, "w0", w0, "wa", Spec.number(wa), "wm", Spec.number(wm),
                    "group", group, "res", resolution);
        }

        /** The stages the quantised linear rule gives (torchvision's algorithm with bottleneck multiplier 1). */
        public List<Stage> stages() {
            int[] widths = new int[depth];
            for (int j = 0; j < depth; j++) {
                float cont = j * (float) wa + w0;
                float capacity = (float) Math.rint((float) Math.log(cont / w0) / (float) Math.log(wm));
                widths[j] = (int) (Math.rint((float) (w0 * (float) Math.pow((float) wm, capacity)) / 8f) * 8);
            }
            List<Stage> stages = new ArrayList<>();
            int start = 0;
            for (int j = 1; j <= depth; j++) {
                if (j == depth || widths[j] != widths[j - 1]) {
                    int w = widths[j - 1];
                    int g = Math.min(group, w);
                    stages.add(new Stage(Spec.divisible(w, g), j - start, g));
                    start = j;
                }
            }
            return stages;
        }

        @Override
        public OnnxNetwork export(OnnxGraphBuilder b) {
            Tensor x = b.input(3, resolution, resolution);
            x = b.relu(b.batchNorm(b.conv(x, 32, 3, 2, 1)));
            for (Stage s : stages())
                for (int i = 0; i < s.depth(); i++) x = block(b, x, s.width(), i == 0 ? 2 : 1, s.groupWidth());
            x = b.linear(b.flatten(b.globalAvgPool(x)), 1000);
            return b.build(x, "RegNet " + canonical());
        }

        private Tensor block(OnnxGraphBuilder b, Tensor x, int out, int stride, int groupWidth) {
            Tensor y = b.relu(b.batchNorm(b.conv(x, out, 1, 1, 1)));
            y = b.relu(b.batchNorm(b.conv(y, out, 3, stride, out / groupWidth)));
            if (type.equals("y")) {
                Tensor s = b.globalAvgPool(y);
                s = b.relu(b.conv(s, (int) Math.round(0.25 * x.channels()), 1, 1, 0, 1, true));
                s = b.sigmoid(b.conv(s, out, 1, 1, 0, 1, true));
                y = b.mul(y, s);
            }
            y = b.batchNorm(b.conv(y, out, 1, 1, 1));
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
        return "X or Y (SE); depth 10-25, w0 16-96 (step 8), wa 12-48, wm 2.0-2.8, group width {8,16,24,32,48}, "
                + "4 stages (other draws are redrawn); resolution 96-320";
    }

    @Override
    public Variant parse(String text) {
        Spec s = Spec.parse(text, NAME, KEYS);
        Variant v = new Variant(s.string("type", "x"), s.integer("depth", 22), s.integer("w0", 24), s.decimal("wa", 24.48),
                s.decimal("wm", 2.54), s.integer("group", 16), s.integer("res", 224));
        s.require(v.type().equals("x") || v.type().equals("y"), "type must be x or y");
        s.require(v.depth() >= 1 && v.w0() >= 8 && v.wa() > 0 && v.wm() > 1 && v.group() >= 1, "needs depth >= 1, w0 >= 8, wa > 0, wm > 1, group >= 1");
        s.require(v.resolution() >= 32, "res must be at least 32");
        return v;
    }

    @Override
    public Variant sample(SplittableRandom r) {
        while (true) {
            Variant v = new Variant(r.nextBoolean() ? "x" : "y", Spec.between(r, 10, 25), 8 * Spec.between(r, 2, 12),
                    Spec.between(r, 1200, 4800) / 100.0, Spec.between(r, 200, 280) / 100.0, Spec.pick(r, 8, 16, 24, 32, 48),
                    Spec.resolution(r));
            if (v.stages().size() == 4) return v;
        }
    }

    @Override
    public Map<String, String> presets() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("regnet_x_400mf", new Variant("x", 22, 24, 24.48, 2.54, 16, 224).canonical());
        p.put("regnet_x_800mf", new Variant("x", 16, 56, 35.73, 2.28, 16, 224).canonical());
        p.put("regnet_y_400mf", new Variant("y", 16, 48, 27.89, 2.09, 8, 224).canonical());
        p.put("regnet_y_800mf", new Variant("y", 14, 56, 38.84, 2.4, 16, 224).canonical());
        return p;
    }
}
