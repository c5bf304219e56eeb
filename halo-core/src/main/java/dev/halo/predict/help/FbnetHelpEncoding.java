package dev.halo.predict.help;

import dev.halo.nn.Tensor;
import java.util.List;

/**
 * HELP's flat FBNet encoding: each of the 22 layers' op index (0..8, 8 = skip) becomes 6 values
 * {@code [k3, k5, e1, e1_g2, e3, e6]} (kernel one-hot, then expansion/group one-hot; skip is all zeros), 132 in all.
 */
public final class FbnetHelpEncoding {
    private FbnetHelpEncoding() {}

    public static final int LAYERS = 22, FEATURES = 6 * LAYERS;

    static void encode(int[] ops, double[] out, int offset) {
        if (ops.length != LAYERS) throw new IllegalArgumentException("FBNet arch needs 22 ops, got " + ops.length);
        for (int l = 0; l < LAYERS; l++) {
            int op = ops[l], o = offset + 6 * l;
            if (op < 0 || op > 8) throw new IllegalArgumentException("FBNet op index out of 0..8: " + op);
            if (op == 8) continue;
            out[o + (op < 4 ? 0 : 1)] = 1;
            out[o + 2 + op % 4] = 1;
        }
    }

    public static HelpInputs.Flat encodeAll(List<int[]> archs) {
        double[] d = new double[archs.size() * FEATURES];
        for (int i = 0; i < archs.size(); i++) encode(archs.get(i), d, i * FEATURES);
        return new HelpInputs.Flat(Tensor.of(d, archs.size(), FEATURES));
    }
}
