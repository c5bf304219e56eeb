package dev.halo.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The plan's double-precision training path (deduplicated forward and reverse mode) against the
 * layer-by-layer {@link GraphConvolution} stack it replaces in meta-training, and against finite differences.
 * The batch repeats graphs and node neighbourhoods on purpose, so that states are shared and the backward
 * pass must sum a shared state's gradient over all its uses.
 */
class GraphConvolutionPlanTrainingTest {
    private final Random rng = new Random(3);
    private static final int GRAPHS = 6, NODES = 5, FEATURES = 3, LAYERS = 3, READOUT = NODES - 1;
    private static final int[] WIDTHS = {FEATURES, 4, 5, 3};

    private Tensor random(int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) t.data()[i] = rng.nextGaussian();
        return t;
    }

    /**
     * One-hot node types (two of three types used, so neighbourhoods repeat) and a lower-triangular adjacency
     * with self-loops whose last (read-out) node sums every node; graphs 4 and 5 are copies of graphs 0 and 1.
     */
    private Tensor[] graphs() {
        Tensor f = Tensor.zeros(GRAPHS, NODES, FEATURES), a = Tensor.zeros(GRAPHS, NODES, NODES);
        int fs = NODES * FEATURES, as = NODES * NODES;
        for (int g = 0; g < 4; g++)
            for (int n = 0; n < NODES; n++) {
                f.data()[g * fs + n * FEATURES + rng.nextInt(2)] = 1;
                for (int k = 0; k <= n; k++) a.data()[g * as + n * NODES + k] = k == n || n == READOUT || rng.nextBoolean() ? 1 : 0;
            }
        for (int g = 4; g < GRAPHS; g++) {
            System.arraycopy(f.data(), (g - 4) * fs, f.data(), g * fs, fs);
            System.arraycopy(a.data(), (g - 4) * as, a.data(), g * as, as);
        }
        return new Tensor[] {f, a};
    }

    /** The reference: full convolutions with ReLU, the last one evaluated at the read-out node only. */
    private static Tensor layered(Tensor f, Tensor a, Params p) {
        Tensor h = f;
        for (int l = 0; l < LAYERS - 1; l++) h = Relu.forward(GraphConvolution.forward(h, a, p.get("w" + l), p.get("b" + l)));
        return Relu.forward(GraphConvolution.forwardNode(h, a, READOUT, p.get("w" + (LAYERS - 1)), p.get("b" + (LAYERS - 1))));
    }

    private Params weights() {
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        for (int l = 0; l < LAYERS; l++) {
            m.put("w" + l, random(WIDTHS[l], WIDTHS[l + 1]));
            m.put("b" + l, random(WIDTHS[l + 1]).scaled(0.3));
        }
        return Params.of(m);
    }

    private static Tensor[] layer(Params p, String prefix) {
        Tensor[] t = new Tensor[LAYERS];
        for (int l = 0; l < LAYERS; l++) t[l] = p.get(prefix + l);
        return t;
    }

    @Test
    void forwardEqualsTheLayerByLayerStackAndSharesStates() {
        Tensor[] g = graphs();
        GraphConvolutionPlan plan = GraphConvolutionPlan.build(g[0], g[1], LAYERS, READOUT);
        Params p = weights();
        double[] fast = plan.readout(plan.forward(layer(p, "w"), layer(p, "b")));
        double[] slow = layered(g[0], g[1], p).data();
        assertThat(fast).hasSameSizeAs(slow);
        for (int i = 0; i < slow.length; i++) assertThat(fast[i]).isCloseTo(slow[i], within(1e-12 * (1 + Math.abs(slow[i]))));
        // the copies must have been merged, or the backward test below would not exercise shared states
        assertThat(plan.distinctStates()[LAYERS]).isLessThan(GRAPHS);
    }

    @Test
    void backwardMatchesFiniteDifferencesOfTheLayeredStack() {
        Tensor[] g = graphs();
        GraphConvolutionPlan plan = GraphConvolutionPlan.build(g[0], g[1], LAYERS, READOUT);
        Params p = weights();
        Tensor proj = random(GRAPHS, WIDTHS[LAYERS]);
        GraphConvolutionPlan.Gradients grad = plan.backward(plan.forward(layer(p, "w"), layer(p, "b")), layer(p, "w"), proj.data());
        Params analytic = p;
        for (int l = 0; l < LAYERS; l++) analytic = analytic.with("w" + l, grad.weights()[l]).with("b" + l, grad.biases()[l]);
        Params numeric = GradientCheck.numericGradient(q -> layered(g[0], g[1], q).dot(proj), p, 1e-6);
        assertThat(GradientCheck.relativeDistance(analytic, numeric)).isLessThan(1e-7);
    }
}
