package dev.halo.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The inner loop's backward pass (with finite-difference Hessian-vector products) against finite differences of the whole loop. */
class MetaSgdTest {
    /** A smooth non-quadratic support loss: sum_i softplus-like terms, so the Hessian varies with θ. */
    private static MetaSgd.Gradient support(Params p, double[] data) {
        double[] x = p.get("x").data();
        double loss = 0;
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double a = x[i] * data[i] + x[(i + 1) % x.length];
            loss += Math.log(Math.cosh(a)) + 0.5 * x[i] * x[i] * x[i] * x[i] / 4;
            double t = Math.tanh(a);
            g[i] += t * data[i] + x[i] * x[i] * x[i] / 2;
            g[(i + 1) % x.length] += t;
        }
        return new MetaSgd.Gradient(loss, p.with("x", Tensor.of(g, x.length)));
    }

    private static double query(Params p, double[] target) {
        double[] x = p.get("x").data();
        double s = 0;
        for (int i = 0; i < x.length; i++) s += (x[i] - target[i]) * (x[i] - target[i]) * (1 + i);
        return s;
    }

    private static Params queryGradient(Params p, double[] target) {
        double[] x = p.get("x").data(), g = new double[x.length];
        for (int i = 0; i < x.length; i++) g[i] = 2 * (x[i] - target[i]) * (1 + i);
        return p.with("x", Tensor.of(g, x.length));
    }

    @Test
    void secondOrderMetaGradientMatchesFiniteDifferencesThroughTwoSteps() {
        Random rng = new Random(3);
        int n = 5;
        double[] data = new double[n], target = new double[n], x0 = new double[n], lr = new double[n];
        for (int i = 0; i < n; i++) {
            data[i] = rng.nextGaussian();
            target[i] = rng.nextGaussian();
            x0[i] = rng.nextGaussian();
            lr[i] = 0.1 + 0.1 * rng.nextDouble();
        }
        Params start = Params.of(java.util.Map.of("x", Tensor.of(x0, n)));
        Params rates = Params.of(java.util.Map.of("x", Tensor.of(lr, n)));
        MetaSgd.Objective f = p -> support(p, data);

        MetaSgd.Trajectory t = MetaSgd.adapt(f, start, rates, 2);
        MetaSgd.MetaGradient g = MetaSgd.backward(f, t, rates, queryGradient(t.adapted(), target), true);

        Params numStart = GradientCheck.numericGradient(p -> query(MetaSgd.adapt(f, p, rates, 2).adapted(), target), start, 1e-5);
        Params numRates = GradientCheck.numericGradient(r -> query(MetaSgd.adapt(f, start, r, 2).adapted(), target), rates, 1e-5);
        assertThat(GradientCheck.maxRelativeError(g.start(), numStart)).isLessThan(1e-5);
        assertThat(GradientCheck.maxRelativeError(g.learningRates(), numRates)).isLessThan(1e-5);

        // and the first-order approximation is measurably different, so the check above has teeth
        MetaSgd.MetaGradient first = MetaSgd.backward(f, t, rates, queryGradient(t.adapted(), target), false);
        assertThat(GradientCheck.relativeDistance(first.start(), numStart)).isGreaterThan(1e-3);
    }
}
