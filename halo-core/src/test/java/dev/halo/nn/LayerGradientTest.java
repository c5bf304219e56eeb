package dev.halo.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Every hand-written backward pass against central finite differences. */
class LayerGradientTest {
    private final Random rng = new Random(7);

    private Tensor random(int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) t.data()[i] = rng.nextGaussian();
        return t;
    }

    /** A fixed random linear functional of the output turns any layer into a scalar loss. */
    private static double project(Tensor y, Tensor w) {
        return y.dot(w);
    }

    @Test
    void linearGradientsMatchFiniteDifferences() {
        Tensor w0 = random(4, 3), b0 = random(4), x0 = random(5, 3), proj = random(5, 4);
        Params p = Params.of(new LinkedHashMap<>(java.util.Map.of("w", w0, "b", b0, "x", x0)));
        Linear.Gradients g = Linear.backward(x0, w0, proj, true);
        Params analytic = p.with("w", g.weight()).with("b", g.bias()).with("x", g.input());
        Params numeric = GradientCheck.numericGradient(q -> project(Linear.forward(q.get("x"), q.get("w"), q.get("b")), proj), p, 1e-6);
        assertThat(GradientCheck.maxRelativeError(analytic, numeric)).isLessThan(1e-7);
    }

    @Test
    void graphConvolutionGradientsMatchFiniteDifferences() {
        Tensor h = random(2, 4, 3), w = random(3, 5), b = random(5), proj = random(2, 4, 5);
        Tensor adj = Tensor.zeros(2, 4, 4);
        for (int i = 0; i < adj.size(); i++) adj.data()[i] = rng.nextBoolean() ? 1 : 0;
        Params p = Params.of(new LinkedHashMap<>(java.util.Map.of("h", h, "w", w, "b", b)));
        GraphConvolution.Gradients g = GraphConvolution.backward(h, adj, w, proj, true);
        Params analytic = p.with("h", g.input()).with("w", g.weight()).with("b", g.bias());
        Params numeric = GradientCheck.numericGradient(q -> project(GraphConvolution.forward(q.get("h"), adj, q.get("w"), q.get("b")), proj), p, 1e-6);
        assertThat(GradientCheck.maxRelativeError(analytic, numeric)).isLessThan(1e-7);
    }

    @Test
    void singleNodeConvolutionEqualsTheFullLayersRowAndHasMatchingGradients() {
        Tensor h = random(2, 4, 3), w = random(3, 5), b = random(5), proj = random(2, 5);
        Tensor adj = Tensor.zeros(2, 4, 4);
        for (int i = 0; i < adj.size(); i++) adj.data()[i] = rng.nextBoolean() ? 1 : 0;
        Tensor full = GraphConvolution.forward(h, adj, w, b), node = GraphConvolution.forwardNode(h, adj, 3, w, b);
        for (int g = 0; g < 2; g++)
            for (int o = 0; o < 5; o++)
                assertThat(node.data()[g * 5 + o]).isCloseTo(full.data()[(g * 4 + 3) * 5 + o], org.assertj.core.data.Offset.offset(1e-12));
        Params p = Params.of(new LinkedHashMap<>(java.util.Map.of("h", h, "w", w, "b", b)));
        GraphConvolution.Gradients g = GraphConvolution.backwardNode(h, adj, 3, w, proj, true);
        Params analytic = p.with("h", g.input()).with("w", g.weight()).with("b", g.bias());
        Params numeric = GradientCheck.numericGradient(q -> project(GraphConvolution.forwardNode(q.get("h"), adj, 3, q.get("w"), q.get("b")), proj), p, 1e-6);
        assertThat(GradientCheck.maxRelativeError(analytic, numeric)).isLessThan(1e-7);
    }

    @Test
    void graphConvolutionSumsOverTheRowsNeighbours() {
        // one graph, 2 nodes, node 1 sums itself and node 0; identity weight, zero bias
        Tensor h = Tensor.of(new double[] {1, 2, 10, 20}, 1, 2, 2);
        Tensor adj = Tensor.of(new double[] {1, 0, 1, 1}, 1, 2, 2);
        Tensor y = GraphConvolution.forward(h, adj, Tensor.of(new double[] {1, 0, 0, 1}, 2, 2), Tensor.zeros(2));
        assertThat(y.data()).containsExactly(1, 2, 11, 22);
    }

    @Test
    void reluAndMseGradients() {
        Tensor x = random(6), proj = random(6);
        Params p = Params.of(java.util.Map.of("x", x));
        Params analytic = p.with("x", Relu.backward(Relu.forward(x), proj));
        Params numeric = GradientCheck.numericGradient(q -> project(Relu.forward(q.get("x")), proj), p, 1e-6);
        assertThat(GradientCheck.maxRelativeError(analytic, numeric)).isLessThan(1e-7);

        double[] target = random(6).data();
        Params mseAnalytic = p.with("x", Tensor.of(MeanSquaredError.gradient(x.data(), target), 6));
        Params mseNumeric = GradientCheck.numericGradient(q -> MeanSquaredError.value(q.get("x").data(), target), p, 1e-6);
        assertThat(GradientCheck.maxRelativeError(mseAnalytic, mseNumeric)).isLessThan(1e-7);
    }

    @Test
    void adamMinimisesAQuadraticAndMatchesTheFirstStepFormula() {
        Params p = Params.of(java.util.Map.of("x", Tensor.vector(3, -2)));
        Adam adam = Adam.start(0.1, p);
        // first step of Adam moves every coordinate by exactly lr * sign(g) (bias-corrected m/sqrt(v) = ±1)
        Adam.Step s = adam.step(p, p.scaled(2));
        assertThat(s.params().get("x").data()[0]).isCloseTo(2.9, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(s.params().get("x").data()[1]).isCloseTo(-1.9, org.assertj.core.data.Offset.offset(1e-6));
        for (int i = 0; i < 500; i++) s = s.state().step(s.params(), s.params().scaled(2));
        assertThat(Math.abs(s.params().get("x").data()[0])).isLessThan(0.05);
    }
}
